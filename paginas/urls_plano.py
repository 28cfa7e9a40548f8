from django.urls import path

from . import plano as views

app_name = "plano"

urlpatterns = [
    path("plano/", views.plano, name="plano"),
    path("plano/alteracoes/", views.alteracoes, name="alteracoes"),
    path("plano/<str:codigo>/", views.item, name="item"),
]

from django.urls import path

from . import parceiros as views

app_name = "parceiros"

urlpatterns = [
    path("parceiros/", views.instituicoes, name="instituicoes"),
    path("parceiros/<slug:slug>/", views.instituicao, name="instituicao"),
]

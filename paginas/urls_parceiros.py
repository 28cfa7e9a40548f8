from django.urls import path

from parceiros import mfa

from . import parceiros as views

app_name = "parceiros"

urlpatterns = [
    path("portal/mfa/", mfa.cadastrar, name="mfa"),
    path("portal/mfa/verificar/", mfa.verificar, name="mfa_verificar"),
    path("parceiros/", views.instituicoes, name="instituicoes"),
    path("parceiros/<slug:slug>/", views.instituicao, name="instituicao"),
]

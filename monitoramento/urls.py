from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import EntradaForm, RedefinirSenhaForm

app_name = "monitoramento"

urlpatterns = [
    path("portal/", views.inicio, name="inicio"),
    path(
        "portal/entrar/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", authentication_form=EntradaForm
        ),
        name="entrar",
    ),
    path("portal/sair/", auth_views.LogoutView.as_view(), name="sair"),
    path(
        "portal/senha/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/senha_alterar.html",
            success_url=reverse_lazy("monitoramento:senha_alterada"),
        ),
        name="senha",
    ),
    path(
        "portal/senha/alterada/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/senha_alterada.html"),
        name="senha_alterada",
    ),
    path(
        "portal/senha/redefinir/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/senha_redefinir.html",
            form_class=RedefinirSenhaForm,
            email_template_name="email/redefinir_senha.txt",
            subject_template_name="email/redefinir_senha_assunto.txt",
            success_url=reverse_lazy("monitoramento:redefinicao_enviada"),
        ),
        name="redefinir_senha",
    ),
    path(
        "portal/senha/redefinir/enviada/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/senha_redefinicao_enviada.html"
        ),
        name="redefinicao_enviada",
    ),
    path(
        "portal/senha/redefinir/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/senha_nova.html",
            success_url=reverse_lazy("monitoramento:redefinicao_concluida"),
        ),
        name="redefinir_senha_confirmar",
    ),
    path(
        "portal/senha/redefinida/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/senha_redefinida.html"
        ),
        name="redefinicao_concluida",
    ),
    path("portal/ciclo/", views.relatar_ciclo, name="relatar_ciclo"),
    path("portal/ciclo/enviar/", views.confirmar_envio_ciclo, name="confirmar_envio_ciclo"),
    path("portal/atividades/<str:codigo>/", views.atividade, name="atividade"),
    path("portal/atividades/<str:codigo>/relatar/", views.relatar, name="relatar"),
    path("portal/atividades/<str:codigo>/enviar/", views.confirmar_envio, name="confirmar_envio"),
    path("portal/atividades/<str:codigo>/corrigir/", views.corrigir, name="corrigir"),
    path("evidencias/<int:pk>/", views.evidencia_arquivo, name="evidencia_arquivo"),
]

"""CGETP's admin for institutions and users.

People are invited, never given a password: a new user receives an e-mail
with a one-time link to choose their own (Django's password-reset tokens,
answered by the portal at /portal/senha/redefinir/<uidb64>/<token>/).
Partner users never get the admin (the database refuses it too)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.html import format_html
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from comum.admin import HistoricoAdmin
from comum.enderecos import absoluto
from operacao.correio import enfileirar

from .models import Instituicao, Usuario

PARCEIRO_NAO_E_STAFF = (
    "Usuários de instituições parceiras não acessam a administração: desmarque "
    "“membro da equipe” ou deixe a instituição vazia (equipe da CGETP)."
)


def link_para_definir_senha(usuario: Usuario) -> str:
    """The portal's one-time link where `usuario` chooses a password."""
    uid = urlsafe_base64_encode(force_bytes(usuario.pk))
    token = default_token_generator.make_token(usuario)
    return absoluto(f"/portal/senha/redefinir/{uid}/{token}/")


def enviar_convite(usuario: Usuario) -> None:
    """E-mail `usuario` the link to choose a password."""
    contexto = {"usuario": usuario, "link": link_para_definir_senha(usuario)}
    enfileirar(
        "Painel I PAECM: defina sua senha",
        render_to_string("admin/parceiros/email_convite.txt", contexto),
        [usuario.email],
    )


class SemStaffParaParceiros(forms.ModelForm):
    def clean(self):
        dados = super().clean()
        instituicao = dados.get("instituicao", self.instance.instituicao)
        is_staff = dados.get("is_staff", self.instance.is_staff)
        if instituicao is not None and is_staff:
            self.add_error("is_staff", PARCEIRO_NAO_E_STAFF)
        return dados


class ConviteForm(SemStaffParaParceiros):
    """A new user, without a password: they choose it from the e-mail."""

    class Meta:
        model = Usuario
        fields = ["username", "first_name", "last_name", "email", "instituicao", "is_staff"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "Recebe o link para definir a senha."

    def save(self, commit=True):
        usuario = super().save(commit=False)
        usuario.set_unusable_password()
        if commit:
            usuario.save()
        return usuario


class UsuarioChangeForm(SemStaffParaParceiros, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = Usuario


@admin.register(Usuario)
class UsuarioAdmin(HistoricoAdmin, UserAdmin):
    form = UsuarioChangeForm
    add_form = ConviteForm
    add_form_template = None
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Dados pessoais", {"fields": ["first_name", "last_name", "email", "instituicao"]}),
        (
            "Acesso",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Datas", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "instituicao",
                    "is_staff",
                ],
                "description": "O usuário recebe por e-mail um link para definir a própria senha. "
                "Para um usuário de instituição parceira, escolha a instituição; "
                "para a equipe da CGETP, deixe-a vazia.",
            },
        )
    ]
    list_display = [
        "username",
        "nome",
        "email",
        "instituicao",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = [
        ("instituicao", admin.RelatedOnlyFieldListFilter),
        "is_staff",
        "is_active",
        "groups",
    ]
    list_select_related = ["instituicao"]
    search_fields = ["username", "first_name", "last_name", "email", "instituicao__sigla"]
    autocomplete_fields = ["instituicao"]
    ordering = ["username"]
    actions = ["desativar", "reenviar_convite"]

    @admin.display(description="nome", ordering="first_name")
    def nome(self, obj) -> str:
        return obj.get_full_name()

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser hands out powers beyond the groups' own.
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["last_login", "date_joined", "is_superuser", "groups", "user_permissions"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # Staff never learn a person's password; "reenviar convite" lets the
        # person choose a new one.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            enviar_convite(obj)

    def response_add(self, request, obj, post_url_continue=None):
        messages.info(request, f"Um e-mail com o link para definir a senha vai para {obj.email}.")
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description="Desativar os usuários selecionados", permissions=["change"])
    def desativar(self, request, queryset):
        desativados = 0
        for usuario in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            if not self.has_change_permission(request, usuario):
                continue
            usuario.is_active = False
            usuario.save(update_fields=["is_active"])
            desativados += 1
        messages.success(request, f"Usuários desativados: {desativados}.")

    @admin.action(description="Reenviar o e-mail para definir a senha", permissions=["change"])
    def reenviar_convite(self, request, queryset):
        enviados = [u for u in queryset.filter(is_active=True) if u.email]
        for usuario in enviados:
            enviar_convite(usuario)
        messages.success(request, f"E-mails enviados: {len(enviados)}.")


@admin.register(Instituicao)
class InstituicaoAdmin(HistoricoAdmin):
    list_display = ["sigla", "nome", "tipo", "total_de_atividades", "total_de_usuarios"]
    list_filter = ["tipo"]
    search_fields = ["sigla", "nome"]
    search_help_text = "Busca na sigla e no nome."
    prepopulated_fields = {"slug": ["sigla"]}
    fields = ["sigla", "slug", "nome", "tipo", "site", "usuarios_da_instituicao"]
    readonly_fields = ["usuarios_da_instituicao"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                total_atividades=Count("vinculos", distinct=True),
                total_usuarios=Count("usuarios", distinct=True),
            )
        )

    @admin.display(description="atividades", ordering="total_atividades")
    def total_de_atividades(self, obj) -> int:
        return obj.total_atividades

    @admin.display(description="usuários", ordering="total_usuarios")
    def total_de_usuarios(self, obj) -> int:
        return obj.total_usuarios

    @admin.display(description="usuários")
    def usuarios_da_instituicao(self, obj) -> str:
        if obj.pk is None:
            return "Salve a instituição para cadastrar seus usuários."
        lista = reverse("admin:parceiros_usuario_changelist")
        novo = reverse("admin:parceiros_usuario_add")
        return format_html(
            '<a href="{}?instituicao__id__exact={}">Ver os {} usuários</a> · '
            '<a href="{}?instituicao={}">Cadastrar um usuário desta instituição</a>',
            lista,
            obj.pk,
            obj.total_usuarios,
            novo,
            obj.pk,
        )


# Second-factor devices (django-otp): a superuser may remove a lost phone's
# device so the person enrols again. django-otp's own admin is replaced: it
# shows the secret key and its config/QR views answer 500 on out-of-range ids.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class DispositivoAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

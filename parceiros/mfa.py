"""Second factor (TOTP with recovery codes) through django-otp (ADR 0006).

Every `is_staff` user must have confirmed an authenticator app and typed a
code in this session before any admin, portal or evidence page opens, with
DEBUG on or off. Partners may turn it on at /portal/mfa/; once they have, the
same rule applies to them. Wrong codes are throttled like passwords (a lock
per user in the shared cache, on top of django-otp's own growing delay)."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from comum.http import aceita

from .auth import BLOQUEIO_SEGUNDOS, FALHAS_PERMITIDAS, contar, logger

CODIGOS_DE_RECUPERACAO = 10
MENSAGEM_CODIGOS_BLOQUEADOS = (
    "Muitos códigos errados. Por segurança, aguarde 15 minutos e tente de novo."
)
# Pages a logged-in user without the second factor may still open.
LIVRES = ("/portal/mfa/", "/portal/sair/", "/admin/logout/", "/static/", "/saude/")
PROTEGIDAS = ("/admin/", "/portal/", "/evidencias/")


SESSAO_COM_DISPOSITIVO = "paecm_mfa_ativada"


def _marcar_na_entrada(sender, request, user, **kwargs):
    """At login, note in the session whether a partner turned the second factor
    on, so the middleware costs no query on a partner's requests."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSAO_COM_DISPOSITIVO] = user.is_staff or user_has_device(user)


user_logged_in.connect(_marcar_na_entrada, dispatch_uid="paecm_mfa_na_entrada")


def _precisa_verificar(request) -> bool:
    usuario = request.user
    if not usuario.is_authenticated:
        return False
    if not (usuario.is_staff or request.session.get(SESSAO_COM_DISPOSITIVO)):
        return False
    return not usuario.is_verified()


class ExigirSegundoFator:
    """Middleware (after django-otp's OTPMiddleware): staff, and partners who
    turned it on, go to the code page first; staff without a device enrol."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        caminho = request.path
        if (
            caminho.startswith(PROTEGIDAS)
            and not caminho.startswith(LIVRES)
            and _precisa_verificar(request)
        ):
            destino = (
                "parceiros:mfa_verificar" if user_has_device(request.user) else "parceiros:mfa"
            )
            return redirect(f"{reverse(destino)}?next={request.get_full_path()}")
        return self.get_response(request)


def _proximo(request) -> str:
    proximo = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(proximo, {request.get_host()}, request.is_secure()):
        return proximo
    return "/admin/" if request.user.is_staff else "/portal/"


def _chave_de_falhas(usuario) -> str:
    return f"paecm:mfa-falhas:{usuario.pk}"


def codigo_bloqueado(usuario) -> bool:
    from django.core.cache import cache

    return (cache.get(_chave_de_falhas(usuario)) or 0) >= FALHAS_PERMITIDAS


def _falhou(usuario) -> None:
    contar(_chave_de_falhas(usuario), BLOQUEIO_SEGUNDOS)
    logger.info("Código de verificação errado: usuário %r", usuario.username)


def criar_codigos_de_recuperacao(usuario) -> list[str]:
    """Replace the user's recovery codes by CODIGOS_DE_RECUPERACAO new ones."""
    StaticDevice.objects.filter(user=usuario).delete()
    dispositivo = StaticDevice.objects.create(user=usuario, name="Códigos de recuperação")
    codigos = [StaticToken.random_token() for _ in range(CODIGOS_DE_RECUPERACAO)]
    StaticToken.objects.bulk_create(StaticToken(device=dispositivo, token=c) for c in codigos)
    return codigos


def codigo_atual(dispositivo: TOTPDevice) -> str:
    """The TOTP code the device shows now (demo command codigo_totp)."""
    return f"{totp(dispositivo.bin_key, dispositivo.step, dispositivo.t0, dispositivo.digits, dispositivo.drift):0{dispositivo.digits}d}"


@aceita("GET", "POST")
@login_required
def cadastrar(request):
    """Enrol an authenticator app: show its key, confirm one code, then show
    the recovery codes once."""
    usuario = request.user
    if user_has_device(usuario):
        if not usuario.is_verified():
            return redirect(f"{reverse('parceiros:mfa_verificar')}?next={_proximo(request)}")
        return render(request, "registration/mfa_ativa.html", {"proximo": _proximo(request)})
    dispositivo = TOTPDevice.objects.filter(user=usuario, confirmed=False).first()
    if dispositivo is None:
        dispositivo = TOTPDevice.objects.create(
            user=usuario, name="Aplicativo autenticador", confirmed=False
        )
    erro = ""
    if request.method == "POST":
        codigo = "".join(request.POST.get("codigo", "").split())
        if codigo_bloqueado(usuario):
            erro = MENSAGEM_CODIGOS_BLOQUEADOS
        elif dispositivo.verify_token(codigo):
            dispositivo.confirmed = True
            dispositivo.save(update_fields=["confirmed"])
            codigos = criar_codigos_de_recuperacao(usuario)
            otp_login(request, dispositivo)
            logger.info("Segundo fator ativado: usuário %r", usuario.username)
            return render(
                request,
                "registration/mfa_codigos.html",
                {"codigos": codigos, "proximo": _proximo(request)},
            )
        else:
            _falhou(usuario)
            erro = "Código inválido. Confira o relógio do celular e digite o código atual."
    chave = base64.b32encode(dispositivo.bin_key).decode()
    return render(
        request,
        "registration/mfa_cadastrar.html",
        {
            "chave": " ".join(chave[i : i + 4] for i in range(0, len(chave), 4)),
            "uri": dispositivo.config_url,
            "erro": erro,
            "proximo": _proximo(request),
        },
        status=200 if not erro else 400,
    )


@aceita("GET", "POST")
@login_required
def verificar(request):
    """Type the current code from the app, or one recovery code."""
    usuario = request.user
    if not user_has_device(usuario):
        return redirect(f"{reverse('parceiros:mfa')}?next={_proximo(request)}")
    erro = ""
    if request.method == "POST":
        codigo = "".join(request.POST.get("codigo", "").split())
        if codigo_bloqueado(usuario):
            erro = MENSAGEM_CODIGOS_BLOQUEADOS
        else:
            dispositivo = match_token(usuario, codigo) if codigo else None
            if dispositivo is not None:
                otp_login(request, dispositivo)
                if isinstance(dispositivo, StaticDevice):
                    restantes = dispositivo.token_set.count()
                    messages.warning(
                        request,
                        f"Você usou um código de recuperação; restam {restantes}.",
                    )
                return redirect(_proximo(request))
            _falhou(usuario)
            erro = "Código inválido."
            if codigo_bloqueado(usuario):
                erro = MENSAGEM_CODIGOS_BLOQUEADOS
    return render(
        request,
        "registration/mfa_verificar.html",
        {"erro": erro, "proximo": _proximo(request)},
        status=429 if erro == MENSAGEM_CODIGOS_BLOQUEADOS else (400 if erro else 200),
    )

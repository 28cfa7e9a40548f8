"""Login throttling: a lock per username and address, in Django's cache.

After FALHAS_PERMITIDAS failed logins for one username from one address, that
pair is refused for BLOQUEIO_SEGUNDOS, without computing a password hash (one
hash costs about half a second of CPU). The lock is never permanent and never
touches other usernames or addresses. django-axes was not used: its defaults
lock an account for good after three failures.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

FALHAS_PERMITIDAS = 5
BLOQUEIO_SEGUNDOS = 15 * 60
logger = logging.getLogger("paecm.entrada")
MENSAGEM_BLOQUEIO = (
    "Muitas tentativas de entrada sem sucesso com este usuário. "
    "Por segurança, aguarde 15 minutos e tente de novo, ou redefina a sua senha."
)


def endereco(request) -> str:
    """The client's address. Behind our own proxy (DJANGO_BEHIND_PROXY), it is
    the last X-Forwarded-For entry, the one that proxy appended: earlier ones
    are whatever the client sent. Otherwise REMOTE_ADDR."""
    if request is None:
        return "-"
    if settings.SECURE_PROXY_SSL_HEADER:
        encaminhado = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if encaminhado:
            return encaminhado
    return request.META.get("REMOTE_ADDR") or "-"


def _chave(username: str, ip: str) -> str:
    bruto = f"{(username or '').strip().lower()}\n{ip}".encode()
    return "paecm:login-falhas:" + hashlib.sha256(bruto).hexdigest()


def bloqueado(username: str, ip: str) -> bool:
    return (cache.get(_chave(username, ip)) or 0) >= FALHAS_PERMITIDAS


def recusar_se_bloqueado(username: str, ip: str) -> None:
    """Raise PermissionDenied (and log it) while the pair is locked."""
    if bloqueado(username, ip):
        logger.warning("Entrada recusada (bloqueio): usuário %r, endereço %s", username, ip)
        raise PermissionDenied(MENSAGEM_BLOQUEIO)


def registrar_falha(username: str, ip: str) -> None:
    """Count one failure; the count expires BLOQUEIO_SEGUNDOS after the first one."""
    chave = _chave(username, ip)
    if not cache.add(chave, 1, BLOQUEIO_SEGUNDOS):
        try:
            cache.incr(chave)
        except ValueError:  # expired between add() and incr()
            cache.add(chave, 1, BLOQUEIO_SEGUNDOS)


def limpar(username: str, ip: str) -> None:
    cache.delete(_chave(username, ip))


class BackendComLimite(ModelBackend):
    """ModelBackend that refuses a locked username and address before
    looking the user up or hashing anything (serves the portal and the admin)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        ip = endereco(request)
        # PermissionDenied stops authenticate() from trying other backends.
        recusar_se_bloqueado(username, ip)
        usuario = super().authenticate(request, username=username, password=password, **kwargs)
        if usuario is None:
            registrar_falha(username, ip)
            logger.info("Entrada sem sucesso: usuário %r, endereço %s", username, ip)
        else:
            limpar(username, ip)
            logger.info("Entrada: usuário %r, endereço %s", username, ip)
        return usuario

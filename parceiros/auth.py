"""Login throttling: a lock per username and address, in Django's cache.

After FALHAS_PERMITIDAS failed logins for one username from one address, that
pair is refused for BLOQUEIO_SEGUNDOS, without computing a password hash (one
hash costs about half a second of CPU). The lock is never permanent and never
touches other usernames or addresses. django-axes was not used: its defaults
lock an account for good after three failures.
"""

import hashlib
import logging
import threading
from contextlib import contextmanager, suppress

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

FALHAS_PERMITIDAS = 5
BLOQUEIO_SEGUNDOS = 15 * 60
# One address trying many usernames (password spraying) is locked too.
FALHAS_POR_ENDERECO = 30
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


def _chave_do_endereco(ip: str) -> str:
    return "paecm:login-falhas-endereco:" + hashlib.sha256(ip.encode()).hexdigest()


def contar(chave: str, janela: int) -> int:
    """Add one to a counter in the shared cache that expires `janela` seconds
    after its first count; returns the new value (atomic on Redis)."""
    if cache.add(chave, 1, janela):
        return 1
    try:
        return cache.incr(chave)
    except ValueError:  # expired between add() and incr()
        cache.add(chave, 1, janela)
        return 1


def bloqueado(username: str, ip: str) -> bool:
    contagens = cache.get_many([_chave(username, ip), _chave_do_endereco(ip)])
    return (contagens.get(_chave(username, ip)) or 0) >= FALHAS_PERMITIDAS or (
        contagens.get(_chave_do_endereco(ip)) or 0
    ) >= FALHAS_POR_ENDERECO


def recusar_se_bloqueado(username: str, ip: str) -> None:
    """Raise PermissionDenied (and log it) while the pair is locked."""
    if bloqueado(username, ip):
        logger.warning("Entrada recusada (bloqueio): usuário %r, endereço %s", username, ip)
        raise PermissionDenied(MENSAGEM_BLOQUEIO)


def registrar_falha(username: str, ip: str) -> None:
    """Count one failure for the pair and one for the address; each count
    expires BLOQUEIO_SEGUNDOS after its first failure."""
    contar(_chave(username, ip), BLOQUEIO_SEGUNDOS)
    contar(_chave_do_endereco(ip), BLOQUEIO_SEGUNDOS)


def limpar(username: str, ip: str) -> None:
    cache.delete(_chave(username, ip))


class SobrecargaDeSenhas(Exception):
    """Too many password checks in progress: refused before hashing."""


MENSAGEM_SOBRECARGA = (
    "O serviço de entrada está com muitas tentativas ao mesmo tempo. "
    "Aguarde um minuto e tente de novo."
)
_CHAVE_EM_CURSO = "paecm:senhas-em-curso"
_semaforo = threading.BoundedSemaphore(settings.VERIFICACOES_DE_SENHA_POR_PROCESSO)


@contextmanager
def verificacao_de_senha():
    """Hold one of the password-check slots: at most VERIFICACOES_DE_SENHA_POR_PROCESSO
    in this process and VERIFICACOES_DE_SENHA_SIMULTANEAS across every worker
    (a counter in the shared cache, expiring so a killed worker cannot leak
    slots). Never waits: raises SobrecargaDeSenhas at once."""
    if not _semaforo.acquire(blocking=False):
        logger.warning("Entrada recusada: verificações de senha no limite deste processo")
        raise SobrecargaDeSenhas
    try:
        em_curso = contar(_CHAVE_EM_CURSO, 60)
        try:
            if em_curso > settings.VERIFICACOES_DE_SENHA_SIMULTANEAS:
                logger.warning("Entrada recusada: %s verificações de senha em curso", em_curso)
                raise SobrecargaDeSenhas
            yield
        finally:
            with suppress(ValueError):
                cache.decr(_CHAVE_EM_CURSO)
    finally:
        _semaforo.release()


class RecusaPorSobrecarga:
    """Middleware: a SobrecargaDeSenhas answers 429 with a clear page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SobrecargaDeSenhas):
            from django.shortcuts import render

            resposta = render(request, "429.html", {"mensagem": MENSAGEM_SOBRECARGA}, status=429)
            resposta["Retry-After"] = "60"
            return resposta
        return None


class BackendComLimite(ModelBackend):
    """ModelBackend that refuses a locked username and address before
    looking the user up or hashing anything (serves the portal and the admin)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        ip = endereco(request)
        # PermissionDenied stops authenticate() from trying other backends.
        recusar_se_bloqueado(username, ip)
        with verificacao_de_senha():
            usuario = super().authenticate(request, username=username, password=password, **kwargs)
        if usuario is None:
            registrar_falha(username, ip)
            logger.info("Entrada sem sucesso: usuário %r, endereço %s", username, ip)
        else:
            limpar(username, ip)
            logger.info("Entrada: usuário %r, endereço %s", username, ip)
        return usuario

"""/saude/: the load balancer's health check. It answers 200 when every check
passes and 503 otherwise, naming each check as "ok" or "falha" and nothing
else (no versions, paths, hosts or error texts: those go to the log)."""

import logging
import tempfile

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from .models import Mensagem, Tarefa

logger = logging.getLogger("paecm.saude")

# Pending e-mails older than this many minutes mean the sender is stuck.
ATRASO_DO_CORREIO_MINUTOS = 15


def _banco() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache() -> bool:
    chave = "paecm:saude"
    valor = timezone.now().isoformat()
    cache.set(chave, valor, 30)
    return cache.get(chave) == valor


def _evidencias() -> bool:
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=settings.MEDIA_ROOT, prefix=".saude-") as arquivo:
        arquivo.write(b"ok")
        arquivo.flush()
    return True


def _correio() -> bool:
    return not Mensagem.objects.atrasadas(ATRASO_DO_CORREIO_MINUTOS).exists()


def _tarefas() -> bool:
    agora = timezone.now()
    return not any(tarefa.atrasada(agora) for tarefa in Tarefa.objects.all())


VERIFICACOES = {
    "banco": _banco,
    "cache": _cache,
    "evidencias": _evidencias,
    "correio": _correio,
    "tarefas": _tarefas,
}


def saude(request):
    resultado = {}
    for nome, verificar in VERIFICACOES.items():
        try:
            resultado[nome] = "ok" if verificar() else "falha"
        except Exception:  # noqa: BLE001 - a failing dependency is a failed check
            logger.exception("Saúde: a verificação %s falhou", nome)
            resultado[nome] = "falha"
    tudo_ok = all(valor == "ok" for valor in resultado.values())
    if not tudo_ok:
        logger.error("Saúde: %s", resultado)
    resposta = JsonResponse(
        {"situacao": "ok" if tudo_ok else "falha", "verificacoes": resultado},
        status=200 if tudo_ok else 503,
    )
    resposta["Cache-Control"] = "no-store"
    return resposta

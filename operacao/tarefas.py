"""Cron jobs record each run: `with executando("enviar_mensagens"):` stores
the last run, last success and last failure (shown in the admin and checked
by /saude/ against the job's tolerated delay)."""

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

from .models import Tarefa

logger = logging.getLogger("paecm.tarefas")

# Each cron job and how long it may go without a success (its cron period
# plus a margin). README lists the crontab.
TAREFAS = {
    "enviar_mensagens": timedelta(minutes=10),
    "lembrar_relatos": timedelta(hours=26),
}


@contextmanager
def executando(nome: str):
    tarefa, _ = Tarefa.objects.get_or_create(
        nome=nome, defaults={"atraso_tolerado": TAREFAS.get(nome, timedelta(days=1))}
    )
    inicio = timezone.now()
    try:
        yield tarefa
    except Exception as erro:
        Tarefa.objects.filter(pk=tarefa.pk).update(
            ultima_execucao_em=inicio,
            ultima_falha_em=timezone.now(),
            ultimo_erro=f"{type(erro).__name__}: {erro}"[:2000],
        )
        logger.exception("Tarefa %s falhou", nome)
        raise
    Tarefa.objects.filter(pk=tarefa.pk).update(
        ultima_execucao_em=inicio, ultimo_sucesso_em=timezone.now()
    )

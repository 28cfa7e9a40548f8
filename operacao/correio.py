"""The e-mail outbox: `enfileirar` writes a message in the caller's
transaction (an action that fails sends nothing, a mail outage never fails an
action); `enviar_pendentes` (command enviar_mensagens, cron every minute)
sends what is due, retrying with exponential backoff."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from .models import Mensagem

logger = logging.getLogger("paecm.correio")

# Attempt n (1-based) that fails waits ESPERA_INICIAL * 2**(n-1), at most
# ESPERA_MAXIMA; after MAXIMO_DE_TENTATIVAS the message is marked as failed
# and shown to CGETP in the admin (about 8.5 hours after it was written).
ESPERA_INICIAL = timedelta(minutes=1)
ESPERA_MAXIMA = timedelta(hours=2)
MAXIMO_DE_TENTATIVAS = 10
LOTE = 200


def enfileirar(assunto: str, corpo: str, destinatarios: list[str]) -> Mensagem | None:
    """Write one message to the outbox (nothing when there is no recipient)."""
    destinatarios = [d for d in dict.fromkeys(destinatarios) if d]
    if not destinatarios:
        return None
    return Mensagem.objects.create(
        assunto=" ".join(assunto.split())[:255], corpo=corpo, destinatarios="\n".join(destinatarios)
    )


def espera(tentativas: int) -> timedelta:
    return min(ESPERA_INICIAL * 2 ** (tentativas - 1), ESPERA_MAXIMA)


def _enviar(mensagem: Mensagem) -> None:
    EmailMessage(
        subject=mensagem.assunto,
        body=mensagem.corpo,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=mensagem.lista_de_destinatarios,
    ).send(fail_silently=False)


def enviar_pendentes(agora=None) -> tuple[int, int]:
    """Send every due message; returns (sent, failed this run). Rows are
    locked while sent (SKIP LOCKED on PostgreSQL), so two overlapping runs
    never send one message twice."""
    agora = agora or timezone.now()
    enviadas = falhas = 0
    with transaction.atomic():
        fila = Mensagem.objects.a_enviar(agora)
        if connection.features.has_select_for_update_skip_locked:
            fila = fila.select_for_update(skip_locked=True)
        mensagens = list(fila[:LOTE])
        for mensagem in mensagens:
            mensagem.tentativas += 1
            try:
                _enviar(mensagem)
            except Exception as erro:  # noqa: BLE001 - any backend error is recorded
                falhas += 1
                mensagem.ultimo_erro = f"{type(erro).__name__}: {erro}"[:2000]
                if mensagem.tentativas >= MAXIMO_DE_TENTATIVAS:
                    mensagem.estado = Mensagem.Estado.FALHOU
                    logger.error(
                        "E-mail %s: desistimos após %s tentativas: %s",
                        mensagem.pk,
                        mensagem.tentativas,
                        mensagem.ultimo_erro,
                    )
                else:
                    mensagem.proxima_tentativa_em = agora + espera(mensagem.tentativas)
                    logger.warning(
                        "E-mail %s: tentativa %s falhou: %s",
                        mensagem.pk,
                        mensagem.tentativas,
                        mensagem.ultimo_erro,
                    )
            else:
                enviadas += 1
                mensagem.estado = Mensagem.Estado.ENVIADA
                mensagem.enviada_em = timezone.now()
                mensagem.ultimo_erro = ""
            mensagem.save(
                update_fields=[
                    "tentativas",
                    "estado",
                    "enviada_em",
                    "ultimo_erro",
                    "proxima_tentativa_em",
                ]
            )
    return enviadas, falhas

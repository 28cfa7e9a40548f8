"""The rules behind every number the panel shows.

The methodology page is rendered from these constants and functions, so what
the page says and what the code computes cannot drift apart.
"""

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db import models


class Situacao(models.TextChoices):
    NAO_INICIADA = "nao_iniciada", "Não iniciada"
    EM_ANDAMENTO = "em_andamento", "Em andamento"
    CONCLUIDA = "concluida", "Concluída"
    CANCELADA = "cancelada", "Cancelada"
    NAO_SE_APLICA = "nao_se_aplica", "Não se aplica"
    SEM_INFORMACAO = "sem_informacao", "Sem informação"


# "Atrasada" is never stored: it is derived from the deadline (see situacao_exibida).
ATRASADA = "atrasada"
ATRASADA_ROTULO = "Atrasada"

# What a partner can report; "sem informação" only means nobody has reported yet.
SITUACOES_RELATAVEIS = [
    Situacao.NAO_INICIADA,
    Situacao.EM_ANDAMENTO,
    Situacao.CONCLUIDA,
    Situacao.CANCELADA,
    Situacao.NAO_SE_APLICA,
]

# Activities in these situations leave every denominator (execution and coverage).
FORA_DO_DENOMINADOR = frozenset({Situacao.CANCELADA, Situacao.NAO_SE_APLICA})

# Only these can become "atrasada" once their deadline has passed.
PODEM_ATRASAR = frozenset({Situacao.NAO_INICIADA, Situacao.EM_ANDAMENTO})

# Percent implied by a situation; other situations take the reported value.
PERCENTUAL_FIXO = {Situacao.NAO_INICIADA: 0, Situacao.CONCLUIDA: 100}

# Order in which the painel and the legends list the situations.
SITUACOES_EXIBIDAS = [
    (Situacao.CONCLUIDA.value, Situacao.CONCLUIDA.label),
    (Situacao.EM_ANDAMENTO.value, Situacao.EM_ANDAMENTO.label),
    (Situacao.NAO_INICIADA.value, Situacao.NAO_INICIADA.label),
    (ATRASADA, ATRASADA_ROTULO),
    (Situacao.CANCELADA.value, Situacao.CANCELADA.label),
    (Situacao.NAO_SE_APLICA.value, Situacao.NAO_SE_APLICA.label),
    (Situacao.SEM_INFORMACAO.value, Situacao.SEM_INFORMACAO.label),
]
ROTULOS = dict(SITUACOES_EXIBIDAS)


def situacao_exibida(situacao: str, prazo: date | None, hoje: date) -> str:
    """The situation shown to people: "atrasada" when the deadline has passed
    and the activity was neither finished, cancelled nor found not to apply.

    "Sem informação" stays as it is: without a report nothing is known."""
    if prazo is not None and prazo < hoje and situacao in PODEM_ATRASAR:
        return ATRASADA
    return situacao


class Item(NamedTuple):
    """What a roll-up needs to know of one activity (or of n alike, whose
    weights add up). A tuple: a roll-up of a large plan builds thousands."""

    situacao: str
    percentual: int | None
    peso: Decimal = Decimal(1)


def execucao(itens: Iterable[Item]) -> Decimal | None:
    """Weighted mean of the activities' % executado, rounded to one decimal.

    Cancelled and "não se aplica" activities are left out; an activity with no
    published report counts as 0 % (nothing has been shown to be done). Returns
    None when nothing is left to measure (no activities, or all left out)."""
    soma = Decimal(0)
    pesos = Decimal(0)
    for item in itens:
        if item.situacao in FORA_DO_DENOMINADOR:
            continue
        soma += Decimal(item.peso) * Decimal(item.percentual or 0)
        pesos += Decimal(item.peso)
    if not pesos:
        return None
    return (soma / pesos).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def cobertura(validadas: int, esperadas: int) -> Decimal | None:
    """Reporting coverage of a cycle, in %: activities whose report for the
    cycle was validated and published, over the activities expected to report
    (those with at least one linked institution, cancelled and "não se aplica"
    excluded). None when nothing was expected."""
    if not esperadas:
        return None
    return (Decimal(100) * validadas / esperadas).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def tempo_decorrido(inicio: date, fim: date, hoje: date) -> Decimal:
    """Share of the plan's period already elapsed, in %, between 0 and 100."""
    total = (fim - inicio).days
    passado = min(max((hoje - inicio).days, 0), total)
    return (Decimal(100) * passado / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

"""Full-text search of the plan on PostgreSQL (issue #15).

Each activity carries `busca`, a tsvector kept by triggers (migration plano
0005, which holds their SQL): its code and text weighted A, its action's text B, its objective's
C, its partners' siglas and names D, in the Portuguese configuration without
accents (`public.pt_sem_acento`: "regularizacao" finds "Regularização",
"fronteiras" finds "fronteira"). A GIN index serves the search's filter.
Level n of plano.filters.NIVEIS_DA_BUSCA is a query whose every word is a
prefix ("regulariz" already finds) restricted to the weights up to n, so the
tiers are the ones SQLite computes with plano.filters.condicoes_da_busca.
The column lives only in PostgreSQL (no model field): SQLite has no tsvector.
Stop words ("de", "a") are dropped by the configuration, as they say nothing."""

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

CONFIGURACAO = "public.pt_sem_acento"
PESOS = "ABCD"  # one per level of plano.filters.NIVEIS_DA_BUSCA


def no_postgres() -> bool:
    return connection.vendor == "postgresql"


def _consulta(palavras: list[str], pesos: str) -> str:
    """Words of letters only (plano.filters.condicoes_de_cada_nivel), each a prefix."""
    return " & ".join(f"{p}:*{pesos}" for p in palavras)


def condicoes(palavras: list[str]) -> list[RawSQL]:
    """One condition per level, each wider than the last (the last is the filter)."""
    return [
        RawSQL(
            '"plano_atividade"."busca" @@ to_tsquery(%s::regconfig, %s)',
            (CONFIGURACAO, _consulta(palavras, PESOS[: nivel + 1])),
            output_field=BooleanField(),
        )
        for nivel in range(len(PESOS))
    ]

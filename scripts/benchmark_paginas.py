"""Measure how long the painel (/) takes to render, in-process.

    .venv/bin/python scripts/benchmark_paginas.py [--repeticoes 50]

Builds a throwaway test database (SQLite in memory by default; PostgreSQL
when DATABASE_URL is set), never touching the configured one. It loads the
real plan and the demo and times GET / through Django's test client
(middleware, view, queries, template); then grows the plan to 100 times its
size (7,500 activities, 75,000 published reports, situations and percentages
spread out) and times it again. Prints the median and the 90th percentile.
Goals: under 25 ms on the real plan and under 50 ms at 100 times.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paecm.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

METAS_MS = {1: 25, 100: 50}
URL = "/"


def medir(cliente: Client, repeticoes: int) -> tuple[float, float]:
    """Median and 90th percentile of GET URL, in milliseconds, after warming up."""
    for _ in range(3):
        assert cliente.get(URL).status_code == 200
    tempos = []
    for _ in range(repeticoes):
        inicio = time.perf_counter()
        cliente.get(URL)
        tempos.append((time.perf_counter() - inicio) * 1000)
    return statistics.median(tempos), statistics.quantiles(tempos, n=10)[-1]


def espalhar_situacoes(plano) -> None:
    """Spread the copies' situations and percentages, as a real plan would be."""
    from plano.indicadores import Situacao
    from plano.models import Atividade

    atividades = Atividade.objects.filter(acao__objetivo__plano=plano).annotate(resto=F("pk") % 6)
    for resto, situacao, percentual in [
        (0, Situacao.CONCLUIDA, 100),
        (1, Situacao.EM_ANDAMENTO, 30),
        (2, Situacao.EM_ANDAMENTO, 70),
        (3, Situacao.NAO_INICIADA, 0),
        (4, Situacao.CANCELADA, 0),
    ]:
        Atividade.objects.filter(pk__in=atividades.filter(resto=resto).values("pk")).update(
            situacao=situacao, percentual=percentual
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeticoes", type=int, default=50)
    args = parser.parse_args()

    from monitoramento.demo import carregar_demo
    from plano.carga import carregar_plano
    from plano.models import Plano
    from tests import factories

    # No setup_test_environment(): its template instrumentation would be timed too.
    bancos = setup_databases(verbosity=0, interactive=False)
    resultado = 0
    try:
        with override_settings(
            DEBUG=False,
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ):
            carregar_plano()
            carregar_demo()
            plano = Plano.objects.get(slug="i-paecm")
            cliente = Client()
            for fator in (1, 100):
                if fator > 1:
                    factories.ampliar_plano(plano=plano, fator=fator)
                    factories.ampliar_relatos(plano=plano, por_atividade=10)
                    espalhar_situacoes(plano)
                    # Planner statistics, as autovacuum keeps them in production:
                    # without them PostgreSQL takes the grown tables for tiny
                    # ones. SQLite is measured as Django leaves it (no ANALYZE).
                    if connection.vendor == "postgresql":
                        with connection.cursor() as cursor:
                            cursor.execute("ANALYZE")
                mediana, p90 = medir(cliente, args.repeticoes)
                meta = METAS_MS[fator]
                ok = mediana < meta
                resultado |= not ok
                print(
                    f"painel {fator:>3}x: mediana {mediana:6.1f} ms, p90 {p90:6.1f} ms "
                    f"(meta < {meta} ms: {'ok' if ok else 'NÃO ATINGIDA'})"
                )
    finally:
        teardown_databases(bancos, verbosity=0)
    return resultado


if __name__ == "__main__":
    sys.exit(main())

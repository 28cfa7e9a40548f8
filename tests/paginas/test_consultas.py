"""Every page of the painel, parceiros and institutional pages costs a fixed
number of queries, the same on the real plan as on 10 and 100 times its size."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoramento.demo import carregar_demo
from monitoramento.models import Atualizacao
from plano.models import Atividade
from tests import factories

# Queries of each page, listed in its view:
CONSULTAS = {
    # plan with its data version; cycles opened so far (the first is the
    # current one); the trend charts (monitoramento.tendencias: nine);
    # activities grouped by objective; current coverage overall and per
    # institution; latest published reports; how many deadlines changed
    # (with nothing in the painel's cache).
    "/": 16,
    # plan; links grouped by institution; current cycle; coverage x2; institutions.
    "/parceiros/": 6,
    # plan; institution; current cycle; what the summary reads of all its
    # activities; this page's activities; coverage x2.
    "/parceiros/pf/": 7,
    # plan (its period).
    "/metodologia/": 1,
    # plan (source and license); text history of objectives, actions, activities.
    "/sobre/": 4,
    "/acessibilidade/": 0,
    "/privacidade/": 0,
}


def consultas(client, url):
    client.get(url)  # warm the demo-banner cache, as in steady state
    caches["paginas"].clear()  # but render the painel's numbers anew
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("fator", [1, 10, 100])
def test_paginas_custam_as_mesmas_consultas_em_qualquer_tamanho(client, plano, fator):
    carregar_demo()
    factories.ampliar_plano(plano=plano, fator=fator)
    factories.ampliar_relatos(plano=plano, por_atividade=10)
    assert Atividade.objects.count() == 75 * fator
    assert Atualizacao.objects.count() >= 750 * fator
    medidas = {url: consultas(client, url) for url in CONSULTAS}
    assert medidas == CONSULTAS
    # Once rendered, the painel's numbers are reused until the data changes:
    # the plan with its data version is the only query.
    antes = client.get("/").content
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").content == antes
    assert len(ctx.captured_queries) == 1

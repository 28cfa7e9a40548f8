"""Portal pages cost a fixed number of SQL queries, at the real plan's size
and with ten times more activities, links and reports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoramento.models import Atualizacao, Evidencia
from plano.models import Atividade
from tests import factories


@pytest.fixture(params=[1, 10], ids=["plano-real", "dez-vezes"])
def dados(request, plano, pf, ciclo, parceiro_pf):
    """PF's activities with a published report in each of three past cycles
    and a draft with evidence in the open one."""
    factories.ampliar_plano(plano=plano, fator=request.param)
    passados = [
        factories.criar_ciclo(plano=plano, codigo=c) for c in ["2024.2", "2025.1", "2025.2"]
    ]
    atividades = list(Atividade.objects.do_parceiro(pf))
    assert len(atividades) == 4 * request.param
    for atividade in atividades:
        for passado in passados:
            relato = factories.criar_atualizacao(
                atividade=atividade,
                instituicao=pf,
                ciclo=passado,
                autor=parceiro_pf,
                estado=Atualizacao.Estado.PUBLICADA,
            )
            factories.criar_evidencia(atualizacao=relato)
        rascunho = factories.criar_atualizacao(
            atividade=atividade, instituicao=pf, ciclo=ciclo, autor=parceiro_pf
        )
        for _ in range(request.param):
            factories.criar_evidencia(atualizacao=rascunho)
    return request.param


def _consultas(client, url):
    client.get(url)  # warm the demo-banner cache, as in steady state
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def cliente_pf(client, parceiro_pf):
    client.force_login(parceiro_pf)
    return client


def test_minhas_atividades_custa_6_consultas(cliente_pf, dados):
    # 1. session; 2. user; 3. institution; 4. open cycle; 5. linked activities;
    # 6. this cycle's reports of the institution.
    assert _consultas(cliente_pf, "/portal/") == 6


def test_historico_da_atividade_custa_7_consultas(cliente_pf, dados):
    # 1. session; 2. user; 3. institution; 4. the activity with action, objective
    # and plan; 5. cycles opened so far; 6. the institution's reports; 7. their evidence.
    assert _consultas(cliente_pf, "/portal/atividades/1.1.1/") == 7


def test_formulario_do_relato_custa_8_consultas(cliente_pf, dados):
    # 1. session; 2. user; 3. institution; 4. the activity; 5. open cycle;
    # 6. the report's versions; 7. files received and not used yet
    # (EvidenciaPendente); 8. the draft's evidence (the formset).
    assert _consultas(cliente_pf, "/portal/atividades/1.1.1/relatar/") == 8


def test_formulario_de_relato_novo_custa_8_consultas(cliente_pf, dados, ciclo):
    # No draft yet: the form starts from the institution's last published report.
    Evidencia.objects.filter(atualizacao__ciclo=ciclo).delete()
    Atualizacao.objects.filter(ciclo=ciclo).delete()
    # 1. session; 2. user; 3. institution; 4. the activity; 5. open cycle;
    # 6. the report's versions (none); 7. files received and not used yet;
    # 8. the last published report, to start from.
    assert _consultas(cliente_pf, "/portal/atividades/1.1.1/relatar/") == 8


def test_paginas_de_entrada_e_senha_custam_consultas_fixas(client, dados, parceiro_pf):
    # Anonymous pages read nothing from the database.
    assert _consultas(client, "/portal/entrar/") == 0
    assert _consultas(client, "/portal/senha/redefinir/") == 0
    client.force_login(parceiro_pf)
    # 1. session; 2. user.
    assert _consultas(client, "/portal/senha/") == 2


def test_minhas_atividades_filtradas_custam_6_consultas(cliente_pf, dados):
    assert _consultas(cliente_pf, "/portal/?situacao=atrasada") == 6
    assert _consultas(cliente_pf, "/portal/?situacao=pendentes") == 6


def test_confirmacao_do_envio_custa_7_consultas(cliente_pf, dados):
    # 1. session; 2. user; 3. institution; 4. the activity; 5. open cycle;
    # 6. the draft (last version); 7. its evidence.
    assert _consultas(cliente_pf, "/portal/atividades/1.1.1/enviar/") == 7

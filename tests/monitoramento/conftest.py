"""Portal fixtures: an open cycle, and activities linked to one institution only."""

import pytest

from plano.models import Atividade
from tests import factories


@pytest.fixture
def ciclo(plano):
    """The cycle open for reports today."""
    return factories.criar_ciclo(plano=plano, codigo="2026.1", aberto=True)


@pytest.fixture
def atividade_pf(plano, pf):
    """Activity 2.1.1, linked to the PF alone (the DPU is not linked)."""
    atividade = Atividade.objects.get(codigo="2.1.1")
    factories.vincular(atividade=atividade, instituicao=pf)
    return atividade


def dados_do_relato(*, evidencias=(), novas=1, **campos) -> dict:
    """POST data of the report form: the report's fields, the evidence
    already saved (`evidencias`, as Evidencia rows) and `novas` blank forms."""
    dados = {
        "revisao": 0,
        "situacao": "em_andamento",
        "percentual": 40,
        "realizado": "Capacitamos 30 servidores em Foz do Iguaçu.",
        "restricoes": "",
        "acao": "salvar",
        "evidencias-TOTAL_FORMS": len(evidencias) + novas,
        "evidencias-INITIAL_FORMS": len(evidencias),
        "evidencias-MIN_NUM_FORMS": 0,
        "evidencias-MAX_NUM_FORMS": 1000,
    }
    for i, evidencia in enumerate(evidencias):
        dados.update(
            {
                f"evidencias-{i}-id": evidencia.pk,
                f"evidencias-{i}-atualizacao": evidencia.atualizacao_id,
                f"evidencias-{i}-titulo": evidencia.titulo,
                f"evidencias-{i}-tipo": evidencia.tipo,
                f"evidencias-{i}-data": "",
                f"evidencias-{i}-url": evidencia.url,
            }
        )
    for i in range(len(evidencias), len(evidencias) + novas):
        dados.update(
            {
                f"evidencias-{i}-titulo": "",
                f"evidencias-{i}-tipo": "documento",
                f"evidencias-{i}-data": "",
                f"evidencias-{i}-url": "",
            }
        )
    dados.update(campos)
    return dados


def com_evidencia(dados: dict, indice: int = 0, **campos) -> dict:
    """Fill the evidence form number `indice` (a link by default)."""
    padrao = {"titulo": "Relatório da capacitação", "tipo": "capacitacao", "data": "2026-03-10"}
    if "arquivo" not in campos:
        padrao["url"] = "https://www.gov.br/mj/relatorio.pdf"
    for nome, valor in {**padrao, **campos}.items():
        dados[f"evidencias-{indice}-{nome}"] = valor
    return dados


def confirmar_envio(cliente, codigo: str = "2.1.1"):
    """The confirmation step after "Enviar à CGETP": send the saved draft."""
    from monitoramento.models import Atualizacao

    relato = Atualizacao.objects.filter(atividade__codigo=codigo).order_by("versao").last()
    return cliente.post(f"/portal/atividades/{codigo}/enviar/", {"revisao": relato.revisao})

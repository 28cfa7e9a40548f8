"""Reporting coverage of a cycle (monitoramento.indicadores.cobertura_do_ciclo)
and which cycle the public pages report on."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from monitoramento.indicadores import cobertura_do_ciclo
from monitoramento.models import Atualizacao, Ciclo
from plano.indicadores import Situacao
from plano.models import Atividade
from tests import factories

pytestmark = pytest.mark.django_db

PUBLICADA = Atualizacao.Estado.PUBLICADA


@pytest.fixture
def cenario():
    """A small plan: A and B linked to institution X, B also to Y, C to nobody."""
    plano = factories.criar_plano()
    x = factories.criar_instituicao(sigla="X")
    y = factories.criar_instituicao(sigla="Y")
    a = factories.criar_atividade(plano=plano, codigo="1.1.1")
    b = factories.criar_atividade(plano=plano, codigo="1.1.2")
    c = factories.criar_atividade(plano=plano, codigo="1.1.3")
    factories.vincular(atividade=a, instituicao=x)
    factories.vincular(atividade=b, instituicao=x)
    factories.vincular(atividade=b, instituicao=y)
    ciclo = factories.criar_ciclo(plano=plano, codigo="2025.1")
    autor = factories.criar_usuario()
    return {"plano": plano, "x": x, "y": y, "a": a, "b": b, "c": c, "ciclo": ciclo, "autor": autor}


def relatar(cenario, atividade, instituicao, ciclo=None, estado=PUBLICADA):
    return factories.criar_atualizacao(
        atividade=atividade,
        instituicao=instituicao,
        ciclo=ciclo or cenario["ciclo"],
        autor=cenario["autor"],
        estado=estado,
    )


def por_sigla(cobertura):
    return {c.instituicao.sigla: (c.validadas, c.esperadas) for c in cobertura.por_instituicao}


def test_so_atividades_com_instituicao_vinculada_sao_esperadas(cenario):
    cobertura = cobertura_do_ciclo(cenario["ciclo"])
    assert (cobertura.validadas, cobertura.esperadas) == (0, 2)
    assert cobertura.percentual == Decimal("0.0")
    assert por_sigla(cobertura) == {"X": (0, 2), "Y": (0, 1)}


def test_so_relatos_publicados_do_proprio_ciclo_contam(cenario):
    outro = factories.criar_ciclo(plano=cenario["plano"], codigo="2024.2")
    relatar(cenario, cenario["a"], cenario["x"], ciclo=outro)
    relatar(cenario, cenario["b"], cenario["x"], estado=Atualizacao.Estado.ENVIADA)
    relatar(cenario, cenario["b"], cenario["y"], estado=Atualizacao.Estado.DEVOLVIDA)
    assert cobertura_do_ciclo(cenario["ciclo"]).validadas == 0
    relatar(cenario, cenario["a"], cenario["x"])
    cobertura = cobertura_do_ciclo(cenario["ciclo"])
    assert (cobertura.validadas, cobertura.esperadas) == (1, 2)
    assert cobertura.percentual == Decimal("50.0")


def test_atividade_relatada_por_duas_instituicoes_conta_uma_vez_no_geral(cenario):
    relatar(cenario, cenario["b"], cenario["x"])
    relatar(cenario, cenario["b"], cenario["y"])
    cobertura = cobertura_do_ciclo(cenario["ciclo"])
    assert (cobertura.validadas, cobertura.esperadas) == (1, 2)
    assert por_sigla(cobertura) == {"X": (1, 2), "Y": (1, 1)}


def test_cada_instituicao_e_medida_pelos_proprios_relatos(cenario):
    relatar(cenario, cenario["b"], cenario["y"])
    cobertura = cobertura_do_ciclo(cenario["ciclo"])
    assert cobertura.validadas == 1
    assert por_sigla(cobertura) == {"X": (0, 2), "Y": (1, 1)}
    assert cobertura.da_instituicao(cenario["y"].pk).percentual == Decimal("100.0")


def test_canceladas_e_nao_se_aplica_saem_da_cobertura(cenario):
    relatar(cenario, cenario["a"], cenario["x"])
    Atividade.objects.filter(pk=cenario["a"].pk).update(situacao=Situacao.CANCELADA)
    Atividade.objects.filter(pk=cenario["b"].pk).update(situacao=Situacao.NAO_SE_APLICA)
    cobertura = cobertura_do_ciclo(cenario["ciclo"])
    assert (cobertura.validadas, cobertura.esperadas) == (0, 0)
    assert cobertura.percentual is None
    assert cobertura.por_instituicao == []


def test_ciclo_de_plano_sem_vinculos_nao_espera_relatos():
    plano = factories.criar_plano()
    factories.criar_atividade(plano=plano)
    cobertura = cobertura_do_ciclo(factories.criar_ciclo(plano=plano))
    assert (cobertura.validadas, cobertura.esperadas, cobertura.percentual) == (0, 0, None)


def test_atividades_de_outro_plano_nao_entram(cenario):
    outro = factories.criar_plano(slug="outro")
    atividade = factories.criar_atividade(plano=outro)
    factories.vincular(atividade=atividade, instituicao=cenario["x"])
    assert cobertura_do_ciclo(cenario["ciclo"]).esperadas == 2


def test_ciclo_atual_e_o_aberto_senao_o_ultimo_encerrado():
    plano = factories.criar_plano()
    hoje = timezone.localdate()
    assert Ciclo.objects.atual(plano, hoje) is None
    encerrado = factories.criar_ciclo(plano=plano, codigo="2024.2")
    factories.criar_ciclo(plano=plano, codigo="2024.1")
    assert Ciclo.objects.atual(plano, hoje) == encerrado
    aberto = factories.criar_ciclo(plano=plano, codigo=f"{hoje.year}.1", aberto=True)
    assert Ciclo.objects.atual(plano, hoje) == aberto
    # A cycle whose reporting window has not opened yet is not current.
    assert Ciclo.objects.atual(plano, hoje - timedelta(days=365 * 3)) is None
    assert Ciclo.objects.atual(plano, date(2025, 1, 15)) == encerrado

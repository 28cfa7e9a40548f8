"""The roll-up and coverage rules, including their edge cases."""

from datetime import date
from decimal import Decimal

from plano.indicadores import (
    ATRASADA,
    Item,
    Situacao,
    cobertura,
    execucao,
    situacao_exibida,
    tempo_decorrido,
)

S = Situacao


def test_execucao_sem_atividades_nao_e_calculavel():
    assert execucao([]) is None


def test_execucao_sem_relatos_conta_zero():
    itens = [Item(S.SEM_INFORMACAO, None), Item(S.SEM_INFORMACAO, None)]
    assert execucao(itens) == Decimal("0.0")


def test_execucao_e_media_das_atividades():
    itens = [Item(S.CONCLUIDA, 100), Item(S.EM_ANDAMENTO, 50), Item(S.NAO_INICIADA, 0)]
    assert execucao(itens) == Decimal("50.0")


def test_execucao_ponderada_pelo_peso():
    itens = [Item(S.CONCLUIDA, 100, Decimal(3)), Item(S.NAO_INICIADA, 0, Decimal(1))]
    assert execucao(itens) == Decimal("75.0")


def test_canceladas_e_nao_se_aplica_saem_do_denominador():
    itens = [
        Item(S.CONCLUIDA, 100),
        Item(S.CANCELADA, 0),
        Item(S.NAO_SE_APLICA, 0),
        Item(S.EM_ANDAMENTO, 40),
    ]
    assert execucao(itens) == Decimal("70.0")


def test_todas_nao_se_aplica_nao_e_calculavel():
    assert execucao([Item(S.NAO_SE_APLICA, 0), Item(S.CANCELADA, 0)]) is None


def test_execucao_arredonda_uma_casa():
    itens = [Item(S.EM_ANDAMENTO, 33), Item(S.EM_ANDAMENTO, 34), Item(S.EM_ANDAMENTO, 34)]
    assert execucao(itens) == Decimal("33.7")


def test_cobertura():
    assert cobertura(3, 4) == Decimal("75.0")
    assert cobertura(0, 4) == Decimal("0.0")
    assert cobertura(0, 0) is None


def test_atrasada_so_depois_do_prazo_e_se_nao_terminou():
    hoje = date(2026, 6, 1)
    vencido, futuro = date(2026, 5, 31), date(2026, 6, 1)
    assert situacao_exibida(S.EM_ANDAMENTO, vencido, hoje) == ATRASADA
    assert situacao_exibida(S.NAO_INICIADA, vencido, hoje) == ATRASADA
    assert situacao_exibida(S.EM_ANDAMENTO, futuro, hoje) == S.EM_ANDAMENTO
    assert situacao_exibida(S.CONCLUIDA, vencido, hoje) == S.CONCLUIDA
    assert situacao_exibida(S.CANCELADA, vencido, hoje) == S.CANCELADA
    assert situacao_exibida(S.SEM_INFORMACAO, vencido, hoje) == S.SEM_INFORMACAO
    assert situacao_exibida(S.EM_ANDAMENTO, None, hoje) == S.EM_ANDAMENTO


def test_tempo_decorrido_limitado_ao_periodo():
    inicio, fim = date(2024, 1, 1), date(2029, 12, 31)
    assert tempo_decorrido(inicio, fim, date(2023, 1, 1)) == Decimal("0.0")
    assert tempo_decorrido(inicio, fim, date(2031, 1, 1)) == Decimal("100.0")
    assert Decimal(40) < tempo_decorrido(inicio, fim, date(2026, 6, 1)) < Decimal(45)

"""plano.historico.alteracoes_de_texto: what /sobre/ lists as changes to the
plan's texts after its publication."""

from datetime import date, datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from plano.historico import alteracoes_de_texto
from plano.models import Acao, Atividade, Objetivo
from tests import factories


def _em(dia: date):
    return timezone.make_aware(datetime.combine(dia, datetime.min.time().replace(hour=12)))


def _editar(item, texto, quando):
    item.texto = texto
    item.save()
    item.history.filter(history_id=item.history.first().history_id).update(history_date=quando)


def test_lista_alteracoes_de_texto_depois_da_publicacao_em_3_consultas(
    plano, django_assert_num_queries
):
    atividade = Atividade.objects.get(codigo="1.1.4")
    original = atividade.texto
    _editar(atividade, "Texto revisto.", _em(date(2025, 3, 10)))
    acao = Acao.objects.get(codigo="2.1")
    texto_da_acao = acao.texto
    _editar(acao, "Ação revista.", _em(date(2025, 5, 2)))
    objetivo = Objetivo.objects.get(codigo="3")
    # Before publication: not a change to the published plan.
    _editar(objetivo, "Rascunho anterior.", _em(date(2024, 11, 1)))
    # A change that keeps the text (the deadline) is not listed.
    atividade.prazo = date(2027, 1, 1)
    atividade.save()

    # 1. objectives' history; 2. actions'; 3. activities'.
    with django_assert_num_queries(3):
        alteracoes = alteracoes_de_texto(plano)

    assert [(a.data.date(), a.codigo, a.texto_anterior, a.texto_novo) for a in alteracoes] == [
        (date(2025, 5, 2), "2.1", texto_da_acao, "Ação revista."),
        (date(2025, 3, 10), "1.1.4", original, "Texto revisto."),
    ]


def test_carga_do_plano_nao_e_alteracao(plano):
    assert alteracoes_de_texto(plano) == []


def test_alteracoes_de_outro_plano_nao_aparecem(plano):
    outro = factories.criar_plano(slug="pnetp", publicado_em=date(2024, 1, 1))
    atividade = factories.criar_atividade(plano=outro, codigo="1.1.1")
    _editar(atividade, "Outro texto.", _em(date(2025, 1, 1)))
    assert alteracoes_de_texto(plano) == []
    assert [a.codigo for a in alteracoes_de_texto(outro)] == ["1.1.1"]


@pytest.mark.django_db
def test_parcial_mostra_cada_alteracao_ou_que_nada_mudou(plano):
    atividade = Atividade.objects.get(codigo="1.1.4")
    _editar(atividade, "Texto\nrevisto.", _em(date(2025, 3, 10)))
    html = render_to_string(
        "plano/_alteracoes_texto.html", {"alteracoes": alteracoes_de_texto(plano)}
    )
    assert '<time datetime="2025-03-10">10/03/2025</time>' in html
    assert "<td>1.1.4</td>" in html
    assert "Texto<br>revisto." in html
    html = render_to_string("plano/_alteracoes_texto.html", {"alteracoes": []})
    assert "O texto do plano não foi alterado desde a publicação." in html

"""The plan's full-text search on PostgreSQL (plano.busca_textual): other
forms of a word, a word still being typed, stop words, the triggers that keep
each activity's vector, and the GIN index. Marked postgres: the SQLite pass
deselects these (tests/plano/test_busca_e_compartilhar.py runs on both)."""

import pytest
from django.db import connection

from parceiros.models import Instituicao
from plano.models import Acao, Atividade, Vinculo
from tests import factories
from tests.plano.test_busca_e_compartilhar import cartoes, pagina

pytestmark = pytest.mark.postgres


def _com_texto(trecho: str) -> set[str]:
    return {a.codigo for a in Atividade.objects.all() if trecho.lower() in a.texto.lower()}


def test_outras_formas_da_palavra_e_sem_acentos(client, plano):
    """ "fronteiras" (plural) finds what says "fronteira", "capacitacao" what
    says "capacitação"; the activity's own text first."""
    proprias = _com_texto("fronteira")
    assert proprias
    achadas = cartoes(pagina(client, "busca=fronteiras"))
    assert set(achadas[: len(proprias)]) == proprias
    assert _com_texto("capacitação") <= set(cartoes(pagina(client, "busca=capacitacao")))


def test_palavra_sendo_digitada_ja_encontra(client, plano):
    assert cartoes(pagina(client, "busca=regulariz")) == cartoes(
        pagina(client, "busca=regularizacao")
    )


def test_palavras_vazias_nao_restringem(client, plano):
    assert cartoes(pagina(client, "busca=formação+de+agentes")) == cartoes(
        pagina(client, "busca=formação+agentes")
    )


def test_gatilhos_mantem_a_busca_em_dia(client, plano, pf):
    """A new word in an action's text, a new link, a renamed institution:
    the search finds them at once."""
    acao = Acao.objects.get(codigo="2.1")
    acao.texto += " Xilografia."
    acao.save()
    assert set(cartoes(pagina(client, "busca=xilografia"))) == set(
        Atividade.objects.filter(acao=acao).values_list("codigo", flat=True)
    )
    nova = factories.criar_instituicao(sigla="ZQX", nome="Zeladoria Quântica")
    factories.vincular(atividade=Atividade.objects.get(codigo="3.1.1"), instituicao=nova)
    assert cartoes(pagina(client, "busca=zeladoria")) == ["3.1.1"]
    Instituicao.objects.filter(pk=nova.pk).update(nome="Ouvidoria Quântica")
    nova.refresh_from_db()
    nova.save()
    assert cartoes(pagina(client, "busca=zeladoria")) == []
    assert cartoes(pagina(client, "busca=ouvidoria+quantica")) == ["3.1.1"]


def test_busca_usa_o_indice(plano):
    """The search's filter is served by the GIN index (with sequential scans
    discouraged: the real plan is small enough that PostgreSQL would read it all)."""
    from plano.busca_textual import condicoes

    filtro = Atividade.objects.filter(condicoes(["fronteira"])[-1]).order_by().values("pk")
    sql, parametros = filtro.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", parametros)
        plano_de_execucao = "\n".join(linha[0] for linha in cursor.fetchall())
    assert "Bitmap Index Scan on plano_atividade_busca" in plano_de_execucao, plano_de_execucao


def test_palavras_com_sinais_ou_digitos_casam_como_no_sqlite(client, plano):
    """Words like "1.²" or "bem-estar" keep the exact match of the patterns (no part of
    them searched alone), beside full-text words."""
    assert cartoes(pagina(client, "busca=1.%C2%B2")) == []
    assert set(cartoes(pagina(client, "busca=fronteiras+1.1"))) <= set(
        cartoes(pagina(client, "busca=fronteiras"))
    )


def test_gatilhos_por_comando_cobrem_insercao_e_remocao_em_massa(client, plano):
    """Activities and links inserted in bulk (one statement each, as an import
    or a copy of the plan writes them) are found by their words at once, and a
    link deleted in bulk takes its institution's words away."""
    factories.ampliar_plano(plano=plano, fator=2)
    copia = Atividade.objects.get(codigo="5.1.1")
    assert "5.1.1" in cartoes(pagina(client, "busca=" + copia.texto.split()[0]))
    instituicao = copia.vinculos.first().instituicao
    copiadas = set(
        Atividade.objects.filter(
            vinculos__instituicao=instituicao, acao__objetivo__numero__gt=4
        ).values_list("codigo", flat=True)
    )
    assert copiadas and copiadas <= set(cartoes(pagina(client, f"busca={instituicao.nome}")))
    removidos, _ = Vinculo.objects.filter(
        instituicao=instituicao, atividade__codigo__in=copiadas
    ).delete()
    assert removidos == len(copiadas)
    assert not copiadas & set(cartoes(pagina(client, f"busca={instituicao.nome}")))


@pytest.mark.django_db(transaction=True)
def test_plano_reposto_depois_de_um_teste_transacional_mantem_a_busca(client):
    """The suite's own snapshot (tests/conftest.py, Retrato): after a
    transactional test the plan is copied back with its search vectors, so a
    search in the next test finds what the plan says."""
    from tests.conftest import RETRATOS

    RETRATOS[connection.alias].repor()
    assert set(cartoes(pagina(client, "busca=fronteira"))) >= _com_texto("fronteira")

"""comum.sql_compilado: a query compiled once gives, for any values, the rows
the ORM gives, converted to the same Python types."""

import pytest
from django.db.models import Count, Max

from comum.sql_compilado import Compilada
from monitoramento.demo import carregar_demo
from monitoramento.models import Atualizacao, Ciclo
from plano.models import Atividade


def _por_ciclo(plano_id, codigo):
    return (
        Atualizacao.objects.filter(ciclo__plano_id=plano_id, ciclo__codigo=codigo)
        .values("ciclo__codigo", "estado")
        .annotate(n=Count("pk"), ultima=Max("validado_em"))
        .order_by("estado")
    )


def test_compilada_da_as_linhas_do_orm_para_outros_valores(plano):
    carregar_demo()
    consulta = Compilada(_por_ciclo)
    codigos = list(Ciclo.objects.filter(plano=plano).values_list("codigo", flat=True))
    assert len(codigos) > 1
    for codigo in [*codigos, "nenhum"]:
        esperado = list(_por_ciclo(plano.pk, codigo))
        assert consulta.linhas(plano.pk, codigo) == esperado
    # Datetimes come back as the ORM's (aware), not as the database's text.
    ultima = consulta.linhas(plano.pk, codigos[0])[-1]["ultima"]
    assert ultima is None or ultima.tzinfo is not None


def test_compilada_recusa_valor_que_nao_e_parametro(plano):
    # A slice's bound is written into the SQL: it cannot be a value.
    consulta = Compilada(lambda n: Atividade.objects.values("codigo")[:n])
    with pytest.raises(ValueError, match="não é um parâmetro"):
        consulta.linhas(3)


def _da_atividade(codigo):
    return Atividade.objects.para_plano().filter(codigo=codigo)


def test_compilada_monta_objetos_com_relacionados_como_o_queryset(plano, django_assert_num_queries):
    carregar_demo()
    consulta = Compilada(_da_atividade)
    for codigo in ("1.1.1", "4.1.2"):
        esperado = _da_atividade(codigo).get()
        with django_assert_num_queries(2):  # the activity, joined; its links, prefetched
            (atividade,) = consulta.objetos(codigo)
            vinculos = [(v.instituicao.sigla, v.papel) for v in atividade.vinculos.all()]
            objetivo = atividade.acao.objetivo
            assert objetivo.plano.slug == plano.slug
        assert (atividade.pk, atividade.prazo, atividade.texto) == (
            esperado.pk,
            esperado.prazo,
            esperado.texto,
        )
        assert (objetivo.codigo, atividade.acao.codigo) == (
            esperado.acao.objetivo.codigo,
            esperado.acao.codigo,
        )
        assert vinculos == [(v.instituicao.sigla, v.papel) for v in esperado.vinculos.all()]
    assert consulta.objetos("9.9.9") == []


def test_compilada_da_tuplas_na_ordem_das_colunas(plano):
    consulta = Compilada(
        lambda plano_id: (
            Atividade.objects.filter(acao__objetivo__plano_id=plano_id)
            .order_by("codigo")
            .values("codigo", "prazo")
        )
    )
    esperado = list(
        Atividade.objects.filter(acao__objetivo__plano=plano)
        .order_by("codigo")
        .values_list("codigo", "prazo")
    )
    assert [tuple(t) for t in consulta.tuplas(plano.pk)] == esperado

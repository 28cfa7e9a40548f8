"""The public pages of the partner institutions; with ?ciclo=, as at the
close of that cycle (paginas.ciclo.Momento): the links in force on its
evaluation date, each activity's situation then, the coverage then."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from monitoramento.ciclos import cobertura_nos_ciclos, data_de_avaliacao
from monitoramento.indicadores import Grupo, cobertura_do_ciclo, resumo_por_instituicao
from parceiros.models import Instituicao
from plano.historico import vinculos_nas_datas
from plano.models import Atividade, Vinculo, partes_do_codigo

from .ciclo import Momento
from .plano import POR_PAGINA, plano_padrao


class Leitura(NamedTuple):
    """What the institution's summary reads of one activity."""

    pk: int
    situacao: str
    percentual: int | None
    prazo: date | None
    peso: Decimal


class NoFechamento(NamedTuple):
    """What the pages read of one activity to show it at a cycle's close."""

    pk: int
    codigo: str
    prazo: date | None
    peso: Decimal


def no_fechamento(plano, momento: Momento):
    """At the close of the cycle chosen: the links in force on its evaluation
    date ((activity id, institution id) -> papel), the plan's activities read
    at the close by `momento`, and the cycle's coverage then. Eleven queries
    (links: three; activities; reports and deadlines; coverage: five)."""
    ciclo = momento.ciclo
    data = data_de_avaliacao(ciclo, momento.hoje)
    vinculos = vinculos_nas_datas(plano.pk, [data])[data]
    atividades = {
        linha[0]: NoFechamento(*linha)
        for linha in Atividade.objects.do_plano(plano).values_list("pk", "codigo", "prazo", "peso")
    }
    momento.avaliar(atividades.values())
    cobertura = cobertura_nos_ciclos([ciclo], momento.hoje, {ciclo.pk: momento.visao})[ciclo.pk]
    return vinculos, atividades, cobertura


def instituicoes(request):
    # Queries: 1. the plan; 2. the cycles opened so far (the first is the
    # current one); 3. links grouped by institution and by what the rules look
    # at; 4-5. the current cycle's coverage (overall, per institution); 6. the
    # institutions. With ?ciclo=, 3-5 are no_fechamento's eleven.
    hoje = timezone.localdate()
    plano = plano_padrao()
    momento = Momento.do_pedido(request, plano, hoje)
    if momento.ciclo is None:
        resumos = resumo_por_instituicao(plano, hoje)
        ciclo = momento.ciclos[0] if momento.ciclos else None
        cobertura = cobertura_do_ciclo(ciclo) if ciclo else None
    else:
        vinculos, atividades, cobertura = no_fechamento(plano, momento)
        por_instituicao = {}
        for atividade_id, instituicao_id in vinculos:
            por_instituicao.setdefault(instituicao_id, []).append(atividades[atividade_id])
        resumos = {i: momento.grupo(lista) for i, lista in por_instituicao.items()}
        ciclo = momento.ciclo
    linhas = [
        {
            "instituicao": instituicao,
            "resumo": resumos.get(instituicao.pk, Grupo()),
            "cobertura": cobertura.da_instituicao(instituicao.pk) if cobertura else None,
        }
        for instituicao in Instituicao.objects.order_by("sigla")
    ]
    return render(
        request,
        "parceiros/instituicoes.html",
        {
            "plano": plano,
            "linhas": linhas,
            "ciclo": ciclo,
            "cobertura": cobertura,
            "momento": momento,
            "migalhas": [("Parceiros", None)],
        },
    )


def instituicao(request, slug):
    """/parceiros/<slug>/: the institution's activities, a page of POR_PAGINA
    at a time (the summary counts them all); with ?ciclo=, as at its close.

    Queries: 1. the plan; 2. the institution; 3. the cycles opened so far (the
    first is the current one); 4. what the summary reads of all its
    activities; 5. this page's activities with their action, objective and
    its role; 6-7. the current cycle's coverage. With ?ciclo=, no_fechamento's
    eleven, then this page's activities then, with their action and
    objective."""
    hoje = timezone.localdate()
    plano = plano_padrao()
    instituicao = Instituicao.objects.filter(slug=slug).first()
    if instituicao is None:
        # The identifier is the slug; an old address with the sigla (or in
        # another case) redirects to it.
        antiga = Instituicao.objects.por_identificador(slug)
        if antiga is None:
            raise Http404("Instituição inexistente.")
        return redirect("parceiros:instituicao", slug=antiga.slug, permanent=True)
    momento = Momento.do_pedido(request, plano, hoje)
    if momento.ciclo is None:
        vinculadas = Atividade.objects.do_parceiro(instituicao).filter(acao__objetivo__plano=plano)
        todas = [
            Leitura(*linha)
            for linha in vinculadas.em_ordem().values_list(
                "pk", "situacao", "percentual", "prazo", "peso"
            )
        ]
        pagina = Paginator(todas, POR_PAGINA).get_page(request.GET.get("pagina"))
        por_id = {
            a.pk: a
            for a in vinculadas.filter(pk__in=[a.pk for a in pagina])
            .select_related("acao__objetivo")
            # Reuses the join of do_parceiro: this institution's own link.
            .annotate(papel=F("vinculos__papel"))
        }
        ciclo = momento.ciclos[0] if momento.ciclos else None
        cobertura = cobertura_do_ciclo(ciclo).da_instituicao(instituicao.pk) if ciclo else None
    else:
        vinculos, lidas, cobertura_do_fechamento = no_fechamento(plano, momento)
        papeis = {a: papel for (a, i), papel in vinculos.items() if i == instituicao.pk}
        todas = sorted(
            (lidas[pk] for pk in papeis if pk in lidas), key=lambda a: partes_do_codigo(a.codigo)
        )
        pagina = Paginator(todas, POR_PAGINA).get_page(request.GET.get("pagina"))
        por_id = Atividade.objects.select_related("acao__objetivo").in_bulk([a.pk for a in pagina])
        for atividade in por_id.values():
            atividade.papel = papeis[atividade.pk]
        ciclo = momento.ciclo
        cobertura = cobertura_do_fechamento.da_instituicao(instituicao.pk)
    atividades = [por_id[a.pk] for a in pagina]
    for atividade in atividades:
        atividade.retrato = momento.retrato(atividade)
        atividade.papel_rotulo = Vinculo.Papel(atividade.papel).label
    return render(
        request,
        "parceiros/instituicao.html",
        {
            "plano": plano,
            "instituicao": instituicao,
            "atividades": atividades,
            "pagina": pagina,
            "total": len(todas),
            "consulta": request.GET,
            "resumo": momento.grupo(todas),
            "ciclo": ciclo,
            "cobertura": cobertura,
            "momento": momento,
            "migalhas": [("Parceiros", "/parceiros/"), (instituicao.sigla, None)],
        },
    )

"""The public pages of the partner institutions; with ?ciclo=, as at the
close of that cycle (paginas.ciclo.Momento): the links in force on its
evaluation date, each activity's situation then, the coverage then."""

from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from monitoramento.ciclos import cobertura_nos_ciclos, data_de_avaliacao
from monitoramento.indicadores import Grupo, cobertura_do_ciclo, resumo_por_instituicao
from parceiros.models import Instituicao
from plano.historico import vinculos_nas_datas
from plano.models import Atividade, Vinculo

from .ciclo import Momento
from .plano import plano_padrao


def no_fechamento(plano, momento: Momento):
    """At the close of the cycle chosen: the links in force on its evaluation
    date ((activity id, institution id) -> papel), the plan's activities read
    at the close by `momento`, and the cycle's coverage then. Eleven queries
    (links: three; activities; reports and deadlines; coverage: five)."""
    ciclo = momento.ciclo
    data = data_de_avaliacao(ciclo, momento.hoje)
    vinculos = vinculos_nas_datas(plano.pk, [data])[data]
    atividades = {
        a.pk: a for a in Atividade.objects.do_plano(plano).only("pk", "prazo", "peso", "codigo")
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
    # Queries: 1. the plan; 2. the institution; 3. the cycles opened so far
    # (the first is the current one); 4. its activities with their action,
    # objective and its role; 5-6. the current cycle's coverage. With ?ciclo=,
    # no_fechamento's eleven, then its activities then, with their action and
    # objective.
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
        atividades = list(
            Atividade.objects.do_parceiro(instituicao)
            .filter(acao__objetivo__plano=plano)
            .select_related("acao__objetivo")
            # Reuses the join of do_parceiro: this institution's own link.
            .annotate(papel=F("vinculos__papel"))
            .em_ordem()
        )
        ciclo = momento.ciclos[0] if momento.ciclos else None
        cobertura = cobertura_do_ciclo(ciclo).da_instituicao(instituicao.pk) if ciclo else None
    else:
        vinculos, _, cobertura_do_fechamento = no_fechamento(plano, momento)
        papeis = {a: papel for (a, i), papel in vinculos.items() if i == instituicao.pk}
        atividades = list(
            Atividade.objects.filter(pk__in=papeis).select_related("acao__objetivo").em_ordem()
        )
        for atividade in atividades:
            atividade.papel = papeis[atividade.pk]
        ciclo = momento.ciclo
        cobertura = cobertura_do_fechamento.da_instituicao(instituicao.pk)
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
            "resumo": momento.grupo(atividades),
            "ciclo": ciclo,
            "cobertura": cobertura,
            "momento": momento,
            "migalhas": [("Parceiros", "/parceiros/"), (instituicao.sigla, None)],
        },
    )

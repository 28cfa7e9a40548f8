"""The public pages of the partner institutions."""

from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from monitoramento.indicadores import Grupo, cobertura_do_ciclo, resumo_por_instituicao
from monitoramento.models import Ciclo
from parceiros.models import Instituicao
from plano import indicadores
from plano.models import Atividade, Vinculo

from .plano import plano_padrao


def instituicoes(request):
    # Queries: 1. the plan; 2. links grouped by institution and by what the
    # rules look at; 3. the current cycle; 4-5. its coverage (overall, per
    # institution); 6. the institutions.
    hoje = timezone.localdate()
    plano = plano_padrao()
    resumos = resumo_por_instituicao(plano, hoje)
    ciclo = Ciclo.objects.atual(plano, hoje)
    cobertura = cobertura_do_ciclo(ciclo) if ciclo else None
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
            "migalhas": [("Parceiros", None)],
        },
    )


def instituicao(request, slug):
    # Queries: 1. the plan; 2. the institution; 3. its activities with their
    # action, objective and its role; 4. the current cycle; 5-6. its coverage.
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
    atividades = list(
        Atividade.objects.do_parceiro(instituicao)
        .filter(acao__objetivo__plano=plano)
        .select_related("acao__objetivo")
        # Reuses the join of do_parceiro: this institution's own link.
        .annotate(papel=F("vinculos__papel"))
        .em_ordem()
    )
    for atividade in atividades:
        atividade.situacao_exibida = indicadores.situacao_exibida(
            atividade.situacao, atividade.prazo, hoje
        )
        atividade.situacao_rotulo = indicadores.ROTULOS[atividade.situacao_exibida]
        atividade.papel_rotulo = Vinculo.Papel(atividade.papel).label
    ciclo = Ciclo.objects.atual(plano, hoje)
    cobertura = cobertura_do_ciclo(ciclo).da_instituicao(instituicao.pk) if ciclo else None
    return render(
        request,
        "parceiros/instituicao.html",
        {
            "plano": plano,
            "instituicao": instituicao,
            "atividades": atividades,
            "resumo": Grupo.de_atividades(atividades, hoje),
            "ciclo": ciclo,
            "cobertura": cobertura,
            "migalhas": [("Parceiros", "/parceiros/"), (instituicao.sigla, None)],
        },
    )

from django.conf import settings
from django.shortcuts import get_object_or_404, render

from .models import Atividade, Plano


def plano_padrao() -> Plano:
    """The plan the public site shows (PLANO_PADRAO, the I PAECM by default)."""
    return get_object_or_404(Plano, slug=settings.PLANO_PADRAO)


def linhas_da_tabela(atividades) -> list[dict]:
    """Rows of the ministry's table: an objective's and an action's cells span
    the rows of their activities, as in the published page."""
    linhas = []
    for atividade in atividades:
        acao = atividade.acao
        objetivo = acao.objetivo
        anterior = linhas[-1]["atividade"] if linhas else None
        nova_acao = anterior is None or anterior.acao_id != acao.pk
        novo_objetivo = anterior is None or anterior.acao.objetivo_id != objetivo.pk
        linhas.append(
            {"atividade": atividade, "abre_acao": nova_acao, "abre_objetivo": novo_objetivo}
        )
    # Count rows per group, then store the span on the row that opens it.
    for chave, campo in (("abre_objetivo", "span_objetivo"), ("abre_acao", "span_acao")):
        abertura = None
        for linha in linhas:
            if linha[chave]:
                abertura = linha
                abertura[campo] = 0
            abertura[campo] += 1
    return linhas


def plano(request):
    plano = plano_padrao()
    atividades = Atividade.objects.para_plano().filter(acao__objetivo__plano=plano)
    return render(
        request,
        "plano/plano.html",
        {"plano": plano, "linhas": linhas_da_tabela(atividades)},
    )

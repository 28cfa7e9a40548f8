"""Atom feeds of published reports: all, per objective, per institution."""

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from monitoramento.models import Atualizacao
from parceiros.models import Instituicao
from plano.indicadores import ROTULOS
from plano.models import Objetivo, Plano

from .versao import plano_com_versao, responder

ITENS = 50


@dataclass(frozen=True)
class Selecao:
    plano: Plano
    filtro: Objetivo | Instituicao | None = None


class RelatosFeed(Feed):
    """The latest published reports of the public plan. A Feed instance is
    shared by every request (and thread), so per-request state travels in
    the object get_object returns, never on self."""

    feed_type = Atom1Feed
    author_name = "CGETP · Ministério da Justiça e Segurança Pública"
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        # Conditional GET, as for every other open-data response.
        request.plano_publico = plano_com_versao()
        gerar = partial(super().__call__, request, *args, **kwargs)
        return responder(request, request.plano_publico, gerar)

    def get_object(self, request):
        return Selecao(request.plano_publico)

    def title(self, obj):
        return f"Relatos publicados · {obj.plano.sigla}"

    def subtitle(self, obj):
        return (
            f"Relatos de execução do {obj.plano.sigla} validados e publicados pela CGETP, "
            "do mais recente ao mais antigo."
        )

    def link(self, obj):
        return f"{settings.SITE_URL}/plano/"

    def items(self, obj):
        relatos = Atualizacao.objects.para_dados_abertos(obj.plano)
        if isinstance(obj.filtro, Objetivo):
            relatos = relatos.filter(atividade__acao__objetivo=obj.filtro)
        elif isinstance(obj.filtro, Instituicao):
            relatos = relatos.filter(instituicao=obj.filtro)
        return relatos.order_by("-validado_em", "-pk")[:ITENS]

    def item_title(self, item):
        return (
            f"{item.atividade.codigo} · {item.instituicao.sigla} · ciclo {item.ciclo.codigo}: "
            f"{ROTULOS[item.situacao]} ({item.percentual}%)"
        )

    def item_description(self, item):
        texto = f"O que foi feito: {item.realizado}"
        if item.restricoes:
            texto += f"\n\nRestrições e providências: {item.restricoes}"
        return texto

    def item_link(self, item):
        return f"{settings.SITE_URL}/plano/#atividade-{item.atividade.codigo}"

    def item_guid(self, item):
        return f"{settings.SITE_URL}/api/v1/relatos/?id={item.pk}"

    def item_author_name(self, item):
        # An institution, never a person.
        return item.instituicao.sigla

    def item_pubdate(self, item):
        return item.validado_em

    def item_updateddate(self, item):
        return item.validado_em

    def item_categories(self, item):
        return (
            f"objetivo {item.atividade.acao.objetivo.codigo}",
            f"ação {item.atividade.acao.codigo}",
            item.instituicao.sigla,
        )


class RelatosDoObjetivoFeed(RelatosFeed):
    def get_object(self, request, codigo):
        plano = request.plano_publico
        return Selecao(plano, get_object_or_404(Objetivo, plano=plano, codigo=codigo))

    def title(self, obj):
        return f"Relatos publicados · {obj.plano.sigla} · objetivo {obj.filtro.codigo}"


class RelatosDaInstituicaoFeed(RelatosFeed):
    def get_object(self, request, slug):
        return Selecao(request.plano_publico, get_object_or_404(Instituicao, slug=slug))

    def title(self, obj):
        return f"Relatos publicados · {obj.plano.sigla} · {obj.filtro.sigla}"

"""Atom feeds of published reports: all, per objective, per institution, per
activity. Each feed's id is its own address; each entry links to the
activity's page. Partner texts are plain text (type="text"), never markup."""

from dataclasses import dataclass
from functools import partial

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils.feedgenerator import Atom1Feed

from comum.enderecos import absoluto
from monitoramento.models import Atualizacao
from parceiros.models import Instituicao
from plano.historico import alteracoes_do_plano
from plano.indicadores import ROTULOS
from plano.models import Atividade, Objetivo, Plano

from .versao import plano_com_versao, responder

ITENS = 50


class AtomEmTexto(Atom1Feed):
    """Atom whose entry summaries are type="text": a reader shows a partner's
    "<a href=…>" as the characters typed, never as a link or markup."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("summary", item["resumo"], {"type": "text"})


@dataclass(frozen=True)
class Selecao:
    plano: Plano
    request: HttpRequest
    filtro: Objetivo | Instituicao | Atividade | None = None


class RelatosFeed(Feed):
    """The latest published reports of the public plan. A Feed instance is
    shared by every request (and thread), so per-request state travels in
    the object get_object returns, never on self."""

    feed_type = AtomEmTexto
    author_name = "CGETP · Ministério da Justiça e Segurança Pública"
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        # Conditional GET, as for every other open-data response.
        request.plano_publico = plano_com_versao()
        gerar = partial(super().__call__, request, *args, **kwargs)
        return responder(request, request.plano_publico, gerar)

    def get_object(self, request):
        return Selecao(request.plano_publico, request)

    def title(self, obj):
        return f"Relatos publicados · {obj.plano.sigla}"

    def subtitle(self, obj):
        return (
            f"Relatos de execução do {obj.plano.sigla} validados e publicados pela CGETP, "
            "do mais recente ao mais antigo."
        )

    def feed_guid(self, obj):
        # Its own address: stable, and different for every feed.
        return absoluto(obj.request.path, obj.request)

    def link(self, obj):
        return absoluto("/plano/", obj.request)

    def feed_url(self, obj):
        return absoluto(obj.request.path, obj.request)

    def filtrar(self, relatos, obj):
        return relatos

    def items(self, obj):
        relatos = self.filtrar(Atualizacao.objects.para_dados_abertos(obj.plano), obj)
        itens = list(relatos.order_by("-validado_em", "-pk")[:ITENS])
        for item in itens:
            item.request = obj.request
        return itens

    def item_title(self, item):
        return (
            f"{item.atividade.codigo} · {item.instituicao.sigla} · ciclo {item.ciclo.codigo}: "
            f"{ROTULOS[item.situacao]} ({item.percentual}%)"
        )

    def item_description(self, item):
        return None  # the summary is written as text by AtomEmTexto

    def item_extra_kwargs(self, item):
        texto = f"O que foi feito: {item.realizado}"
        if item.restricoes:
            texto += f"\n\nRestrições e providências: {item.restricoes}"
        return {"resumo": texto}

    def item_link(self, item):
        return absoluto(item.atividade.get_absolute_url(), item.request)

    def item_guid(self, item):
        return absoluto(f"/api/v1/relatos/?id={item.pk}", item.request)

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
            item.instituicao.slug,
        )


class RelatosDoObjetivoFeed(RelatosFeed):
    def get_object(self, request, codigo):
        plano = request.plano_publico
        return Selecao(plano, request, get_object_or_404(Objetivo, plano=plano, codigo=codigo))

    def title(self, obj):
        return f"Relatos publicados · {obj.plano.sigla} · objetivo {obj.filtro.codigo}"

    def filtrar(self, relatos, obj):
        return relatos.filter(atividade__acao__objetivo=obj.filtro)


class RelatosDaAtividadeFeed(RelatosFeed):
    def get_object(self, request, codigo):
        plano = request.plano_publico
        atividade = get_object_or_404(Atividade.objects.do_plano(plano), codigo=codigo)
        return Selecao(plano, request, atividade)

    def title(self, obj):
        return f"Relatos publicados · {obj.plano.sigla} · atividade {obj.filtro.codigo}"

    def link(self, obj):
        return absoluto(obj.filtro.get_absolute_url(), obj.request)

    def filtrar(self, relatos, obj):
        return relatos.filter(atividade=obj.filtro)


class RelatosDaInstituicaoFeed(RelatosFeed):
    def __call__(self, request, *args, slug, **kwargs):
        # The identifier is the slug; an old address with the sigla (or any
        # case) redirects to it.
        if not Instituicao.objects.filter(slug=slug).exists():
            instituicao = Instituicao.objects.por_identificador(slug)
            if instituicao is None:
                raise Http404("Instituição inexistente.")
            return redirect("dados:feed_instituicao", slug=instituicao.slug, permanent=True)
        return super().__call__(request, *args, slug=slug, **kwargs)

    def get_object(self, request, slug):
        return Selecao(request.plano_publico, request, get_object_or_404(Instituicao, slug=slug))

    def title(self, obj):
        return f"Relatos publicados · {obj.plano.sigla} · {obj.filtro.sigla}"

    def filtrar(self, relatos, obj):
        return relatos.filter(instituicao=obj.filtro)


class AlteracoesFeed(Feed):
    """The latest changes to the public plan (plano.historico.alteracoes_do_plano):
    deadlines, weights, links and texts, each with its reason; authored by
    CGETP, never by a person."""

    feed_type = AtomEmTexto
    author_name = "CGETP · Ministério da Justiça e Segurança Pública"
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        request.plano_publico = plano_com_versao()
        gerar = partial(super().__call__, request, *args, **kwargs)
        return responder(request, request.plano_publico, gerar)

    def get_object(self, request):
        return Selecao(request.plano_publico, request)

    def title(self, obj):
        return f"Alterações no plano · {obj.plano.sigla}"

    def subtitle(self, obj):
        return (
            f"Mudanças no {obj.plano.sigla} depois da publicação: prazos, pesos, "
            "instituições vinculadas e textos, com o motivo de cada uma."
        )

    def feed_guid(self, obj):
        return absoluto(obj.request.path, obj.request)

    def link(self, obj):
        return absoluto("/plano/alteracoes/", obj.request)

    def feed_url(self, obj):
        return absoluto(obj.request.path, obj.request)

    def items(self, obj):
        itens = alteracoes_do_plano(obj.plano)[:ITENS]
        return [(alteracao, obj.request) for alteracao in itens]

    def item_title(self, item):
        alteracao, _ = item
        return (
            f"{alteracao.codigo} · {alteracao.rotulo}: "
            f"{alteracao.anterior or '—'} → {alteracao.novo or '—'}"
        )[:300]

    def item_description(self, item):
        return None

    def item_extra_kwargs(self, item):
        alteracao, _ = item
        texto = (
            f"{alteracao.rotulo} de {alteracao.codigo}. Antes: {alteracao.anterior or '—'}. "
            f"Depois: {alteracao.novo or '—'}. Motivo: {alteracao.motivo or 'não informado'}."
        )
        return {"resumo": texto}

    def item_link(self, item):
        alteracao, request = item
        return absoluto(f"/plano/{alteracao.codigo}/#titulo-alteracoes", request)

    def item_guid(self, item):
        alteracao, request = item
        return absoluto(f"/plano/alteracoes/#{alteracao.chave}", request)

    def item_author_name(self, item):
        return alteracao_responsavel(item)

    def item_pubdate(self, item):
        return item[0].data

    def item_updateddate(self, item):
        return item[0].data


def alteracao_responsavel(item) -> str:
    return item[0].responsavel

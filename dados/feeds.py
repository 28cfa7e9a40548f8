"""Atom feeds of published reports: all, per objective, per institution."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from monitoramento.models import Atualizacao
from parceiros.models import Instituicao
from plano.indicadores import ROTULOS
from plano.models import Objetivo

from .versao import com_validadores, nao_modificado, plano_com_versao, validadores

ITENS = 50


class RelatosFeed(Feed):
    """The latest published reports of the public plan."""

    feed_type = Atom1Feed
    author_name = "CGETP · Ministério da Justiça e Segurança Pública"

    def __call__(self, request, *args, **kwargs):
        # Conditional GET, as for every other open-data response.
        self.plano = plano_com_versao()
        versao = validadores(request, self.plano)
        resposta = nao_modificado(request, versao) or super().__call__(request, *args, **kwargs)
        return com_validadores(resposta, versao)

    def get_object(self, request):
        return None

    def title(self, obj):
        return f"Relatos publicados · {self.plano.sigla}"

    def subtitle(self, obj):
        return (
            f"Relatos de execução do {self.plano.sigla} validados e publicados pela CGETP, "
            "do mais recente ao mais antigo."
        )

    def link(self, obj):
        return f"{settings.SITE_URL}/plano/"

    def feed_url(self, obj):
        return f"{settings.SITE_URL}{self.request_path}"

    def filtrar(self, relatos, obj):
        return relatos

    def items(self, obj):
        relatos = Atualizacao.objects.para_dados_abertos(self.plano)
        return self.filtrar(relatos, obj).order_by("-validado_em", "-pk")[:ITENS]

    def get_feed(self, obj, request):
        self.request_path = request.path
        return super().get_feed(obj, request)

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

    item_guid_is_permalink = False

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
        return get_object_or_404(Objetivo, plano=self.plano, codigo=codigo)

    def title(self, obj):
        return f"Relatos publicados · {self.plano.sigla} · objetivo {obj.codigo}"

    def filtrar(self, relatos, obj):
        return relatos.filter(atividade__acao__objetivo=obj)


class RelatosDaInstituicaoFeed(RelatosFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Instituicao, slug=slug)

    def title(self, obj):
        return f"Relatos publicados · {self.plano.sigla} · {obj.sigla}"

    def filtrar(self, relatos, obj):
        return relatos.filter(instituicao=obj)

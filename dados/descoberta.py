"""robots.txt and sitemap.xml: how search engines and harvesters find the
public pages and the open data (absolute addresses from comum.enderecos)."""

from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.urls import reverse

from comum.enderecos import absoluto
from parceiros.models import Instituicao
from plano.models import Acao, Atividade, Objetivo

from .versao import plano_com_versao, responder

PAGINAS_FIXAS = (
    "painel",
    "plano:plano",
    "plano:alteracoes",
    "parceiros:instituicoes",
    "dados:index",
    "metodologia",
    "sobre",
    "acessibilidade",
    "privacidade",
)


def robots(request):
    texto = (
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /portal/\n"
        "Disallow: /evidencias/\n"
        "Allow: /\n"
        f"Sitemap: {absoluto(reverse('dados:sitemap'), request)}\n"
    )
    return HttpResponse(texto, content_type="text/plain; charset=utf-8")


def enderecos_publicos(plano) -> list[str]:
    """Every public page: fixed pages, each item of the plan, each partner."""
    caminhos = [reverse(nome) for nome in PAGINAS_FIXAS]
    caminhos += [o.get_absolute_url() for o in Objetivo.objects.filter(plano=plano)]
    caminhos += [
        a.get_absolute_url() for a in Acao.objects.filter(objetivo__plano=plano).em_ordem()
    ]
    caminhos += [a.get_absolute_url() for a in Atividade.objects.do_plano(plano).em_ordem()]
    caminhos += [
        reverse("parceiros:instituicao", args=[slug])
        for slug in Instituicao.objects.order_by("slug").values_list("slug", flat=True)
    ]
    return caminhos


def sitemap(request):
    plano = plano_com_versao()

    def gerar():
        modificado = (
            f"<lastmod>{plano.ultima_alteracao.date().isoformat()}</lastmod>"
            if plano.ultima_alteracao
            else ""
        )
        urls = "".join(
            f"<url><loc>{escape(absoluto(caminho, request))}</loc>{modificado}</url>"
            for caminho in enderecos_publicos(plano)
        )
        return HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n',
            content_type="application/xml",
        )

    return responder(request, plano, gerar)

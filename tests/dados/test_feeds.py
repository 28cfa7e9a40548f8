"""The Atom feeds as feedparser (what feed readers use) reads them."""

import defusedxml.ElementTree as ET
import feedparser
import pytest
from django.test import override_settings

from monitoramento.models import Atualizacao

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = (
    "/dados/feeds/relatos/",
    "/dados/feeds/relatos/objetivo/1/",
    "/dados/feeds/relatos/objetivo/2/",
    "/dados/feeds/relatos/instituicao/pf/",
    "/dados/feeds/relatos/instituicao/dpu/",
    "/dados/feeds/relatos/atividade/1.1.1/",
    "/dados/feeds/relatos/atividade/1.2.1/",
)
ATAQUE = '<a href="javascript:alert(1)">clique</a>'


def ler(client, url: str):
    resposta = client.get(url)
    assert resposta.status_code == 200, url
    feed = feedparser.parse(resposta.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return feed, resposta.content


def test_cada_feed_e_valido_e_tem_seu_proprio_id(client, historico):
    ids = set()
    for url in FEEDS:
        feed, _ = ler(client, url)
        assert feed.feed.id == f"http://testserver{url}"
        ids.add(feed.feed.id)
        entradas = [e.id for e in feed.entries]
        assert len(entradas) == len(set(entradas)), url
    assert len(ids) == len(FEEDS)


def test_feed_por_atividade_traz_so_os_relatos_dela(client, historico):
    feed, _ = ler(client, "/dados/feeds/relatos/atividade/1.1.1/")
    assert [e.title.split(" · ")[0] for e in feed.entries] == ["1.1.1", "1.1.1"]
    assert feed.feed.link == "http://testserver/plano/1.1.1/"
    assert client.get("/dados/feeds/relatos/atividade/9.9.9/").status_code == 404
    pagina = client.get("/plano/1.1.1/").content.decode()
    assert 'href="/dados/feeds/relatos/atividade/1.1.1/"' in pagina


def test_entradas_apontam_para_a_pagina_da_atividade(client, historico):
    feed, _ = ler(client, "/dados/feeds/relatos/")
    links = {e.link for e in feed.entries}
    assert links == {"http://testserver/plano/1.1.1/", "http://testserver/plano/1.2.1/"}


def test_texto_do_parceiro_nunca_vira_html_no_feed(client, historico):
    relato = historico["publicados"][2]
    Atualizacao.objects.filter(pk=relato.pk).update(restricoes=ATAQUE, realizado=ATAQUE)
    for url in ("/dados/feeds/relatos/", "/dados/feeds/relatos/atividade/1.2.1/"):
        feed, conteudo = ler(client, url)
        resumos = list(ET.fromstring(conteudo).iter(f"{ATOM}summary"))
        assert resumos and all(s.get("type") == "text" for s in resumos)
        entrada = next(e for e in feed.entries if e.title.startswith("1.2.1"))
        # As typed, characters and all: a reader shows text, not a link.
        assert entrada.summary_detail.type == "text/plain"
        assert ATAQUE in entrada.summary
        assert "javascript" not in str(entrada.get("links"))


def test_endereco_antigo_com_sigla_redireciona_para_o_identificador(client, historico):
    for antigo in ("PF", "Pf", "PF".lower().upper()):
        resposta = client.get(f"/dados/feeds/relatos/instituicao/{antigo}/")
        assert resposta.status_code == 301
        assert resposta["Location"] == "/dados/feeds/relatos/instituicao/pf/"
    assert client.get("/dados/feeds/relatos/instituicao/nada/").status_code == 404


@pytest.mark.parametrize(
    ("site_url", "origem"),
    [("", "http://outro.exemplo"), ("https://painel.gov.br", "https://painel.gov.br")],
)
def test_enderecos_absolutos_seguem_uma_regra(client, historico, site_url, origem):
    """SITE_URL when set (production); otherwise the request's host."""
    with override_settings(SITE_URL=site_url, ALLOWED_HOSTS=["outro.exemplo"]):
        feed, _ = ler_de(client, "/dados/feeds/relatos/", "outro.exemplo")
        assert feed.feed.id == f"{origem}/dados/feeds/relatos/"
        assert all(e.link.startswith(f"{origem}/plano/") for e in feed.entries)
        html = client.get("/sobre/", HTTP_HOST="outro.exemplo").content.decode()
        assert f'<link rel="canonical" href="{origem}/sobre/">' in html
        assert f'<meta property="og:url" content="{origem}/sobre/">' in html
        pacote = client.get("/dados/datapackage.json", HTTP_HOST="outro.exemplo").json()
        assert pacote["resources"][0]["path"].startswith(f"{origem}/dados/")


def ler_de(client, url, host):
    resposta = client.get(url, HTTP_HOST=host)
    assert resposta.status_code == 200
    return feedparser.parse(resposta.content), resposta.content

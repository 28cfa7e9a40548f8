"""The painel, parceiros and institutional pages in Chromium, as a person sees them."""

from collections import Counter

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plano.indicadores import ROTULOS, situacao_exibida
from plano.models import Atividade

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGINAS = {
    "/": "Painel de monitoramento do I PAECM",
    "/parceiros/": "Instituições parceiras",
    "/parceiros/pf/": "Polícia Federal (PF)",
    "/metodologia/": "Metodologia: como os números são calculados",
    "/sobre/": "Sobre o I PAECM",
    "/acessibilidade/": "Acessibilidade",
    "/privacidade/": "Privacidade e proteção de dados",
}


@pytest.mark.parametrize("url", list(PAGINAS))
def test_pagina_mostra_seu_titulo(live_server, page, demo, url):
    # axe-core scans these pages in test_publico_celular_e_contraste.
    page.goto(f"{live_server.url}{url}")
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() == PAGINAS[url]
    assert page.title().endswith("· Painel I PAECM")


def test_painel_mostra_as_contagens_do_banco(live_server, page, demo):
    hoje = timezone.localdate()
    esperado = Counter(situacao_exibida(a.situacao, a.prazo, hoje) for a in Atividade.objects.all())
    page.goto(f"{live_server.url}/")
    for valor, rotulo in ROTULOS.items():
        linha = page.locator(f'#tabela-situacao tr[data-situacao="{valor}"]')
        assert linha.locator("th").inner_text() == rotulo
        assert linha.locator("td").first.inner_text() == str(esperado[valor])
    assert page.locator("#tabela-situacao tfoot td").first.inner_text() == "75"
    assert page.locator("#tabela-objetivos tbody tr").count() == 4
    assert page.locator(".lista-relatos li").count() == 5
    # Links to the institutions work.
    page.locator("#tabela-cobertura").get_by_role("link", name="PF", exact=True).click()
    expect(page.locator("h1")).to_have_text("Polícia Federal (PF)")
    assert page.locator("#tabela-atividades tbody tr").count() == 9


def test_alto_contraste_liga_desliga_e_fica_guardado(live_server, page, demo, sem_violacoes):
    page.goto(f"{live_server.url}/")
    botao = page.get_by_role("button", name="Alto contraste")
    assert botao.get_attribute("aria-pressed") == "false"
    fundo_normal = page.evaluate("getComputedStyle(document.body).backgroundColor")
    botao.click()
    assert botao.get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.classList.contains('alto-contraste')")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert fundo_normal != "rgb(0, 0, 0)"
    sem_violacoes(page)
    # The choice survives a reload and another page.
    page.goto(f"{live_server.url}/metodologia/")
    assert page.get_by_role("button", name="Alto contraste").get_attribute("aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    page.get_by_role("button", name="Alto contraste").click()
    page.reload()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == fundo_normal


def test_preferencia_do_sistema_por_mais_contraste_e_respeitada(live_server, page, demo):
    page.emulate_media(contrast="more")
    page.goto(f"{live_server.url}/")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    botao = page.get_by_role("button", name="Alto contraste")
    assert botao.get_attribute("aria-pressed") == "true"
    # The person may still choose normal contrast.
    botao.click()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(0, 0, 0)"


def test_teclado_alcanca_o_menu_pelo_atalho_e_por_tab(live_server, page, demo):
    page.goto(f"{live_server.url}/metodologia/")
    # The second skip link leads to the menu; the next Tab is its first link.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert "Ir para o menu" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Painel"
    textos = []
    for _ in range(6):
        textos.append(page.evaluate("document.activeElement.textContent"))
        page.keyboard.press("Tab")
    assert textos == ["Painel", "Plano", "Parceiros", "Metodologia", "Dados abertos", "Sobre"]
    # And Enter follows a menu link.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Parceiros"
    ).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/parceiros/")
    assert page.locator("h1").inner_text() == "Instituições parceiras"


def test_atalhos_1_a_4_sao_links_reais(live_server, page, demo):
    page.goto(f"{live_server.url}/")
    atalhos = page.locator("nav.br-skiplink a")
    assert [a.get_attribute("accesskey") for a in atalhos.all()] == ["1", "2", "3", "4"]
    assert [a.get_attribute("href") for a in atalhos.all()] == [
        "#conteudo",
        "#menu-principal",
        "/plano/#busca",
        "#rodape",
    ]


def test_migalhas_levam_de_volta(live_server, page, demo):
    page.goto(f"{live_server.url}/parceiros/dpu/")
    migalhas = page.get_by_role("navigation", name="Você está aqui")
    assert migalhas.locator("[aria-current=page]").inner_text() == "DPU"
    migalhas.get_by_role("link", name="Parceiros").click()
    expect(page.locator("h1")).to_have_text("Instituições parceiras")


def test_pagina_inexistente_no_layout_do_painel(live_server, page, demo, sem_violacoes):
    resposta = page.goto(f"{live_server.url}/nao-existe/")
    assert resposta.status == 404
    assert page.locator("h1").inner_text() == "Página não encontrada"
    sem_violacoes(page)


def test_painel_impresso_esconde_menu_e_mantem_os_numeros(live_server, page, demo):
    page.goto(f"{live_server.url}/")
    page.emulate_media(media="print")
    assert not page.locator("#menu-principal").is_visible()
    assert not page.get_by_role("button", name="Alto contraste").is_visible()
    assert page.locator("#tabela-situacao").is_visible()
    assert page.locator("#execucao-geral").is_visible()


@pytest.mark.parametrize("javascript", [True, False])
def test_seletor_de_ciclo_mostra_o_fechamento_sem_javascript(
    live_server, browser, demo, javascript
):
    # axe-core scans /?ciclo= at 360 px in test_tendencias_navegador.
    from monitoramento.models import Ciclo

    primeiro = Ciclo.objects.order_by("inicio").first()
    contexto = browser.new_context(java_script_enabled=javascript)
    page = contexto.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/")
    page.select_option("#seletor-ciclo", primeiro.codigo)
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_url(f"**/?ciclo={primeiro.codigo}")
    assert f"no fechamento do ciclo {primeiro.codigo}" in page.locator("#aviso-ciclo").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    contexto.close()


@pytest.mark.parametrize("url", ["/plano/1.1.1/", "/plano/1.1.1/?ciclo="])
def test_grafico_da_atividade_em_360px_em_alto_contraste_e_impresso(
    live_server, page, demo, sem_violacoes, url
):
    from monitoramento.models import Ciclo

    if url.endswith("="):
        url += Ciclo.objects.order_by("inicio").first().codigo
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}{url}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if "ciclo=" in url:  # the page without it: test_publico_celular_e_contraste
        sem_violacoes(page)
    # In high contrast the chart keeps its points and the table its numbers.
    page.emulate_media(forced_colors="active")
    ponto = page.locator("svg.grafico-linha circle.ponto").first
    assert ponto.evaluate("e => getComputedStyle(e).fill") != "none"
    page.emulate_media(forced_colors="none", media="print")
    assert page.locator("#tabela-por-ciclo").is_visible()
    assert ponto.evaluate("e => getComputedStyle(e).fill") in ("rgb(0, 0, 0)", "#000")

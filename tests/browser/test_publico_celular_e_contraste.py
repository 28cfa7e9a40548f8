"""Every public page on a 360 px phone, on a 1366 px desktop and in high
contrast (forced colours), and the /plano/ list's sharing and keyboard flow."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGINAS_PUBLICAS = [
    "/",
    "/plano/",
    "/plano/?busca=fronteira",
    "/plano/?instituicao=PF&ordem=prazo",
    "/plano/1/",
    "/plano/1.1/",
    "/plano/1.1.1/",
    "/plano/alteracoes/",
    "/parceiros/",
    "/parceiros/pf/",
    "/metodologia/",
    "/dados/",
    "/sobre/",
    "/acessibilidade/",
    "/privacidade/",
]


def test_nenhuma_pagina_publica_rola_para_o_lado_num_celular_de_360px(live_server, page, demo):
    """The one 360 px check of the public pages: no sideways scroll, and the
    whole menu stays on screen (wrapped if need be)."""
    page.set_viewport_size({"width": 360, "height": 800})
    largas, menu_fora = {}, {}
    for url in PAGINAS_PUBLICAS:
        page.goto(f"{live_server.url}{url}")
        largura = page.evaluate("document.documentElement.scrollWidth")
        if largura > 360:
            largas[url] = largura
        for link in page.locator("#menu-principal a").all():
            caixa = link.bounding_box()
            if caixa and not (caixa["x"] >= 0 and caixa["x"] + caixa["width"] <= 360):
                menu_fora.setdefault(url, []).append(link.inner_text())
    assert largas == {}
    assert menu_fora == {}


@pytest.mark.demorado
@pytest.mark.parametrize(
    ("largura", "cores_forcadas"), [(360, False), (1366, False), (1366, True), (360, True)]
)
def test_paginas_publicas_sem_violacoes_no_celular_no_desktop_e_em_alto_contraste(
    live_server, page, demo, sem_violacoes, largura, cores_forcadas
):
    page.set_viewport_size({"width": largura, "height": 800})
    if cores_forcadas:
        page.emulate_media(forced_colors="active")
    for url in PAGINAS_PUBLICAS:
        page.goto(f"{live_server.url}{url}")
        if cores_forcadas:
            assert page.evaluate("matchMedia('(forced-colors: active)').matches")
        sem_violacoes(page)


def test_plano_no_desktop_cabe_em_8000px_com_as_75_atividades_alcancaveis(live_server, page, plano):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/plano/")
    altura = page.evaluate("document.documentElement.scrollHeight")
    print(f"/plano/ at 1366 px: {altura} px tall")
    assert altura <= 8000
    cartoes = page.locator("li.cartao-atividade")
    assert cartoes.count() == 75
    for indice in (0, 37, 74):
        expect(cartoes.nth(indice)).to_be_visible()
    # Each activity's link is there, and the groups fold without JavaScript.
    assert page.locator("li.cartao-atividade a.codigo").count() == 75
    page.locator("details.grupo-objetivo > summary").first.click()
    expect(page.locator("#atividade-1\\.1\\.1")).to_be_hidden()


def test_plano_no_celular_mostra_cada_atividade_como_cartao_legivel(live_server, page, plano):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/plano/")
    cartao = page.locator("#atividade-1\\.1\\.1")
    caixa = cartao.bounding_box()
    assert caixa["x"] >= 0 and caixa["x"] + caixa["width"] <= 360
    for rotulo in ["Parceiros", "Situação", "% executado", "Prazo", "Links do plano"]:
        expect(cartao.locator("dt", has_text=rotulo).first).to_be_visible()
    cartao.scroll_into_view_if_needed()
    situacao = cartao.locator(".situacao").bounding_box()
    assert situacao["x"] >= 0 and situacao["x"] + situacao["width"] <= 360


def test_depois_de_filtrar_o_foco_vai_para_o_titulo_com_a_contagem(live_server, page, plano):
    page.goto(f"{live_server.url}/plano/")
    page.get_by_label("Ação prioritária").select_option("1.1")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**/plano/?acao=1.1")
    assert page.evaluate("document.activeElement.id") == "resultado-titulo"
    assert page.evaluate("document.activeElement.textContent").startswith(
        "4 atividades encontradas com os filtros aplicados"
    )
    # The downloads and the list are the next stops for the keyboard.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert "CSV" in page.evaluate("document.activeElement.textContent")


def test_copiar_link_e_imprimir(live_server, page, plano):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/plano/?situacao=sem_informacao&instituicao=PF")
    botao = page.get_by_role("button", name="Copiar link")
    expect(botao).to_be_visible()
    botao.click()
    expect(page.locator("[data-aviso-copiado]")).to_have_text("Link copiado.")
    copiado = page.evaluate("navigator.clipboard.readText()")
    assert copiado.endswith("/plano/?instituicao=pf&situacao=sem_informacao")
    assert page.url.endswith("?situacao=sem_informacao&instituicao=PF")  # no navigation
    expect(page.get_by_role("button", name="Imprimir")).to_be_visible()


def test_sem_javascript_o_link_da_selecao_e_um_link_comum(browser, live_server, plano):
    contexto = browser.new_context(java_script_enabled=False)
    pagina = contexto.new_page()
    pagina.goto(f"{live_server.url}/plano/?instituicao=pf")
    link = pagina.get_by_role("link", name="Link desta seleção")
    assert link.get_attribute("href").endswith("/plano/?instituicao=pf")
    expect(pagina.get_by_role("button", name="Imprimir")).to_be_hidden()
    contexto.close()


@pytest.mark.parametrize("modo", ["alto-contraste", "cores-forcadas", "cinza"])
def test_barra_de_situacao_mantem_o_sentido_sem_cores(live_server, page, demo, modo):
    if modo == "cores-forcadas":
        page.emulate_media(forced_colors="active")
    page.goto(f"{live_server.url}/")
    if modo == "alto-contraste":
        page.get_by_role("button", name="Alto contraste").click()
    # Each situation the bar shows is drawn with its own fill + texture pair
    # (in grayscale: the fill's luminance, in steps a person tells apart), and
    # the table's swatch repeats the pair beside the written label.
    aparencias = page.evaluate(
        """(cinza) => [...document.querySelectorAll('.pilha rect.textura')].map(r => {
            let base = getComputedStyle(r.previousElementSibling).fill;
            if (cinza) {
                const [vr, vg, vb] = base.match(/\\d+/g).map(Number);
                base = Math.round((0.2126 * vr + 0.7152 * vg + 0.0722 * vb) / 40);
            }
            return [r.getAttribute('class'), base + ' ' + getComputedStyle(r).fill];
        })""",
        modo == "cinza",
    )
    assert len(aparencias) >= 3
    assert len({a for _, a in aparencias}) == len(aparencias), aparencias
    for classe, _ in aparencias:
        valor = classe.split("textura-")[1]
        expect(
            page.locator(f'#tabela-situacao tr[data-situacao="{valor}"] svg.amostra')
        ).to_be_visible()

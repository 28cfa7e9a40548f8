"""The plan's filters and detail pages in Chromium, as a person uses them."""

import re

import pytest
from playwright.sync_api import expect

from monitoramento.demo import carregar_demo
from plano.models import Atividade

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_filtros_estreitam_a_tabela_e_sobrevivem_ao_recarregar(live_server, page, plano):
    page.goto(f"{live_server.url}/plano/")
    expect(page.locator("li.cartao-atividade")).to_have_count(75)
    page.get_by_label("Objetivo específico").select_option("2")
    page.get_by_label("Buscar por código ou texto").fill("rede")
    page.get_by_role("button", name="Filtrar").click()
    # The search covers the activity's text and its action's and objective's.
    esperado = [
        a.codigo
        for a in Atividade.objects.filter(acao__objetivo__codigo="2").select_related(
            "acao__objetivo"
        )
        if "rede" in f"{a.texto} {a.acao.texto} {a.acao.objetivo.texto}".lower()
    ]
    assert esperado
    # The address keeps only the filters in use, ready to be shared.
    assert page.url == f"{live_server.url}/plano/?busca=rede&objetivo=2"
    expect(page.locator("li.cartao-atividade")).to_have_count(len(esperado))
    expect(page.locator(".resultado-contagem")).to_contain_text(f"{len(esperado)} atividade")

    page.reload()
    expect(page.locator("li.cartao-atividade")).to_have_count(len(esperado))
    expect(page.get_by_label("Objetivo específico")).to_have_value("2")
    expect(page.get_by_label("Buscar por código ou texto")).to_have_value("rede")

    page.get_by_role("link", name="Limpar filtros").click()
    expect(page.locator("li.cartao-atividade")).to_have_count(75)


def test_remover_um_filtro_mantem_os_outros(live_server, page, plano):
    page.goto(f"{live_server.url}/plano/?acao=1.1&busca=curriculo")
    expect(page.locator("li.cartao-atividade")).to_have_count(1)
    page.get_by_role("link", name="Remover o filtro Ação prioritária").click()
    expect(page.get_by_label("Buscar por código ou texto")).to_have_value("curriculo")
    expect(page.get_by_label("Ação prioritária")).to_have_value("")
    assert page.locator("li.cartao-atividade").count() > 1


def test_teclado_alcanca_a_busca_os_filtros_e_a_tabela(live_server, page, plano):
    page.goto(f"{live_server.url}/plano/")
    # The third skip link, "Ir para a busca", leads to the search field.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert "Ir para a busca" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "busca"
    page.keyboard.type("2.3")
    page.keyboard.press("Enter")
    expect(page.locator("li.cartao-atividade")).to_have_count(3)
    # From the search field, Tab walks through every filter, then reaches the list.
    page.locator("#busca").focus()
    visitados = []
    for _ in range(40):
        page.keyboard.press("Tab")
        visitados.append(
            page.evaluate(
                "document.activeElement.name || document.activeElement.getAttribute('role')"
                " || document.activeElement.textContent.trim()"
            )
        )
        if visitados[-1] == "Atividade 2.3.1":
            break
    for nome in ["objetivo", "acao", "situacao", "instituicao", "prazo"]:
        assert nome in visitados
    assert visitados[-1] == "Atividade 2.3.1"


def test_links_levam_as_paginas_de_item_e_a_trilha_volta(live_server, page, plano):
    page.goto(f"{live_server.url}/plano/")
    page.locator("#atividade-3\\.7\\.1 a.codigo").click()
    expect(page).to_have_url(f"{live_server.url}/plano/3.7.1/")
    expect(page.locator("h1")).to_contain_text("Incluir no POP previsto na Atividade 3.2.1")
    page.locator("h1").get_by_role("link", name="3.2.1").click()
    expect(page).to_have_url(f"{live_server.url}/plano/3.2.1/")
    expect(page.get_by_role("heading", name="Citada em")).to_be_visible()
    trilha = page.get_by_role("navigation", name="Você está em")
    trilha.get_by_role("link", name="Ação prioritária 3.2").click()
    expect(page).to_have_url(f"{live_server.url}/plano/3.2/")
    page.get_by_role("navigation", name="Você está em").get_by_role(
        "link", name="Objetivo específico 3"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/plano/3/")
    expect(page.locator(".item-do-plano")).to_have_count(9)


def test_paginas_filtradas_e_de_item_sem_violacoes(live_server, page, plano, sem_violacoes):
    carregar_demo()
    for url in [
        "/plano/?situacao=atrasada",
        "/plano/?objetivo=1&instituicao=pf&busca=formacao",
        "/plano/?busca=xyzzy",
        "/plano/?objetivo=99&busca=rede",
        # The other item pages: test_publico_celular_e_contraste.
        "/plano/3.2.1/",
    ]:
        page.goto(f"{live_server.url}{url}")
        assert page.locator("h1").count() == 1, url
        sem_violacoes(page)


def test_relatos_publicados_aparecem_na_pagina_da_atividade(live_server, page, plano):
    carregar_demo()
    page.goto(f"{live_server.url}/plano/1.1.1/")
    expect(page.get_by_role("heading", name=re.compile(r"^Ciclo "))).to_have_count(3)
    expect(page.locator(".carimbo").first).to_contain_text("Informado por PF em ")
    expect(page.locator(".carimbo").first).to_contain_text("validado pela CGETP em ")


# The other item pages at 360 px: test_publico_celular_e_contraste.
@pytest.mark.parametrize("url", ["/plano/?objetivo=3", "/plano/3.2.1/"])
def test_cabe_num_celular_de_360px_sem_violacoes(live_server, page, plano, url, sem_violacoes):
    carregar_demo()
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}{url}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sem_violacoes(page)


@pytest.mark.parametrize(
    ("url", "filtros"), [("/plano/", 1), ("/plano/?objetivo=1", 1), ("/plano/1.1/", 0)]
)
def test_impressao_cabe_na_largura_da_pagina_sem_os_filtros(live_server, page, plano, url, filtros):
    # A4 portrait with Chromium's default margins leaves about 718 CSS pixels.
    page.set_viewport_size({"width": 718, "height": 1000})
    page.emulate_media(media="print")
    page.goto(f"{live_server.url}{url}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 718
    assert (
        page.evaluate(
            "document.querySelector('.tabela-plano, .cartoes').getBoundingClientRect().right"
        )
        <= 718
    )
    assert page.locator("form.filtros").count() == filtros
    expect(page.locator("form.filtros")).to_be_hidden()
    expect(page.locator("tbody tr, li.cartao-atividade").first).to_be_visible()

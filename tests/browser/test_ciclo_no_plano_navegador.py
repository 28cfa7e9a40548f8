"""?ciclo= on the plan pages in Chromium: the selector works without
JavaScript and keeps the filters, links keep the cycle, and the pages have no
axe-core violations."""

import pytest
from playwright.sync_api import expect

from monitoramento.demo import carregar_demo
from monitoramento.models import Ciclo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_seletor_de_ciclo_sem_javascript_mantem_os_filtros(live_server, browser, plano):
    carregar_demo()
    primeiro = Ciclo.objects.order_by("inicio").first()
    contexto = browser.new_context(java_script_enabled=False)
    page = contexto.new_page()
    try:
        page.goto(f"{live_server.url}/plano/?objetivo=1&ordem=percentual")
        page.get_by_label("Mostrar o plano").select_option(primeiro.codigo)
        page.get_by_role("button", name="Aplicar").click()
        assert page.url == (
            f"{live_server.url}/plano/?objetivo=1&ordem=percentual&ciclo={primeiro.codigo}"
        )
        expect(page.locator("#aviso-ciclo")).to_contain_text(
            f"Situação no fechamento do ciclo {primeiro.codigo}, avaliada em"
        )
        expect(page.get_by_label("Objetivo específico")).to_have_value("1")
        # Filtering keeps the cycle.
        page.get_by_label("Situação", exact=True).select_option("em_andamento")
        page.get_by_role("button", name="Filtrar").click()
        assert f"ciclo={primeiro.codigo}" in page.url
        expect(page.locator("#aviso-ciclo")).to_be_visible()
        # An activity's link keeps the cycle.
        # (By keyboard: the demo's fixed banner may cover the link's spot.)
        page.locator("li.cartao-atividade a.codigo").first.press("Enter")
        assert page.url.endswith(f"/?ciclo={primeiro.codigo}")
        expect(page.locator("#aviso-ciclo")).to_be_visible()
        page.get_by_role("link", name="Ver a situação atual").press("Enter")
        assert "ciclo=" not in page.url
    finally:
        contexto.close()


def test_paginas_num_ciclo_sem_violacoes(live_server, page, plano, sem_violacoes):
    carregar_demo()
    codigo = Ciclo.objects.order_by("inicio").values_list("codigo", flat=True).first()
    for url in [
        f"/plano/?ciclo={codigo}",
        f"/plano/?situacao=em_andamento&ordem=percentual&ciclo={codigo}",
        f"/plano/1/?ciclo={codigo}",
        f"/plano/1.1/?ciclo={codigo}",
        f"/parceiros/?ciclo={codigo}",
        f"/parceiros/pf/?ciclo={codigo}",
    ]:
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("#aviso-ciclo")).to_be_visible()
        sem_violacoes(page)


def test_paginas_num_ciclo_cabem_num_celular_de_360px(live_server, page, plano, sem_violacoes):
    carregar_demo()
    codigo = Ciclo.objects.order_by("inicio").values_list("codigo", flat=True).first()
    page.set_viewport_size({"width": 360, "height": 740})
    for url in [
        f"/plano/?objetivo=1&ciclo={codigo}",
        f"/plano/1.1/?ciclo={codigo}",
        f"/parceiros/pf/?ciclo={codigo}",
    ]:
        page.goto(f"{live_server.url}{url}")
        expect(page.get_by_role("button", name="Aplicar")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        sem_violacoes(page)

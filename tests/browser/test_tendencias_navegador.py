"""The painel's trend charts in Chromium: no axe-core violation at 1366 and
360 px, the chart fits a phone, and its lines, markers and labels stay drawn
in forced colours and in print."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GRAFICOS = ("#grafico-execucao", "#grafico-cobertura")

# Per chart: each drawn line's stroke, dash pattern and width, each marker's
# fill and stroke, the labels' fill, and the chart's box.
APARENCIA = """(seletor) => {
    const svg = document.querySelector(seletor + ' svg');
    const estilo = (e) => getComputedStyle(e);
    return {
        linhas: [...svg.querySelectorAll('.linha')].map(l => [
            estilo(l).stroke, estilo(l).strokeDasharray, estilo(l).strokeWidth]),
        marcas: [...svg.querySelectorAll('.marca')].map(m => [estilo(m).fill, estilo(m).stroke]),
        rotulos: [...svg.querySelectorAll('.rotulo-serie')].map(t => estilo(t).fill),
        fundo: estilo(document.body).backgroundColor,
        largura: svg.getBoundingClientRect().width,
        direita: svg.getBoundingClientRect().right,
    };
}"""

INVISIVEIS = {"none", "transparent", "rgba(0, 0, 0, 0)"}


def _desenhado(aparencia: dict) -> None:
    """Every line, marker and label is painted in a colour other than the
    page's background, and the series differ by their dash pattern."""
    fundo = aparencia["fundo"]
    assert aparencia["linhas"]
    for stroke, _, largura in aparencia["linhas"]:
        assert stroke not in INVISIVEIS and stroke != fundo
        assert float(largura.removesuffix("px")) >= 2
    for fill, stroke in aparencia["marcas"]:
        assert stroke not in INVISIVEIS and stroke != fundo
        assert fill not in INVISIVEIS
    for fill in aparencia["rotulos"]:
        assert fill not in INVISIVEIS and fill != fundo
    tracos = {traco for _, traco, _ in aparencia["linhas"]}
    assert len(tracos) == len(aparencia["rotulos"])  # one dash pattern per series


@pytest.mark.parametrize("largura", [1366, 360])
@pytest.mark.parametrize("url", ["/", "/?ciclo={primeiro}"])
def test_graficos_sem_violacoes_e_cabem_na_tela(
    live_server, page, demo, sem_violacoes, largura, url
):
    from monitoramento.models import Ciclo

    primeiro = Ciclo.objects.order_by("inicio").first().codigo
    page.set_viewport_size({"width": largura, "height": 900})
    page.goto(live_server.url + url.format(primeiro=primeiro))
    for grafico in GRAFICOS:
        figura = page.locator(grafico)
        expect(figura.get_by_role("img")).to_be_visible()
        expect(figura.locator("figcaption")).to_be_visible()
        aparencia = page.evaluate(APARENCIA, grafico)
        assert aparencia["largura"] >= 200 and aparencia["direita"] <= largura
        _desenhado(aparencia)
    assert page.evaluate("document.documentElement.scrollWidth") <= largura
    # The accessible name and description reach the accessibility tree.
    execucao = page.get_by_role("img", name=re.compile("^Execução ponderada do plano"))
    expect(execucao).to_have_accessible_description(re.compile("^Execução do plano: .+ em "))
    if "ciclo" in url:  # "/" at both widths: test_publico_celular_e_contraste
        sem_violacoes(page)


@pytest.mark.parametrize("modo", ["cores-forcadas", "alto-contraste"])
def test_alto_contraste_mantem_linhas_marcadores_e_rotulos(live_server, page, demo, modo):
    # axe-core scans "/" in forced colours in test_publico_celular_e_contraste,
    # and with the site's high contrast on in test_paginas_publicas.
    if modo == "cores-forcadas":
        page.emulate_media(forced_colors="active")
    page.goto(f"{live_server.url}/")
    if modo == "alto-contraste":
        page.get_by_role("button", name="Alto contraste").click()
    else:
        assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    for grafico in GRAFICOS:
        _desenhado(page.evaluate(APARENCIA, grafico))


def test_impressao_desenha_em_preto_com_as_tabelas(live_server, page, demo):
    page.goto(f"{live_server.url}/")
    page.emulate_media(media="print")
    assert page.evaluate("matchMedia('print').matches")
    for grafico in GRAFICOS:
        aparencia = page.evaluate(APARENCIA, grafico)
        _desenhado(aparencia)
        assert {stroke for stroke, _, _ in aparencia["linhas"]} == {"rgb(0, 0, 0)"}
        expect(page.locator(grafico)).to_be_visible()
    for tabela in ("#tabela-execucao-por-ciclo", "#tabela-cobertura-por-ciclo"):
        expect(page.locator(tabela)).to_be_visible()

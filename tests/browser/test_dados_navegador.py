"""/dados/ in Chromium: the page passes axe and its links download the files."""

import csv

import pytest

from dados.conjuntos import CONJUNTOS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_dados_sem_violacoes_e_baixa_o_csv_de_atividades(live_server, page, plano, sem_violacoes):
    page.goto(f"{live_server.url}/dados/")
    assert page.locator("h1").inner_text() == "Dados abertos"
    # One section per published data set, each with its dictionary.
    assert page.locator("section.conjunto").count() == len(CONJUNTOS)
    for nome in CONJUNTOS:
        assert page.locator(f"#conjunto-{nome}").count() == 1
    sem_violacoes(page)
    with page.expect_download() as baixado:
        page.locator("#conjunto-atividades a[href='/dados/atividades.csv']").click()
    download = baixado.value
    assert download.suggested_filename == "atividades.csv"
    with open(download.path(), encoding="utf-8", newline="") as arquivo:
        linhas = list(csv.reader(arquivo))
    assert linhas[0][:2] == ["plano", "objetivo_codigo"] and len(linhas) == 1 + 75


def test_dados_liga_e_baixa_o_relatorio_semestral_de_cada_ciclo_encerrado(
    live_server, page, plano, sem_violacoes
):
    from openpyxl import load_workbook

    from tests import factories

    for codigo in ("2025.1", "2025.2"):
        factories.criar_ciclo(plano=plano, codigo=codigo)
    factories.criar_ciclo(plano=plano, codigo="2026.2", aberto=True)  # open: no report
    page.goto(f"{live_server.url}/dados/")
    links = page.locator(".lista-relatorios a")
    assert links.all_inner_texts() == [
        "Relatório semestral do ciclo 2025.1",
        "Relatório semestral do ciclo 2025.2",
    ]
    sem_violacoes(page)
    with page.expect_download() as baixado:
        links.nth(1).click()
    download = baixado.value
    assert download.suggested_filename == "relatorio-semestral-publico-i-paecm-2025.2.xlsx"
    with open(download.path(), "rb") as arquivo:
        livro = load_workbook(arquivo)
    assert livro.sheetnames[0] == "Resumo"
    assert livro["Resumo"]["D1"].value == "Versão pública"

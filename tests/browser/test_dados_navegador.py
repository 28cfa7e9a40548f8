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

"""/dados/ in Chromium: the page passes axe and its links download the files."""

import csv

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_dados_sem_violacoes_e_baixa_o_csv_de_atividades(live_server, page, plano, sem_violacoes):
    page.goto(f"{live_server.url}/dados/")
    assert page.locator("h1").inner_text() == "Dados abertos"
    assert page.locator("section.conjunto").count() == 5
    sem_violacoes(page)
    with page.expect_download() as baixado:
        page.locator("#conjunto-atividades a", has_text="CSV").click()
    download = baixado.value
    assert download.suggested_filename == "atividades.csv"
    with open(download.path(), encoding="utf-8", newline="") as arquivo:
        linhas = list(csv.reader(arquivo))
    assert linhas[0][:2] == ["plano", "objetivo_codigo"] and len(linhas) == 1 + 75

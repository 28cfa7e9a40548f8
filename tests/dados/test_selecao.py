""" "Baixar esta seleção" on /plano/ and the API's activity filters: exactly the
activities the filtered table shows."""

import html
import re

import pytest

from .leitores import ler_csv, ler_ods, ler_xlsx

FILTROS = [
    "objetivo=1",
    "situacao=em_andamento",
    "objetivo=1&situacao=sem_informacao&instituicao=pf",
    "busca=formacao",
    "acao=2.3",
    "objetivo=99",
]


def codigos_da_pagina(conteudo: str) -> list[str]:
    return re.findall(r'<tr id="atividade-([\d.]+)"', conteudo)


def links_de_download(conteudo: str) -> dict[str, str]:
    return {
        formato: html.unescape(href)
        for href, formato in re.findall(
            r'<a href="(/dados/atividades\.(csv|xlsx|ods)[^"]*)"', conteudo
        )
    }


@pytest.mark.parametrize("consulta", FILTROS)
def test_baixar_esta_selecao_traz_exatamente_a_tabela_filtrada(client, historico, consulta):
    pagina = client.get(f"/plano/?{consulta}").content.decode()
    na_tela = codigos_da_pagina(pagina)
    links = links_de_download(pagina)
    if not na_tela:
        assert links == {}
        return
    assert set(links) == {"csv", "xlsx", "ods"}
    csv_ = ler_csv(b"".join(client.get(links["csv"]).streaming_content))
    assert [linha["atividade_codigo"] for linha in csv_] == na_tela
    folha = ler_xlsx(b"".join(client.get(links["xlsx"]).streaming_content))
    assert [linha[5].value for linha in folha.iter_rows(min_row=2)] == na_tela
    ods = ler_ods(b"".join(client.get(links["ods"]).streaming_content))
    assert [linha[5][1] for linha in ods[1:]] == na_tela


@pytest.mark.parametrize("consulta", FILTROS)
def test_api_filtra_atividades_como_a_pagina(client, historico, consulta):
    na_tela = codigos_da_pagina(client.get(f"/plano/?{consulta}").content.decode())
    resposta = client.get(f"/api/v1/atividades/?{consulta}&por_pagina=500").json()
    assert [a["atividade_codigo"] for a in resposta["resultados"]] == na_tela
    assert resposta["total"] == len(na_tela)


def test_plano_anuncia_o_feed_de_relatos(client, historico):
    pagina = client.get("/plano/").content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in pagina


def test_openapi_lista_os_filtros_da_pagina(client, plano):
    parametros = client.get("/api/v1/openapi.json").json()["paths"]["/atividades/"]["get"][
        "parameters"
    ]
    nomes = [p["name"] for p in parametros]
    assert nomes[:6] == ["busca", "objetivo", "acao", "situacao", "instituicao", "prazo"]

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
]


def codigos_da_pagina(conteudo: str) -> list[str]:
    """The activity cards of /plano/, in code order (the files' order; the
    page ranks a search by relevance)."""
    codigos = re.findall(r'<li class="cartao-atividade" id="atividade-([\d.]+)"', conteudo)
    return sorted(codigos, key=lambda codigo: [int(parte) for parte in codigo.split(".")])


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


@pytest.mark.parametrize(
    ("consulta", "invalidos"),
    [
        ("situacao=xyz", {"situacao"}),
        ("objetivo=9", {"objetivo"}),
        ("instituicao=nada&objetivo=1", {"instituicao"}),
        ("situacao=xyz&objetivo=9&prazo=ontem", {"situacao", "objetivo", "prazo"}),
        ("busca=a%00b", {"busca"}),
    ],
)
def test_filtro_invalido_na_api_e_nos_arquivos_responde_400_nomeando_cada_um(
    client, historico, consulta, invalidos
):
    for url in ("/api/v1/atividades/", "/dados/atividades.csv", "/dados/atividades.xlsx"):
        resposta = client.get(f"{url}?{consulta}")
        assert resposta.status_code == 400, url
        assert resposta["Content-Type"] == "application/json"
        corpo = resposta.json()
        assert set(corpo["parametros"]) == invalidos
        for nome in invalidos:
            assert nome in corpo["erro"]
    permitidos = client.get("/api/v1/atividades/?situacao=xyz").json()["parametros"]["situacao"]
    assert permitidos["valor"] == "xyz"
    assert {"em_andamento", "atrasada", "concluida"} <= set(permitidos["valores_permitidos"])
    objetivo = client.get("/api/v1/atividades/?objetivo=9").json()["parametros"]["objetivo"]
    assert objetivo["valores_permitidos"] == ["1", "2", "3", "4"]


def test_baixar_esta_selecao_leva_so_os_filtros_validos(client, historico):
    pagina = client.get("/plano/?objetivo=1&situacao=xyz").content.decode()
    assert "Filtro ignorado" in pagina
    links = links_de_download(pagina)
    assert links["csv"] == "/dados/atividades.csv?objetivo=1"
    assert client.get(links["csv"]).status_code == 200
    na_tela = codigos_da_pagina(pagina)
    assert [x["atividade_codigo"] for x in ler_csv(baixar(client, links["csv"]))] == na_tela


def baixar(client, url):
    return b"".join(client.get(url).streaming_content)


@pytest.mark.parametrize(
    "consulta", ["pagina=abc", "pagina=0", "por_pagina=0", "por_pagina=-5", "por_pagina=501"]
)
def test_paginacao_fora_dos_limites_responde_400(client, historico, consulta):
    for url in ("/api/v1/atividades/", "/api/v1/relatos/", "/api/v1/ciclos/"):
        resposta = client.get(f"{url}?{consulta}")
        assert resposta.status_code == 400, (url, consulta)
        assert set(resposta.json()["parametros"]) == {consulta.split("=")[0]}


def test_api_e_arquivos_aceitam_a_sigla_em_qualquer_caixa(client, historico):
    esperado = client.get("/api/v1/atividades/?instituicao=pf").json()["resultados"]
    assert len(esperado) == 4
    for valor in ("PF", "Pf"):
        corpo = client.get(f"/api/v1/atividades/?instituicao={valor}").json()
        assert corpo["resultados"] == esperado
        linhas = ler_csv(baixar(client, f"/dados/atividades.csv?instituicao={valor}"))
        assert [x["atividade_codigo"] for x in linhas] == [a["atividade_codigo"] for a in esperado]


def test_relatos_aceitam_identificador_ou_sigla_e_recusam_o_resto(client, historico):
    for valor in ("dpu", "DPU", "Dpu"):
        corpo = client.get(f"/api/v1/relatos/?instituicao={valor}").json()
        assert [r["atividade_codigo"] for r in corpo["resultados"]] == ["1.2.1"], valor
    erro = client.get("/api/v1/relatos/?instituicao=xx&ciclo=1999.1&id=0").json()
    assert set(erro["parametros"]) == {"instituicao", "ciclo", "id"}
    assert erro["parametros"]["ciclo"]["valores_permitidos"] == ["2025.1", "2025.2"]
    assert "pf" in erro["parametros"]["instituicao"]["valores_permitidos"]


def test_digito_que_nao_e_ascii_na_busca_nao_derruba_a_pagina_nem_a_api(client, historico):
    # "²" is a digit to str.isdigit() but not to int(): found by schemathesis.
    for url in ("/plano/?busca=%C2%B2", "/api/v1/atividades/?busca=%C2%B2"):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/atividades/?busca=1.%C2%B2").json()["total"] == 0


def test_plano_anuncia_o_feed_de_relatos(client, historico):
    pagina = client.get("/plano/").content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in pagina


def test_openapi_lista_os_filtros_da_pagina(client, plano):
    parametros = client.get("/api/v1/openapi.json").json()["paths"]["/atividades/"]["get"][
        "parameters"
    ]
    nomes = [p["name"] for p in parametros]
    assert nomes[:6] == ["busca", "objetivo", "acao", "situacao", "instituicao", "prazo"]

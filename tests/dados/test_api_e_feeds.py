"""/api/v1/ and the Atom feeds: public data only, paginated, fixed query counts."""

import defusedxml.ElementTree as ET
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plano.models import Atividade
from tests import factories

from .conftest import FORMULAS, NOMES, SEGREDOS

ATOM = "{http://www.w3.org/2005/Atom}"


def consultas(client, url: str) -> int:
    client.get(url)  # warm the demo-banner cache, as in steady state
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_api_atividades_pagina_e_aponta_para_a_proxima(client, historico):
    primeira = client.get("/api/v1/atividades/?por_pagina=30").json()
    assert (primeira["total"], primeira["pagina"], primeira["paginas"]) == (75, 1, 3)
    assert primeira["anterior"] is None
    assert primeira["proxima"] == "http://testserver/api/v1/atividades/?por_pagina=30&pagina=2"
    assert [a["atividade_codigo"] for a in primeira["resultados"][:2]] == ["1.1.1", "1.1.2"]
    ultima = client.get("/api/v1/atividades/?por_pagina=30&pagina=3").json()
    assert len(ultima["resultados"]) == 15 and ultima["proxima"] is None
    assert client.get("/api/v1/atividades/?pagina=9").status_code == 404


def test_api_relatos_so_publicados_sem_nomes_e_filtrados(client, historico):
    resposta = client.get("/api/v1/relatos/")
    corpo = resposta.content.decode()
    assert resposta.json()["total"] == 3
    for segredo in [*SEGREDOS, *NOMES, "Falta a evidência"]:
        assert segredo not in corpo
    assert FORMULAS["realizado"] in resposta.json()["resultados"][1]["realizado"]
    so_dpu = client.get("/api/v1/relatos/?instituicao=DPU").json()
    assert [r["atividade_codigo"] for r in so_dpu["resultados"]] == ["1.2.1"]
    ciclo = client.get("/api/v1/relatos/?ciclo=2025.1&objetivo=1").json()
    assert [r["percentual"] for r in ciclo["resultados"]] == [20]
    assert client.get("/api/v1/relatos/?id=x").status_code == 400


def test_api_plano_em_arvore(client, historico):
    arvore = client.get("/api/v1/plano/").json()
    assert [o["codigo"] for o in arvore["objetivos"]] == ["1", "2", "3", "4"]
    assert sum(len(a["atividades"]) for o in arvore["objetivos"] for a in o["acoes"]) == 75
    acao = arvore["objetivos"][0]["acoes"][1]
    assert acao["codigo"] == "1.2"
    assert acao["atividades"][0]["situacao"] == "concluida"
    assert "objetivo_texto" not in acao["atividades"][0]


def test_api_instituicoes_e_ciclos(client, historico):
    siglas = [i["sigla"] for i in client.get("/api/v1/instituicoes/").json()["resultados"]]
    assert "PF" in siglas and len(siglas) == 8
    ciclos = client.get("/api/v1/ciclos/").json()["resultados"]
    assert [(c["ciclo"], c["relatos_publicados"]) for c in ciclos] == [("2025.1", 1), ("2025.2", 2)]


def test_openapi_descreve_todos_os_recursos(client, plano):
    descricao = client.get("/api/v1/openapi.json").json()
    assert descricao["openapi"].startswith("3.")
    assert set(descricao["paths"]) == {
        "/",
        "/openapi.json",
        "/plano/",
        "/atividades/",
        "/relatos/",
        "/instituicoes/",
        "/ciclos/",
        "/serie/",
        "/alteracoes/",
    }
    relato = descricao["components"]["schemas"]["Relato"]["properties"]
    assert relato["publicado_em"]["format"] == "date-time"
    assert not {"autor", "validador", "comentario_validacao"} & set(relato)
    indice = client.get("/api/v1/").json()
    assert indice["openapi"] == "http://testserver/api/v1/openapi.json"


@pytest.mark.parametrize(
    "url", ["/api/v1/", "/api/v1/openapi.json", "/api/v1/relatos/", "/api/v1/plano/"]
)
def test_toda_resposta_da_api_responde_304_quando_nada_mudou(client, historico, url):
    resposta = client.get(url)
    assert resposta["ETag"] and resposta["Last-Modified"]
    assert client.get(url, headers={"if-none-match": resposta["ETag"]}).status_code == 304
    desde = {"if-modified-since": resposta["Last-Modified"]}
    assert client.get(url, headers=desde).status_code == 304


def _entradas(conteudo: bytes) -> list:
    return ET.fromstring(conteudo).findall(f"{ATOM}entry")


def test_feed_atom_lista_relatos_publicados_do_mais_recente(client, historico):
    resposta = client.get("/dados/feeds/relatos/")
    assert resposta["Content-Type"].startswith("application/atom+xml")
    entradas = _entradas(resposta.content)
    assert len(entradas) == 3
    titulos = [e.find(f"{ATOM}title").text for e in entradas]
    assert "1.2.1 · DPU · ciclo 2025.2: Concluída (100%)" in titulos
    autores = {e.find(f"{ATOM}author/{ATOM}name").text for e in entradas}
    assert autores == {"PF", "DPU"}
    for segredo in [*SEGREDOS, *NOMES]:
        assert segredo.encode() not in resposta.content


def test_feed_por_objetivo_e_por_instituicao(client, historico):
    assert len(_entradas(client.get("/dados/feeds/relatos/objetivo/1/").content)) == 3
    assert len(_entradas(client.get("/dados/feeds/relatos/objetivo/2/").content)) == 0
    assert len(_entradas(client.get("/dados/feeds/relatos/instituicao/dpu/").content)) == 1
    assert client.get("/dados/feeds/relatos/objetivo/9/").status_code == 404
    assert client.get("/dados/feeds/relatos/instituicao/nada/").status_code == 404


def test_pagina_de_dados_tem_dicionario_links_e_feed(client, historico):
    html = client.get("/dados/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    for nome in ("atividades", "relatos", "evidencias", "instituicoes", "ciclos"):
        for formato in ("csv", "json", "xlsx", "ods"):
            assert f'href="/dados/{nome}.{formato}"' in html
    assert "<code>situacao_rotulo</code>" in html
    # The constraints of datapackage.json, for people.
    assert "<td>de 0 a 100</td>" in html and "obrigatório; um de: " in html
    assert "Última atualização" in html and "CC" in html


@pytest.mark.parametrize("fator", [1, 10])
def test_dados_e_api_custam_consultas_fixas(client, historico, fator):
    factories.ampliar_plano(plano=historico["ciclos"][0].plano, fator=fator)
    assert Atividade.objects.count() == 75 * fator
    # 1. the plan with the date of the last change (subqueries, one query);
    # 2. its closed cycles (a public report each)
    assert consultas(client, "/dados/") == 2
    # + 2. count; 3. the page of activities; 4. their links with institutions
    assert consultas(client, "/api/v1/atividades/") == 4
    # + 2. activities with action and objective; 3. links with institutions
    assert consultas(client, "/api/v1/plano/") == 3
    # + 2. count; 3. the page
    for url in ("/api/v1/relatos/", "/api/v1/instituicoes/", "/api/v1/ciclos/"):
        assert consultas(client, url) == 3, url
    # + 2. the objective; 3. the latest reports
    assert consultas(client, "/dados/feeds/relatos/objetivo/1/") == 3

"""The open data through the cycles: ?ciclo= on the activities (every format
and the API), the `serie` data set (one row per activity per cycle opened so
far) and the change log in the API."""

import io
import json
import math
import zipfile

import frictionless
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dados.conjuntos import ALTERACOES, LOTE, SERIE
from monitoramento.ciclos import plano_no_ciclo
from monitoramento.models import Atualizacao, Ciclo
from parceiros.demo import DEMO_CACHE_KEY, demo_carregada
from plano.indicadores import ATRASADA
from plano.models import Atividade
from tests import factories

from .leitores import ler_csv, ler_ods, ler_xlsx

FORMATOS = ("csv", "json", "xlsx", "ods", "excel.csv")


def ciclos(plano) -> list[Ciclo]:
    return list(Ciclo.objects.filter(plano=plano).order_by("inicio"))


def baixar(client, caminho: str) -> bytes:
    resposta = client.get(caminho)
    assert resposta.status_code == 200, (caminho, resposta.status_code)
    return b"".join(resposta.streaming_content) if resposta.streaming else resposta.content


def visao(plano, ciclo):
    atividades = Atividade.objects.do_plano(plano).values("pk", "prazo", "codigo")
    codigos = {a["pk"]: a["codigo"] for a in atividades}
    situacoes = plano_no_ciclo(ciclo, atividades).situacoes
    return {codigos[pk]: s for pk, s in situacoes.items()}, plano_no_ciclo(ciclo, atividades).data


def texto(valor) -> str:
    return "" if valor is None else str(valor)


def test_atividades_no_fechamento_de_um_ciclo_em_cada_formato(client, demo):
    primeiro = ciclos(demo)[0]
    esperado, data = visao(demo, primeiro)
    linhas = ler_csv(baixar(client, f"/dados/atividades.csv?ciclo={primeiro.codigo}"))
    assert len(linhas) == 75
    for linha in linhas:
        s = esperado[linha["atividade_codigo"]]
        assert (linha["situacao"], linha["percentual"], linha["prazo"]) == (
            s.exibida,
            texto(s.percentual),
            texto(s.prazo),
        ), linha["atividade_codigo"]
        assert linha["atrasada"] == ("true" if s.exibida == ATRASADA else "false")
        assert (linha["ciclo"], linha["data_de_avaliacao"]) == (primeiro.codigo, data.isoformat())
        assert linha["atualizado_em"] == ""
    # The painel's example: 1.1.1 was at 20 % then, 60 % now.
    atual = {li["atividade_codigo"]: li for li in ler_csv(baixar(client, "/dados/atividades.csv"))}
    por_codigo = {li["atividade_codigo"]: li for li in linhas}
    assert (por_codigo["1.1.1"]["percentual"], atual["1.1.1"]["percentual"]) == ("20", "60")
    assert atual["1.1.1"]["ciclo"] == ""
    # Every format carries the cycle and the same values.
    dados_json = json.loads(baixar(client, f"/dados/atividades.json?ciclo={primeiro.codigo}"))
    assert {(d["atividade_codigo"], d["percentual"], d["ciclo"]) for d in dados_json} == {
        (li["atividade_codigo"], int(li["percentual"]) if li["percentual"] else None, li["ciclo"])
        for li in linhas
    }
    folha = ler_xlsx(baixar(client, f"/dados/atividades.xlsx?ciclo={primeiro.codigo}"))
    cabecalho = [c.value for c in folha[1]]
    assert "Ciclo" in cabecalho and folha.max_row == 76
    assert {folha.cell(n, cabecalho.index("Ciclo") + 1).value for n in range(2, 77)} == {
        primeiro.codigo
    }
    ods = ler_ods(baixar(client, f"/dados/atividades.ods?ciclo={primeiro.codigo}"))
    indice = [v for _, v in ods[0]].index("Ciclo")
    assert {linha[indice][1] for linha in ods[1:76]} == {primeiro.codigo}
    assert baixar(client, f"/dados/atividades.excel.csv?ciclo={primeiro.codigo}")


def test_api_de_atividades_no_ciclo_e_o_filtro_de_situacao_na_visao_do_ciclo(client, demo):
    primeiro = ciclos(demo)[0]
    esperado, _ = visao(demo, primeiro)
    corpo = client.get(f"/api/v1/atividades/?ciclo={primeiro.codigo}&por_pagina=500").json()
    assert corpo["total"] == 75
    for registro in corpo["resultados"]:
        s = esperado[registro["atividade_codigo"]]
        assert (registro["situacao"], registro["percentual"]) == (s.exibida, s.percentual)
        assert registro["ciclo"] == primeiro.codigo
    # Three activities had not started at the first close (test_ciclos); today only one.
    nao_iniciadas = sorted(c for c, s in esperado.items() if s.exibida == "nao_iniciada")
    filtrado = client.get(f"/api/v1/atividades/?ciclo={primeiro.codigo}&situacao=nao_iniciada")
    assert sorted(r["atividade_codigo"] for r in filtrado.json()["resultados"]) == nao_iniciadas
    assert len(nao_iniciadas) == 3
    hoje = client.get("/api/v1/atividades/?situacao=nao_iniciada").json()["total"]
    assert hoje != len(nao_iniciadas)
    # Combined with a filter of the plan table.
    combinado = client.get(f"/api/v1/atividades/?ciclo={primeiro.codigo}&objetivo=1").json()
    assert {r["objetivo_codigo"] for r in combinado["resultados"]} == {"1"}
    assert {r["ciclo"] for r in combinado["resultados"]} == {primeiro.codigo}


@pytest.mark.parametrize(
    "valor", ["1999.1", "abc", "%00", "2026.1%00", "x" * 3000, "'%20OR%201=1", "%FF", " "]
)
@pytest.mark.parametrize(
    "caminho", ["/dados/atividades.csv", "/dados/atividades.xlsx", "/api/v1/atividades/"]
)
def test_ciclo_desconhecido_ou_hostil_responde_400_em_json(client, demo, caminho, valor):
    resposta = client.get(f"{caminho}?ciclo={valor}")
    assert resposta.status_code == 400
    corpo = resposta.json()
    assert "ciclo" in corpo["parametros"]
    if valor in ("1999.1", "abc", "x" * 3000):
        assert corpo["parametros"]["ciclo"]["valores_permitidos"] == [
            c.codigo for c in ciclos(demo)
        ]


def test_ciclo_ainda_nao_aberto_responde_400(client, demo):
    futuro = factories.criar_ciclo(plano=demo, codigo="2099.1")
    resposta = client.get(f"/api/v1/atividades/?ciclo={futuro.codigo}")
    assert resposta.status_code == 400
    assert futuro.codigo not in resposta.json()["parametros"]["ciclo"]["valores_permitidos"]
    assert client.get(f"/api/v1/serie/?ciclo={futuro.codigo}").status_code == 400


def test_erros_de_ciclo_e_de_filtro_sao_nomeados_juntos(client, demo):
    corpo = client.get("/api/v1/atividades/?ciclo=1999.1&situacao=nada&pagina=0").json()
    assert set(corpo["parametros"]) == {"ciclo", "situacao", "pagina"}


def test_etag_e_cache_distinguem_o_ciclo(client, demo):
    primeiro, segundo, _ = ciclos(demo)
    for caminho in ("/dados/atividades.csv", "/api/v1/atividades/"):
        etags = {
            client.get(caminho + consulta)["ETag"]
            for consulta in ("", f"?ciclo={primeiro.codigo}", f"?ciclo={segundo.codigo}")
        }
        assert len(etags) == 3
        etag = client.get(f"{caminho}?ciclo={primeiro.codigo}")["ETag"]
        repetido = client.get(f"{caminho}?ciclo={primeiro.codigo}", headers={"if-none-match": etag})
        assert repetido.status_code == 304
        outro = client.get(f"{caminho}?ciclo={segundo.codigo}", headers={"if-none-match": etag})
        assert outro.status_code == 200


def test_serie_tem_uma_linha_por_atividade_e_ciclo_como_o_painel(client, demo):
    todos = ciclos(demo)
    linhas = ler_csv(baixar(client, "/dados/serie.csv"))
    assert len(linhas) == 75 * len(todos)
    assert [c.nome for c in SERIE.colunas] == list(linhas[0])
    assert [li["ciclo"] for li in linhas[::75]] == [c.codigo for c in todos]
    pesos = {a.codigo: a.peso for a in Atividade.objects.all()}
    for ciclo in todos:
        esperado, data = visao(demo, ciclo)
        do_ciclo = [li for li in linhas if li["ciclo"] == ciclo.codigo]
        assert [li["atividade_codigo"] for li in do_ciclo[:3]] == ["1.1.1", "1.1.2", "1.1.3"]
        for linha in do_ciclo:
            s = esperado[linha["atividade_codigo"]]
            assert linha["data_de_avaliacao"] == data.isoformat()
            assert (linha["situacao"], linha["situacao_exibida"]) == (s.situacao, s.exibida)
            assert (linha["percentual"], linha["prazo"]) == (texto(s.percentual), texto(s.prazo))
            assert linha["atrasada"] == ("true" if s.exibida == ATRASADA else "false")
            assert linha["relato_publicado_no_ciclo"] == ("true" if s.relato_no_ciclo else "false")
            assert linha["peso"] == str(pesos[linha["atividade_codigo"]])
    # The demo links PF to 2.1.1 from the plan's start; 1.1.1 has the plan's own links.
    primeira = {li["atividade_codigo"]: li for li in linhas if li["ciclo"] == todos[0].codigo}
    assert "pf" in primeira["2.1.1"]["instituicoes"].split("; ")
    assert primeira["1.1.1"]["relato_publicado_no_ciclo"] == "true"
    assert primeira["1.1.3"]["relato_publicado_no_ciclo"] == "false"


def test_serie_em_todos_os_formatos_no_pacote_e_na_pagina(client, demo, tmp_path, monkeypatch):
    n = 75 * len(ciclos(demo))
    assert len(json.loads(baixar(client, "/dados/serie.json"))) == n
    assert ler_xlsx(baixar(client, "/dados/serie.xlsx")).max_row == n + 1
    assert len(ler_ods(baixar(client, "/dados/serie.ods"))) >= n + 1
    assert baixar(client, "/dados/serie.excel.csv")
    pacote = json.loads(baixar(client, "/dados/datapackage.json"))
    nomes = {r["name"] for r in pacote["resources"]}
    assert {"serie", "serie-json", "serie-xlsx", "serie-ods"} <= nomes
    with zipfile.ZipFile(io.BytesIO(baixar(client, "/dados/dados-abertos.zip"))) as z:
        assert {"serie.csv", "serie.json", "serie.xlsx", "serie.ods"} <= set(z.namelist())
        z.extractall(tmp_path)
    monkeypatch.chdir(tmp_path)  # frictionless reads relative paths only
    for nome in ("serie.csv", "serie.xlsx"):
        relatorio = frictionless.validate(nome)
        assert relatorio.valid, relatorio.flatten(["rowNumber", "type", "note"])
    completo = frictionless.validate("datapackage.json")
    assert completo.valid, [
        (t.name, e.type, e.note[:80]) for t in completo.tasks for e in t.errors
    ][:10]
    html = client.get("/dados/").content.decode()
    assert 'href="/dados/serie.csv"' in html and "<code>relato_publicado_no_ciclo</code>" in html


def test_api_serie_paginada_e_filtrada(client, demo):
    primeiro = ciclos(demo)[0]
    corpo = client.get("/api/v1/serie/?por_pagina=100").json()
    assert corpo["total"] == 75 * len(ciclos(demo))
    assert corpo["proxima"].endswith("pagina=2")
    do_ciclo = client.get(f"/api/v1/serie/?ciclo={primeiro.codigo}&atividade=1.1.1").json()
    assert do_ciclo["total"] == 1
    registro = do_ciclo["resultados"][0]
    assert (registro["percentual"], registro["relato_publicado_no_ciclo"]) == (20, True)
    assert client.get("/api/v1/serie/?objetivo=1").json()["total"] == len(ciclos(demo)) * (
        Atividade.objects.filter(acao__objetivo__numero=1).count()
    )
    ruim = client.get("/api/v1/serie/?ciclo=1999.1&atividade=9.9.9")
    assert ruim.status_code == 400 and set(ruim.json()["parametros"]) == {"ciclo", "atividade"}


def test_api_alteracoes_tem_as_linhas_do_conjunto(client, demo):
    atividade = Atividade.objects.get(codigo="1.1.3")
    from datetime import date

    atividade.prazo = date(2027, 1, 1)
    atividade.save()
    atividade.prazo = date(2028, 1, 1)
    atividade._change_reason = "Adiada."
    atividade.save()
    corpo = client.get("/api/v1/alteracoes/").json()
    csv = ler_csv(baixar(client, "/dados/alteracoes.csv"))
    assert corpo["total"] == len(csv) >= 1
    assert [r["alteracao"] for r in corpo["resultados"]] == [li["alteracao"] for li in csv]
    assert set(corpo["resultados"][0]) == {c.nome for c in ALTERACOES.colunas}
    assert any(r["motivo"] == "Adiada." for r in corpo["resultados"])


def test_openapi_descreve_serie_alteracoes_e_o_ciclo(client, demo):
    descricao = client.get("/api/v1/openapi.json").json()
    assert {"/serie/", "/alteracoes/"} <= set(descricao["paths"])
    parametros = {p["name"]: p for p in descricao["paths"]["/atividades/"]["get"]["parameters"]}
    assert parametros["ciclo"]["schema"]["enum"] == [c.codigo for c in ciclos(demo)]
    assert "relato_publicado_no_ciclo" in descricao["components"]["schemas"]["Serie"]["properties"]
    assert "ciclo" in descricao["components"]["schemas"]["Atividade"]["properties"]
    indice = client.get("/api/v1/").json()["recursos"]
    assert indice["serie"].endswith("/api/v1/serie/")


def consultas(client, url: str) -> int:
    # The demo flag (parceiros.demo) is cached for a minute, as in steady
    # state; pinned here, so a download slower than that cannot add its query.
    cache.set(DEMO_CACHE_KEY, demo_carregada(), None)
    with CaptureQueriesContext(connection) as ctx:
        baixar(client, url)
    return len(ctx.captured_queries)


@pytest.mark.demorado
def test_serie_e_ciclo_custam_o_mesmo_com_100_vezes_os_dados(client, plano, pf):
    todos = [
        factories.criar_ciclo(plano=plano, codigo=f"{2024 + n // 2}.{n % 2 + 1}")
        for n in range(1, 4)
    ]
    factories.relatar_todas(plano=plano, instituicao=pf, ciclos=todos[:1])
    codigo = todos[0].codigo
    urls = [
        "/dados/serie.csv",
        "/dados/serie.xlsx",
        "/api/v1/serie/",
        f"/api/v1/serie/?ciclo={codigo}",
        f"/api/v1/atividades/?ciclo={codigo}",
        f"/api/v1/atividades/?ciclo={codigo}&situacao=em_andamento",
        "/api/v1/alteracoes/",
    ]
    # The activities' files read their rows LOTE at a time (bounded memory),
    # each chunk with its links: one query more per LOTE activities.
    arquivos = [
        f"/dados/atividades.csv?ciclo={codigo}",
        f"/dados/atividades.csv?ciclo={codigo}&situacao=em_andamento",
    ]
    antes = {url: consultas(client, url) for url in urls + arquivos}
    factories.ampliar_plano(plano=plano, fator=100)
    Atualizacao.objects.all().delete()
    factories.relatar_todas(plano=plano, instituicao=pf, ciclos=todos)
    assert Atividade.objects.count() == 7_500
    depois = {url: consultas(client, url) for url in urls + arquivos}
    assert {url: depois[url] for url in urls} == {url: antes[url] for url in urls}
    for url in arquivos:
        assert depois[url] == antes[url] + math.ceil(7_500 / LOTE) - 1, url
    # 1. the plan's version; 2. cycles; 3. activities; 4-5. reports, deadlines;
    # 6-8. links in force; 9. institutions.
    assert antes["/dados/serie.csv"] == 9
    # + the cycle's codes (the filter's accepted values).
    assert antes[f"/api/v1/serie/?ciclo={codigo}"] == 10


def test_folha_sobre_diz_o_ciclo_e_aponta_para_o_plano_no_ciclo(client, demo):
    from openpyxl import load_workbook

    primeiro = ciclos(demo)[0]
    conteudo = baixar(client, f"/dados/atividades.xlsx?ciclo={primeiro.codigo}&objetivo=2")
    sobre = dict(load_workbook(io.BytesIO(conteudo))["Sobre"].iter_rows(values_only=True))
    assert f"Ciclo: no fechamento do ciclo {primeiro.codigo}" in sobre["Filtros aplicados"]
    assert sobre["Página"] == f"http://testserver/plano/?objetivo=2&ciclo={primeiro.codigo}"


def test_serie_muda_a_meia_noite_como_as_atividades(client, demo, monkeypatch):
    """The open cycle is judged on today's date: at midnight the serie's
    validators change even if no data did."""
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.http import http_date

    from dados import versao

    amanha = timezone.localtime().replace(microsecond=0) + timedelta(days=1)
    monkeypatch.setattr(versao, "inicio_do_dia", lambda: amanha)
    esperado = http_date(int(amanha.timestamp()))
    assert client.get("/dados/serie.csv")["Last-Modified"] == esperado
    assert client.get("/dados/atividades.csv")["Last-Modified"] == esperado
    assert client.get("/dados/relatos.csv")["Last-Modified"] != esperado


def test_chave_do_cache_publico_distingue_o_ciclo():
    from datetime import date

    from paecm.cache_publico import chave

    def para(consulta: str) -> str:
        return chave(
            {"PATH_INFO": "/dados/atividades.csv", "QUERY_STRING": consulta}, "v", date(2026, 1, 1)
        )

    assert len({para(""), para("ciclo=2025.1"), para("ciclo=2025.2")}) == 3
    assert para("ciclo=2025.1&objetivo=1") == para("objetivo=1&ciclo=2025.1")


def test_atividades_de_um_ciclo_valem_pelo_esquema_publicado(client, demo, tmp_path, monkeypatch):
    """atividades.csv?ciclo= is the same table: the published schema holds."""
    primeiro = ciclos(demo)[0]
    pacote = json.loads(baixar(client, "/dados/datapackage.json"))
    esquema = next(r for r in pacote["resources"] if r["name"] == "atividades")["schema"]
    (tmp_path / "atividades.csv").write_bytes(
        baixar(client, f"/dados/atividades.csv?ciclo={primeiro.codigo}")
    )
    monkeypatch.chdir(tmp_path)
    relatorio = frictionless.validate(
        frictionless.Resource(
            path="atividades.csv", schema=frictionless.Schema.from_descriptor(esquema)
        )
    )
    assert relatorio.valid, relatorio.flatten(["rowNumber", "type", "note"])
    assert relatorio.tasks[0].stats["rows"] == 75


@pytest.mark.parametrize("formato", ["xlsx", "ods"])
def test_libreoffice_abre_a_serie(client, demo, tmp_path, formato):
    from .leitores import converter_com_libreoffice

    primeiro = ciclos(demo)[0]
    arquivo = tmp_path / f"serie.{formato}"
    arquivo.write_bytes(baixar(client, f"/dados/serie.{formato}"))
    convertido = converter_com_libreoffice(
        arquivo, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path
    )
    linhas = ler_csv(convertido.read_bytes())
    assert len(linhas) == 75 * len(ciclos(demo))
    linha = next(
        li
        for li in linhas
        if (li["Ciclo"], li["Código da atividade"]) == (primeiro.codigo, "1.1.1")
    )
    assert linha["% executado"] == "20 %"
    assert linha["Relato publicado no ciclo"].upper() in ("TRUE", "VERDADEIRO")
    assert linha["Atrasada"].upper() in ("FALSE", "FALSO")

"""The files as outside tools read them: frictionless (the package and each
file alone), pandas (every format into the same values), and the details a
person sees in a spreadsheet (the Sobre sheet, Brazilian formats)."""

import hashlib
import io
import json
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal

import frictionless
import pandas as pd
import pytest
from openpyxl import load_workbook

from dados.conjuntos import CONJUNTOS
from monitoramento.demo import carregar_demo
from parceiros.demo import DEMO_CACHE_KEY

from .leitores import converter_com_libreoffice, ler_csv

FORMATOS = ("csv", "json", "xlsx", "ods")
FUSO = "America/Sao_Paulo"
NEUTRALIZADOS = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def baixar(client, caminho: str) -> bytes:
    resposta = client.get(caminho)
    assert resposta.status_code == 200, caminho
    return b"".join(resposta.streaming_content) if resposta.streaming else resposta.content


def extrair_zip(client, pasta):
    conteudo = baixar(client, "/dados/dados-abertos.zip")
    with zipfile.ZipFile(io.BytesIO(conteudo)) as pacote:
        pacote.extractall(pasta)
        return conteudo, pacote.infolist()


def erros_de(relatorio) -> list:
    return [(t.name, e.type, e.note[:100]) for t in relatorio.tasks for e in t.errors][:20]


def test_frictionless_valida_o_pacote_com_restricoes_e_cada_arquivo_sozinho(
    client, historico, tmp_path, monkeypatch
):
    extrair_zip(client, tmp_path)
    relatorio = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert relatorio.valid, erros_de(relatorio)
    linhas = {t.name: t.stats["rows"] for t in relatorio.tasks if t.type == "table"}
    assert linhas["atividades"] == linhas["atividades-xlsx"] == linhas["atividades-ods"] == 75
    assert linhas["relatos"] == linhas["relatos-json"] == 3
    # Every data set in every format, and the public report of each closed cycle.
    assert len(relatorio.tasks) == len(CONJUNTOS) * 4 + 2
    for nome in CONJUNTOS:
        for formato in ("csv", "xlsx"):
            monkeypatch.chdir(tmp_path)  # frictionless reads relative paths only
            sozinho = frictionless.validate(f"{nome}.{formato}")
            assert sozinho.valid, (nome, formato, sozinho.flatten(["rowNumber", "type", "note"]))


def test_restricoes_recusam_dado_fora_do_dominio(client, historico, tmp_path):
    """The constraints are real: a bad value fails the validation."""
    extrair_zip(client, tmp_path)
    csv = (tmp_path / "relatos.csv").read_text(encoding="utf-8")
    (tmp_path / "relatos.csv").write_text(csv.replace(",concluida,", ",terminada,"), "utf-8")
    pacote = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    for recurso in pacote["resources"]:
        recurso.pop("hash", None), recurso.pop("bytes", None)
    (tmp_path / "datapackage.json").write_text(json.dumps(pacote), encoding="utf-8")
    relatorio = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert {e.type for t in relatorio.tasks for e in t.errors} == {"constraint-error"}


def _valor(tipo: str, valor, formato: str):
    """A cell as a Python value, by the column's schema type."""
    if valor is None or (not isinstance(valor, str) and pd.isna(valor)) or valor == "":
        return None
    if tipo == "integer":
        return int(valor)
    if tipo == "number":
        return Decimal(str(valor))
    if tipo == "boolean":
        return valor if isinstance(valor, bool) else {"true": True, "false": False}[valor]
    if tipo == "date":
        return valor.date() if isinstance(valor, datetime) else date.fromisoformat(str(valor))
    if tipo == "datetime":
        momento = pd.Timestamp(valor)
        if momento.tzinfo is None:  # spreadsheets: the documented zone
            momento = momento.tz_localize(FUSO)
        return momento.tz_convert("UTC").to_pydatetime()
    texto = str(valor)
    if formato == "csv" and texto.startswith(NEUTRALIZADOS):  # the declared rule
        texto = texto[1:]
    return texto


def como_no_ods(texto: str) -> str:
    """What ODS can hold of a text: pandas' ODS reader drops <text:tab/>
    (odfpy and LibreOffice keep it: test_arquivos reads it back), and ODF has
    one kind of line break, so a carriage return becomes a line feed."""
    return texto.replace("\t", "").replace("\r\n", "\n").replace("\r", "\n")


def ler_com_pandas(conteudo: bytes, formato: str, colunas) -> list[dict]:
    if formato == "csv":
        quadro = pd.read_csv(io.BytesIO(conteudo), dtype=str, keep_default_na=False)
    elif formato == "json":
        quadro = pd.read_json(io.BytesIO(conteudo), dtype=False, convert_dates=False)
    else:
        quadro = pd.read_excel(
            io.BytesIO(conteudo), engine="openpyxl" if formato == "xlsx" else "odf", dtype=object
        )
        quadro.columns = [c.nome for c in colunas]  # spreadsheets title columns for people
    return [
        {c.nome: _valor(c.tipo, linha[c.nome], formato) for c in colunas}
        for linha in quadro.to_dict("records")
    ]


@pytest.mark.parametrize("nome", list(CONJUNTOS))
def test_pandas_le_os_quatro_formatos_com_os_mesmos_valores(client, historico, nome):
    colunas = CONJUNTOS[nome].colunas
    lidos = {f: ler_com_pandas(baixar(client, f"/dados/{nome}.{f}"), f, colunas) for f in FORMATOS}
    assert lidos["csv"], nome
    for formato in ("json", "xlsx"):
        assert lidos[formato] == lidos["csv"], (nome, formato)
    esperado = [
        {k: como_no_ods(v) if isinstance(v, str) else v for k, v in linha.items()}
        for linha in lidos["csv"]
    ]
    obtido = [
        {k: como_no_ods(v) if isinstance(v, str) else v for k, v in linha.items()}
        for linha in lidos["ods"]
    ]
    assert obtido == esperado, nome


def test_mesmos_dados_dao_os_mesmos_bytes(client, historico):
    urls = [f"/dados/relatos.{f}" for f in FORMATOS] + [
        "/dados/atividades.xlsx",
        "/dados/dados-abertos.zip",
        "/dados/datapackage.json",
        "/dados/relatorios/i-paecm/2025.2.xlsx",
    ]
    primeiros = {url: baixar(client, url) for url in urls}
    time.sleep(2.1)  # zip entries keep the time to 2 s: "now" would show
    for url in urls:
        assert baixar(client, url) == primeiros[url], url


def test_datapackage_traz_tamanho_e_sha256_de_cada_arquivo(client, historico):
    pacote = client.get("/dados/datapackage.json").json()
    for recurso in pacote["resources"]:
        conteudo = baixar(client, recurso["path"].removeprefix("http://testserver"))
        soma = hashlib.sha256(conteudo).hexdigest()
        assert recurso["integridade"] == {"bytes": len(conteudo), "sha256": soma}
        if recurso["format"] == "csv":  # the standard keys, which frictionless checks
            assert (recurso["bytes"], recurso["hash"]) == (len(conteudo), f"sha256:{soma}")
    assert {r["format"] for r in pacote["resources"]} == set(FORMATOS)


def test_datapackage_traz_metadados_versao_e_regra_do_apostrofo(client, historico):
    pacote = client.get("/dados/datapackage.json").json()
    assert pacote["version"] == pacote["changelog"][0]["version"] == "2.2.0"
    assert pacote["changelog"][0]["date"] == "2026-12-03"
    assert pacote["contributors"][0]["role"] == "publisher"
    assert "CGETP" in pacote["contributors"][0]["title"]
    assert pacote["keywords"] and pacote["temporalCoverage"] == {
        "start": "2024-01-01",
        "end": "2029-12-31",
    }
    assert pacote["accrualPeriodicity"].endswith("continuous")
    csv = next(r for r in pacote["resources"] if r["name"] == "relatos")
    assert "apóstrofo" in csv["neutralizacaoDeFormulas"]
    assert "apóstrofo" in pacote["description"]
    relatos = {c["name"]: c for c in csv["schema"]["fields"]}
    assert {"concluida", "em_andamento", "atrasada"} <= set(
        relatos["situacao"]["constraints"]["enum"]
    )
    assert relatos["atividade_codigo"]["constraints"]["required"] is True
    assert {
        "fields": "instituicao",
        "reference": {"resource": "instituicoes", "fields": "instituicao"},
    } in csv["schema"]["foreignKeys"]
    assert not any("excel" in r["path"] for r in pacote["resources"])


def test_zip_tem_tudo_com_data_fixa(client, historico, tmp_path):
    _, entradas = extrair_zip(client, tmp_path)
    nomes = {e.filename for e in entradas}
    assert nomes == {"datapackage.json"} | {f"{n}.{f}" for n in CONJUNTOS for f in FORMATOS} | {
        f"relatorios/i-paecm/{ciclo.codigo}.xlsx" for ciclo in historico["ciclos"]
    }
    assert len({e.date_time for e in entradas}) == 1
    pacote = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert pacote["resources"][0]["path"] == "atividades.csv"


def test_planilha_tem_folha_sobre_depois_dos_dados_e_formatos_brasileiros(client, historico):
    url = "/dados/atividades.xlsx?objetivo=1&situacao=em_andamento"
    livro = load_workbook(io.BytesIO(baixar(client, url)))
    assert livro.sheetnames == ["atividades", "Sobre"]
    sobre = {linha[0].value: linha[1].value for linha in livro["Sobre"].iter_rows()}
    assert sobre["Endereço"] == f"http://testserver{url}"
    assert sobre["Página"] == "http://testserver/plano/?objetivo=1&situacao=em_andamento"
    assert "Objetivo específico: 1" in sobre["Filtros aplicados"]
    assert "Situação: Em andamento" in sobre["Filtros aplicados"]
    assert "Creative Commons" in sobre["Licença"] and "CGETP" in sobre["Fonte"]
    assert "horário de Brasília" in sobre["Dados de"]
    folha = livro["atividades"]
    titulos = [c.value for c in folha[1]]
    linha = next(r for r in folha.iter_rows(min_row=2) if r[5].value == "1.1.1")
    percentual = linha[titulos.index("% executado")]
    assert percentual.value == 45 and percentual.number_format == '0" %"'
    assert linha[titulos.index("Atividade")].alignment.wrap_text
    ciclos = load_workbook(io.BytesIO(baixar(client, "/dados/ciclos.xlsx")))["ciclos"]
    assert ciclos["C2"].number_format == "dd/mm/yyyy"


def test_ods_tem_folha_sobre_e_mostra_datas_e_percentual_como_no_brasil(client, historico):
    from .leitores import ler_ods  # noqa: PLC0415

    conteudo = baixar(client, "/dados/relatos.ods")
    folhas = pd.read_excel(io.BytesIO(conteudo), engine="odf", sheet_name=None)
    assert list(folhas) == ["relatos", "Sobre"]
    linhas = ler_ods(conteudo)
    assert b"45 %" in zipfile.ZipFile(io.BytesIO(conteudo)).read("content.xml")
    assert b"<text:p>01/01/2025</text:p>" in zipfile.ZipFile(
        io.BytesIO(baixar(client, "/dados/ciclos.ods"))
    ).read("content.xml")
    assert linhas[0][0] == ("string", "Identificador")


def test_quebras_de_linha_sobrevivem_no_ods_aberto_pelo_libreoffice(client, historico, tmp_path):
    arquivo = tmp_path / "relatos.ods"
    arquivo.write_bytes(baixar(client, "/dados/relatos.ods"))
    convertido = converter_com_libreoffice(arquivo, "xlsx", tmp_path)
    folha = load_workbook(convertido).worksheets[0]
    coluna = [c.value for c in folha[1]].index("O que foi feito") + 1
    textos = [c.value for c in next(folha.iter_cols(min_col=coluna, max_col=coluna))]
    assert any("-1+2\n@SOMA(1;2)\n" in t for t in textos), textos


def test_csv_para_excel_tem_bom_ponto_e_virgula_e_datas_brasileiras(client, historico):
    conteudo = baixar(client, "/dados/ciclos.excel.csv")
    assert conteudo.startswith("\ufeff".encode())
    texto = conteudo.decode("utf-8-sig")
    assert texto.splitlines()[0].startswith("Ciclo;Plano;Início do período;")
    assert "2025.2;I PAECM;01/07/2025;31/12/2025;" in texto
    # The standard CSV stays as it was, for machines.
    assert baixar(client, "/dados/ciclos.csv").startswith(b"ciclo,plano,inicio,")
    pagina = client.get("/dados/").content.decode()
    assert 'href="/dados/ciclos.excel.csv"' in pagina and "CSV para Excel" in pagina


def test_pagina_de_dados_tem_versao_mudancas_e_json_ld(client, historico):
    import re

    pagina = client.get("/dados/").content.decode()
    assert 'id="versoes"' in pagina and "2.2.0" in pagina and "03/12/2026" in pagina
    bloco = re.search(r'<script type="application/ld\+json">(.*?)</script>', pagina, re.S)
    dados = json.loads(bloco.group(1))
    assert dados["@type"] == "Dataset" and dados["version"] == "2.2.0"
    assert dados["publisher"]["name"].startswith("Coordenação-Geral")
    urls = {d["contentUrl"] for d in dados["distribution"]}
    assert "http://testserver/dados/relatos.csv" in urls
    assert "http://testserver/dados/dados-abertos.zip" in urls


def test_robots_e_sitemap(client, historico):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and "Disallow: /portal/" in robots
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml")
    assert sitemap["Content-Type"] == "application/xml"
    corpo = sitemap.content.decode()
    for caminho in (
        "/",
        "/plano/",
        "/plano/1.1.1/",
        "/plano/4/",
        "/dados/",
        "/parceiros/pf/",
        "/plano/alteracoes/",
    ):
        assert f"<loc>http://testserver{caminho}</loc>" in corpo, caminho
    assert "/admin/" not in corpo and "/portal/" not in corpo


def test_linhas_de_demonstracao_marcadas_enquanto_a_demo_esta_carregada(client, plano):
    def ler(nome):
        return ler_csv(baixar(client, f"/dados/{nome}.csv"))

    assert {v["demonstracao"] for v in ler("vinculos")} == {"false"}
    carregar_demo()
    from django.core.cache import cache

    cache.delete(DEMO_CACHE_KEY)
    relatos, ciclos = ler("relatos"), ler("ciclos")
    assert relatos and {r["demonstracao"] for r in relatos} == {"true"}
    assert {c["demonstracao"] for c in ciclos} == {"true"}
    vinculos = {
        (v["atividade_codigo"], v["instituicao"]): v["demonstracao"] for v in ler("vinculos")
    }
    assert vinculos[("2.1.1", "pf")] == "true"  # a fictional link of the demo
    assert vinculos[("1.1.1", "pf")] == "false"  # the plan's own
    assert {i["demonstracao"] for i in ler("instituicoes")} == {"false"}
    atividades = {a["atividade_codigo"]: a["demonstracao"] for a in ler("atividades")}
    assert atividades["1.1.1"] == "true" and atividades["4.6.2"] == "false"


def test_endereco_antigo_da_instituicao_com_sigla_redireciona(client, historico):
    for antigo in ("PF", "Pf"):
        resposta = client.get(f"/parceiros/{antigo}/")
        assert resposta.status_code == 301
        assert resposta["Location"] == "/parceiros/pf/"
    assert client.get("/parceiros/pf/").status_code == 200
    assert client.get("/parceiros/nada/").status_code == 404


@pytest.mark.demorado
@pytest.mark.parametrize("fator", [1, 10])
def test_descoberta_e_pacote_custam_consultas_fixas(client, historico, fator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    factories.ampliar_plano(plano=historico["ciclos"][0].plano, fator=fator)
    baixar(client, "/dados/ciclos.csv")  # warm the demo-flag cache, as in steady state

    def consultas(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        return len(ctx.captured_queries)

    assert consultas("/robots.txt") == 0
    # 1. the plan's version; 2. objectives; 3. actions; 4. activities; 5. institutions
    assert consultas("/sitemap.xml") == 5
    # 1. the plan's version; then, per data set and format, its rows (atividades:
    # + links; instituicoes, ciclos: one; relatos, evidencias, vinculos: one;
    # x 4; once for the four formats, alteracoes: the history of objectives,
    # actions, activities, links; serie: cycles, activities, reports,
    # deadlines, links (three), institutions); the closed cycles, and the
    # public report of each of the two (dados.relatorio: 8 queries each,
    # whatever the plan's size)
    pacote = consultas("/dados/datapackage.json")
    assert pacote == consultas("/dados/dados-abertos.zip") == 1 + 4 * 7 + 4 + 8 + 1 + 2 * 8

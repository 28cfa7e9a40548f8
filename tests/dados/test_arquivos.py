"""/dados/<conjunto>.<formato>: the files read back and checked against the database."""

import csv
import json
from datetime import datetime

import pytest

from dados.conjuntos import CONJUNTOS
from monitoramento.models import Atualizacao
from plano.models import Atividade

from .conftest import FORMULAS, NOMES, SEGREDOS, TEXTOS_PERIGOSOS
from .leitores import converter_com_libreoffice, ler_csv, ler_ods, ler_xlsx


def baixar(client, caminho: str) -> bytes:
    resposta = client.get(caminho)
    assert resposta.status_code == 200, caminho
    return b"".join(resposta.streaming_content) if resposta.streaming else resposta.content


def test_csv_de_atividades_tem_as_75_atividades_com_situacao_e_parceiros(client, historico):
    resposta = client.get("/dados/atividades.csv")
    assert resposta["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="atividades.csv"' in resposta["Content-Disposition"]
    linhas = ler_csv(b"".join(resposta.streaming_content))
    assert [x["atividade_codigo"] for x in linhas] == [
        a.codigo for a in Atividade.objects.em_ordem()
    ]
    linha = next(x for x in linhas if x["atividade_codigo"] == "1.1.1")
    assert linha["objetivo_codigo"] == "1" and linha["acao_codigo"] == "1.1"
    assert "parceiros" not in linha  # the links are a data set of their own
    vinculos = ler_csv(baixar(client, "/dados/vinculos.csv"))
    assert [v["instituicao_sigla"] for v in vinculos if v["atividade_codigo"] == "1.1.1"] == [
        "Agências Internacionais",
        "DPU",
        "MJSP",
        "MPF",
        "OSCs",
        "PF",
    ]
    assert {v["instituicao"] for v in vinculos} >= {"pf", "dpu", "mjsp"}
    assert (linha["situacao"], linha["situacao_rotulo"], linha["percentual"]) == (
        "em_andamento",
        "Em andamento",
        "45",
    )
    publicado = historico["publicados"][1].validado_em
    assert datetime.fromisoformat(linha["atualizado_em"]) == publicado.replace(microsecond=0)
    sem_relato = next(x for x in linhas if x["atividade_codigo"] == "4.6.2")
    assert (sem_relato["situacao"], sem_relato["percentual"]) == ("sem_informacao", "")


def test_csv_e_rfc_4180_utf8_com_crlf_e_aspas(client, historico):
    conteudo = baixar(client, "/dados/relatos.csv")
    assert conteudo.startswith(b"relato_id,ciclo,objetivo_codigo,")
    assert b"\r\n" in conteudo
    # A multi-line text is one quoted field.
    linhas = list(csv.reader(conteudo.decode("utf-8").splitlines(keepends=True)))
    assert len(linhas) == 1 + 3


def test_relatos_publicados_nao_trazem_rascunhos_devolvidos_nem_nomes(client, historico):
    for formato in ("csv", "json", "xlsx", "ods"):
        conteudo = baixar(client, f"/dados/relatos.{formato}")
        evidencias = baixar(client, f"/dados/evidencias.{formato}")
        if formato in ("csv", "json"):
            for segredo in [*SEGREDOS, *NOMES, "Falta a evidência", "Evidência do rascunho"]:
                assert segredo.encode() not in conteudo + evidencias, (formato, segredo)
    relatos = json.loads(baixar(client, "/dados/relatos.json"))
    assert sorted(r["relato_id"] for r in relatos) == sorted(r.pk for r in historico["publicados"])
    assert {k for r in relatos for k in r} == {c.nome for c in CONJUNTOS["relatos"].colunas}
    assert len(json.loads(baixar(client, "/dados/evidencias.json"))) == 2


def test_csv_neutraliza_formulas_com_apostrofo_e_mantem_numeros(client, historico):
    linhas = ler_csv(baixar(client, "/dados/relatos.csv"))
    r2 = next(x for x in linhas if x["relato_id"] == str(historico["publicados"][1].pk))
    assert r2["realizado"] == "'" + FORMULAS["realizado"]
    assert r2["restricoes"] == "'" + FORMULAS["restricoes"]
    assert r2["percentual"] == "45"
    r3 = next(x for x in linhas if x["relato_id"] == str(historico["publicados"][2].pk))
    assert r3["restricoes"] == "'-1+2"
    evidencias = ler_csv(baixar(client, "/dados/evidencias.csv"))
    assert "'=Relatório" in [e["titulo"] for e in evidencias]


def test_csv_de_ciclos_tem_datas_iso(client, historico):
    ciclos = ler_csv(baixar(client, "/dados/ciclos.csv"))
    assert [(c["ciclo"], c["inicio"], c["fim"], c["relatos_publicados"]) for c in ciclos] == [
        ("2025.1", "2025-01-01", "2025-06-30", "1"),
        ("2025.2", "2025-07-01", "2025-12-31", "2"),
    ]


def test_json_mantem_tipos(client, historico):
    atividades = json.loads(baixar(client, "/dados/atividades.json"))
    a = next(x for x in atividades if x["atividade_codigo"] == "1.2.1")
    assert a["percentual"] == 100 and a["situacao"] == "concluida"
    instituicoes = {i["sigla"]: i for i in json.loads(baixar(client, "/dados/instituicoes.json"))}
    assert instituicoes["PF"]["atividades"] == 4


def test_xlsx_guarda_texto_como_texto_e_numeros_como_numeros(client, historico):
    folha = ler_xlsx(baixar(client, "/dados/relatos.xlsx"))
    titulos = [c.value for c in folha[1]]
    assert titulos[:3] == ["Identificador", "Ciclo", "Código do objetivo"]
    assert folha.freeze_panes == "A2"
    assert folha.auto_filter.ref == "A1:O4"
    assert folha.max_row == 1 + 3
    col = {t: i for i, t in enumerate(titulos)}
    linha = next(
        r for r in folha.iter_rows(min_row=2) if r[0].value == historico["publicados"][1].pk
    )
    realizado = linha[col["O que foi feito"]]
    assert realizado.data_type == "s" and realizado.value == FORMULAS["realizado"]
    assert linha[col["% executado"]].value == 45
    assert isinstance(linha[col["Publicado em (horário de Brasília)"]].value, datetime)
    outra = next(
        r for r in folha.iter_rows(min_row=2) if r[0].value == historico["publicados"][2].pk
    )
    # Tab and carriage return survive as text.
    assert outra[col["O que foi feito"]].value == "\n".join(TEXTOS_PERIGOSOS)


def test_xlsx_congela_cabecalho_filtra_todas_as_linhas_e_guarda_datas(client, historico):
    folha = ler_xlsx(baixar(client, "/dados/ciclos.xlsx"))
    assert folha.freeze_panes == "A2"
    assert folha.auto_filter.ref == f"A1:{folha.cell(1, folha.max_column).column_letter}3"
    assert folha["A1"].font.b and folha["A1"].alignment.wrap_text
    titulos = [c.value for c in folha[1]]
    linha = next(r for r in folha.iter_rows(min_row=2) if r[0].value == "2025.2")
    inicio = linha[titulos.index("Início do período")]
    assert inicio.is_date and inicio.value == datetime(2025, 7, 1)
    assert linha[titulos.index("Relatos publicados")].value == 2


def test_ods_guarda_texto_como_texto_e_numeros_como_numeros(client, historico):
    linhas = ler_ods(baixar(client, "/dados/relatos.ods"))
    assert linhas[0][0] == ("string", "Identificador")
    assert len(linhas) == 1 + 3
    titulos = [v for _t, v in linhas[0]]
    col = {t: i for i, t in enumerate(titulos)}
    pk = float(historico["publicados"][1].pk)
    linha = next(x for x in linhas[1:] if x[0] == ("float", pk))
    assert linha[col["O que foi feito"]] == ("string", FORMULAS["realizado"])
    assert linha[col["% executado"]] == ("float", 45.0)
    assert linha[col["Publicado em (horário de Brasília)"]][0] == "date"
    outra = next(x for x in linhas[1:] if x[0] == ("float", float(historico["publicados"][2].pk)))
    # The tab survives; the carriage return becomes a line break.
    assert outra[col["O que foi feito"]] == (
        "string",
        "-1+2\n@SOMA(1;2)\n\tcom tabulação\n\ncom retorno",
    )


@pytest.mark.parametrize("formato", ["xlsx", "ods"])
def test_libreoffice_le_planilhas_sem_avaliar_formulas(client, historico, tmp_path, formato):
    arquivo = tmp_path / f"relatos.{formato}"
    arquivo.write_bytes(baixar(client, f"/dados/relatos.{formato}"))
    convertido = converter_com_libreoffice(
        arquivo, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path
    )
    linhas = ler_csv(convertido.read_bytes())
    linha = next(x for x in linhas if x["Identificador"] == str(historico["publicados"][1].pk))
    assert linha["O que foi feito"] == FORMULAS["realizado"]
    assert linha["Restrições e providências"] == FORMULAS["restricoes"]
    # Shown on the stored value, as a person reads it.
    assert linha["% executado"] == "45 %"
    outra = next(x for x in linhas if x["Identificador"] == str(historico["publicados"][2].pk))
    assert outra["Restrições e providências"] == "-1+2"
    assert outra["% executado"] == "100 %"


def test_datapackage_publicado_aponta_para_cada_arquivo(client, historico):
    pacote = client.get("/dados/datapackage.json").json()
    assert [r["path"] for r in pacote["resources"]] == [
        f"http://testserver/dados/{nome}.{formato}"
        for formato in ("csv", "json", "xlsx", "ods")
        for nome in CONJUNTOS
    ] + [f"http://testserver/dados/relatorios/i-paecm/{c}.xlsx" for c in ("2025.1", "2025.2")]
    campos = {c["name"]: c for c in pacote["resources"][0]["schema"]["fields"]}
    assert campos["percentual"]["type"] == "integer"
    assert campos["percentual"]["constraints"] == {"minimum": 0, "maximum": 100}


def test_get_condicional_responde_304_ate_publicar_novo_relato(client, historico):
    primeira = client.get("/dados/relatos.csv")
    etag, modificado = primeira["ETag"], primeira["Last-Modified"]
    assert client.get("/dados/relatos.csv", headers={"if-none-match": etag}).status_code == 304
    assert (
        client.get("/dados/relatos.csv", headers={"if-modified-since": modificado}).status_code
        == 304
    )
    # Another format or filter is another representation.
    assert client.get("/dados/relatos.json", headers={"if-none-match": etag}).status_code == 200
    # A draft changes nothing public; a publication does.
    enviada = Atualizacao.objects.get(estado="enviada")
    enviada.realizado = "outro rascunho"
    enviada.save()
    assert client.get("/dados/relatos.csv", headers={"if-none-match": etag}).status_code == 304
    from django.utils import timezone

    enviada.estado, enviada.validado_em = "publicada", timezone.now()
    enviada.save()
    nova = client.get("/dados/relatos.csv", headers={"if-none-match": etag})
    assert nova.status_code == 200 and nova["ETag"] != etag


def test_conjunto_ou_formato_inexistente_da_404(client, plano):
    assert client.get("/dados/usuarios.csv").status_code == 404
    assert client.get("/dados/relatos.exe").status_code == 404


def test_atividades_trazem_peso_e_prazo_original_e_alteracoes_e_um_conjunto(client, historico):
    from .conftest import MOTIVO_DO_PRAZO

    linhas = ler_csv(baixar(client, "/dados/atividades.csv"))
    atividade = next(x for x in linhas if x["atividade_codigo"] == "1.1.3")
    assert (atividade["prazo"], atividade["prazo_original"], atividade["peso"]) == (
        "2027-06-30",
        "2026-11-01",
        "1.00",
    )
    for formato in ("csv", "json", "xlsx", "ods"):
        baixar(client, f"/dados/alteracoes.{formato}")
    [alteracao] = ler_csv(baixar(client, "/dados/alteracoes.csv"))
    assert (
        alteracao["item_codigo"],
        alteracao["campo"],
        alteracao["valor_anterior"],
        alteracao["valor_novo"],
        alteracao["motivo"],
        alteracao["responsavel"],
    ) == ("1.1.3", "prazo", "01/11/2026", "30/06/2027", MOTIVO_DO_PRAZO, "CGETP")

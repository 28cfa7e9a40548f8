"""Point 2: no text a partner types breaks a published file. Arbitrary Unicode
(C0 controls, lone surrogates, U+FFFE/U+FFFF, astral characters, texts past
Excel's 32,767-character cell) goes through every writer and reads back with
openpyxl, odfpy, the csv and json modules, and LibreOffice."""

import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from comum.celulas import LIMITE_DA_CELULA, MARCA_DE_CORTE, limpar_celula, neutralizar
from dados.conjuntos import Coluna, Conjunto
from dados.formatos import gerar_csv, gerar_json, gravar_ods, gravar_xlsx
from dados.relatorio import celula as celula_do_relatorio
from plano.formatos import CSVSeguro, XLSXSeguro
from tests.dados.leitores import converter_com_libreoffice, ler_csv, ler_ods

HOSTIS = ["\x00", "\x01", "\x0b", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff", "\t", "\r", "\n"]
TEXTO = st.text(
    alphabet=st.one_of(st.sampled_from(HOSTIS), st.characters(exclude_categories=())),
    max_size=40,
)
PROPRIEDADE = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CONJUNTO = Conjunto(
    nome="teste",
    titulo="Teste",
    descricao="",
    chave=("texto",),
    colunas=(
        Coluna("texto", "Texto", "string", "", lambda r: r[0]),
        Coluna("fim", "Fim", "string", "", lambda r: r[1]),
    ),
    registros=lambda plano: [],
)
XML_VALIDO = re.compile("^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")


def unidades(texto: str) -> int:
    return len(texto.encode("utf-16-le", "surrogatepass")) // 2


def linhas(texto: str):
    return list(CONJUNTO.linhas([(texto, "fim")]))


def xlsx(texto: str) -> bytes:
    saida = io.BytesIO()
    gravar_xlsx(saida, titulo="T", folha="T", colunas=CONJUNTO.colunas, linhas=linhas(texto))
    return saida.getvalue()


def ods(texto: str) -> bytes:
    saida = io.BytesIO()
    gravar_ods(saida, titulo="T", folha="T", colunas=CONJUNTO.colunas, linhas=linhas(texto))
    return saida.getvalue()


def quebras(texto: str) -> str:
    """ODF has one line break element: CR, LF and CRLF all read back as LF."""
    return re.sub(r"\r\n|\r", "\n", texto)


@PROPRIEDADE
@given(TEXTO)
def test_limpeza_deixa_so_xml_valido_e_nada_mais_muda(texto):
    limpo = limpar_celula(texto)
    assert XML_VALIDO.match(limpo)
    assert limpo == "".join(c for c in texto if XML_VALIDO.match(c))
    assert limpar_celula(limpo) == limpo


def test_celula_longa_e_cortada_com_marca_visivel():
    for texto in ("a" * 40_000, "😀" * 20_000, "a" + "😀" * 16_384):
        cortado = limpar_celula(texto)
        assert unidades(cortado) <= LIMITE_DA_CELULA
        assert cortado.endswith(MARCA_DE_CORTE)
        assert "texto cortado" in cortado
    for exato in ("b" * LIMITE_DA_CELULA, "a" + "😀" * 16_383):
        assert limpar_celula(exato) == exato


@PROPRIEDADE
@given(TEXTO)
def test_xlsx_abre_no_openpyxl_com_o_texto_limpo(texto):
    folha = load_workbook(io.BytesIO(xlsx(texto))).worksheets[0]
    assert (folha["A2"].value or "") == limpar_celula(texto)
    assert folha["B2"].value == "fim"


@PROPRIEDADE
@given(TEXTO)
def test_ods_abre_no_odfpy_com_o_texto_limpo(texto):
    tabela = ler_ods(ods(texto))
    assert quebras(tabela[1][0][1]) == quebras(limpar_celula(texto))
    assert tabela[1][1] == ("string", "fim")


@PROPRIEDADE
@given(TEXTO)
def test_csv_e_json_trazem_o_mesmo_texto_limpo(texto):
    csv_ = b"".join(gerar_csv(CONJUNTO.colunas, linhas(texto)))
    assert ler_csv(csv_)[0] == {"texto": neutralizar(limpar_celula(texto)), "fim": "fim"}
    json_ = b"".join(gerar_json(CONJUNTO.colunas, linhas(texto)))
    assert json.loads(json_) == [{"texto": limpar_celula(texto), "fim": "fim"}]


@PROPRIEDADE
@given(TEXTO)
def test_relatorio_semestral_abre_no_openpyxl(texto):
    livro = Workbook(write_only=True)
    folha = livro.create_sheet("Relatos")
    folha.append([celula_do_relatorio(folha, texto), celula_do_relatorio(folha, "fim")])
    saida = io.BytesIO()
    livro.save(saida)
    lida = load_workbook(io.BytesIO(saida.getvalue())).worksheets[0]
    assert (lida["A1"].value or "") == limpar_celula(texto)
    assert lida["B1"].value == "fim"


@PROPRIEDADE
@given(TEXTO)
def test_exportacao_do_plano_no_admin_abre_no_openpyxl(texto):
    import tablib

    dados = tablib.Dataset(headers=["Código", "Texto"])
    dados.append(["1", texto])
    folha = load_workbook(io.BytesIO(XLSXSeguro().export_data(dados))).worksheets[0]
    assert (folha["B2"].value or "") == limpar_celula(texto)
    csv_ = CSVSeguro().export_data(dados)
    assert ler_csv(csv_.encode())[0]["Texto"] == neutralizar(limpar_celula(texto))


HOSTIL = "antes\ufffe\uffff\x00\x08\x0b\x0c\x1fdepois"
LONGO = "x" * 40_000


@pytest.mark.parametrize("formato", ["xlsx", "ods"])
def test_libreoffice_le_o_texto_limpo_e_todas_as_linhas(tmp_path, formato):
    """One conversion per format: the hostile cell is clean, the cut one is
    marked, and the row after them is still there (LibreOffice used to stop
    the sheet at the first illegal character)."""
    escrever = gravar_xlsx if formato == "xlsx" else gravar_ods
    arquivo = tmp_path / f"teste.{formato}"
    with arquivo.open("wb") as saida:
        escrever(
            saida,
            titulo="T",
            folha="T",
            colunas=CONJUNTO.colunas,
            linhas=list(CONJUNTO.linhas([(HOSTIL, "um"), (LONGO, "dois"), ("ok", "tres")])),
        )
    convertido = converter_com_libreoffice(
        arquivo, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path
    )
    lidas = ler_csv(convertido.read_bytes())
    assert [linha["Fim"] for linha in lidas] == ["um", "dois", "tres"]
    assert lidas[0]["Texto"] == "antesdepois"
    assert lidas[1]["Texto"].endswith(MARCA_DE_CORTE)
    assert len(lidas[1]["Texto"]) == LIMITE_DA_CELULA


@pytest.mark.django_db
def test_formulario_do_relato_recusa_caracteres_ilegais_com_mensagem_clara(
    client, parceiro_pf, ciclo, atividade_pf
):
    from django.urls import reverse

    from tests.monitoramento.conftest import dados_do_relato

    client.force_login(parceiro_pf)
    dados = dados_do_relato(restricoes="Faltou verba\ufffe.", novas=0)
    resposta = client.post(reverse("monitoramento:relatar", args=["2.1.1"]), dados)
    assert resposta.status_code == 200
    assert "caracteres invisíveis" in resposta.content.decode()
    assert "U+FFFE" in resposta.content.decode()
    assert not atividade_pf.atualizacoes.exists()
    dados["restricoes"] = "Faltou verba."
    resposta = client.post(reverse("monitoramento:relatar", args=["2.1.1"]), dados)
    assert resposta.status_code == 302
    assert atividade_pf.atualizacoes.get().restricoes == "Faltou verba."


@pytest.mark.django_db
def test_relato_publicado_com_caractere_ilegal_nao_quebra_os_arquivos(client, plano, pf):
    """A text saved around the form (older data, the admin, a script) is still
    cleaned in every published format."""
    from monitoramento.models import Atualizacao
    from plano.models import Atividade
    from tests import factories

    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.1"),
        instituicao=pf,
        ciclo=factories.criar_ciclo(plano=plano, codigo="2025.1"),
        autor=factories.criar_usuario(username="autor", instituicao=pf),
        estado=Atualizacao.Estado.PUBLICADA,
        realizado=HOSTIL.replace("\x00", ""),  # PostgreSQL cannot even store a NUL
        validador=factories.criar_usuario(username="val", is_staff=True),
    )
    folha = load_workbook(io.BytesIO(b"".join(client.get("/dados/relatos.xlsx").streaming_content)))
    valores = [c.value for c in folha.worksheets[0][2]]
    assert "antesdepois" in valores
    tabela = ler_ods(b"".join(client.get("/dados/relatos.ods").streaming_content))
    assert ("string", "antesdepois") in tabela[1]
    api = client.get("/api/v1/relatos/").json()["resultados"][0]
    assert api["realizado"] == "antesdepois"

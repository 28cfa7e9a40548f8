"""Exports that never run a formula, hostile uploads refused before parsing,
and who may import or export at all."""

import csv
import io
import zipfile
from decimal import Decimal
from unittest import mock

import pytest
from openpyxl import load_workbook

from plano.formatos import CSVSeguro, XLSXSeguro
from plano.importacao import LINHAS_MAXIMAS
from plano.models import Atividade, ImportacaoDoPlano

from .conftest import CSV, XLSX, exportar, planilha_xlsx, previa

# Text that a spreadsheet would run as a formula, put in six activities.
PERIGOSOS = {
    "1.1.2": "=1+1",
    "1.1.3": "+55 61 2025",
    "1.1.4": "-SOMA(A1)",
    "1.2.1": "@SUM(A1)",
    "1.2.2": "\tTAB",
    "1.2.3": "\rCR",
}


@pytest.fixture
def logado(client, equipe):
    client.force_login(equipe)
    return client


@pytest.fixture
def textos_perigosos(plano):
    for codigo, texto in PERIGOSOS.items():
        Atividade.objects.filter(codigo=codigo).update(texto=texto)
    Atividade.objects.filter(codigo="1.1.2").update(peso=Decimal("2.5"))


def test_xlsx_guarda_textos_perigosos_como_texto_e_numeros_como_numeros(
    logado, plano, textos_perigosos
):
    resposta = exportar(logado, plano, formato=XLSX)
    assert resposta["Content-Type"].startswith("application/vnd.openxmlformats")
    folha = load_workbook(io.BytesIO(resposta.content)).active
    assert [c.value for c in folha[1]] == [
        "Código",
        "Texto",
        "Código superior",
        "Responsáveis",
        "Parceiras",
        "Prazo",
        "Peso",
        "Motivo",
    ]
    # The reason column is always exported empty: re-importing the file
    # never reuses an old reason.
    assert {linha[7].value for linha in folha.iter_rows(min_row=2)} <= {None, ""}
    linhas = {linha[0].value: linha for linha in folha.iter_rows(min_row=2)}
    for codigo, texto in PERIGOSOS.items():
        celula = linhas[codigo][1]
        # openpyxl with lxml (pinned) keeps a leading carriage return.
        assert celula.value == texto
        # A string, never a formula ("f"), and marked so Excel keeps it text.
        assert celula.data_type == "s"
        assert celula.quotePrefix
    peso = linhas["1.1.2"][6]
    assert (peso.value, peso.data_type) == (2.5, "n")
    assert linhas["1.1.1"][6].value == 1 and linhas["1.1.1"][6].data_type == "n"
    # The codes are text too: 1.10 must not become the number 1.1.
    assert linhas["1.1.1"][0].data_type == "s"
    assert not linhas["1.1.1"][0].quotePrefix


def test_csv_prefixa_com_apostrofo_textos_que_parecem_formula(logado, plano, textos_perigosos):
    resposta = exportar(logado, plano, formato=CSV)
    texto = resposta.content.decode("utf-8-sig")
    linhas = {linha[0]: linha for linha in csv.reader(io.StringIO(texto))}
    for codigo, perigoso in PERIGOSOS.items():
        assert linhas[codigo][1] == "'" + perigoso
    assert linhas["1.1.2"][6] == "2.5"
    assert linhas["1.1.1"][3:5] == ["", "MJSP; MPF; PF; DPU; Agências Internacionais; OSCs"]


def _xlsx_com_folha(xml: bytes) -> bytes:
    """A valid workbook whose first sheet is replaced by `xml`."""
    original = zipfile.ZipFile(io.BytesIO(planilha_xlsx([])))
    saida = io.BytesIO()
    with zipfile.ZipFile(saida, "w", zipfile.ZIP_DEFLATED) as novo:
        for entrada in original.infolist():
            dados = (
                xml if entrada.filename == "xl/worksheets/sheet1.xml" else original.read(entrada)
            )
            novo.writestr(entrada.filename, dados)
    return saida.getvalue()


def _folha(linhas: int) -> bytes:
    corpo = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, linhas + 1)
    )
    return (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:A2"/><sheetData>' + corpo + b"</sheetData></worksheet>"
    )


def _recusa(client, plano, conteudo, formato, mensagem):
    """Refused with the message before any row is parsed: the formats' readers
    must not even be called (checked, not timed)."""
    antes = Atividade.objects.count()

    def nao_ler(*args, **kwargs):
        raise AssertionError("the refused file was parsed")

    with (
        mock.patch.object(CSVSeguro, "create_dataset", nao_ler),
        mock.patch.object(XLSXSeguro, "create_dataset", nao_ler),
    ):
        resposta = previa(client, plano, conteudo, formato=formato)
    assert resposta.status_code == 200
    assert mensagem in resposta.context["form"].errors["import_file"][0]
    assert "result" not in resposta.context
    assert Atividade.objects.count() == antes
    assert not ImportacaoDoPlano.objects.exists()


def test_bomba_zip_e_recusada_antes_de_ser_lida(logado, plano):
    # 60 MB of zeros compress to about 60 KB.
    bomba = _xlsx_com_folha(b"<!--" + b"0" * (60 * 1024 * 1024) + b"-->")
    assert len(bomba) < 200_000
    _recusa(logado, plano, bomba, XLSX, "descompactado passaria de 50 MB")


def test_xlsx_com_linhas_demais_e_recusado_mesmo_mentindo_a_dimensao(logado, plano):
    _recusa(
        logado, plano, _xlsx_com_folha(_folha(LINHAS_MAXIMAS + 1)), XLSX, "passa de 20000 linhas"
    )


def _xlsx_com_folha_fora_do_lugar(xml: bytes, caminho: str) -> bytes:
    """A valid workbook whose only sheet lives at `caminho`, as the workbook's
    relationships and [Content_Types].xml say (openpyxl reads it there)."""
    original = zipfile.ZipFile(io.BytesIO(planilha_xlsx([])))
    saida = io.BytesIO()
    with zipfile.ZipFile(saida, "w", zipfile.ZIP_DEFLATED) as novo:
        for entrada in original.infolist():
            dados = original.read(entrada)
            if entrada.filename == "xl/worksheets/sheet1.xml":
                novo.writestr(caminho, xml)
                continue
            if entrada.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                dados = dados.replace(b"/xl/worksheets/sheet1.xml", b"/" + caminho.encode())
                dados = dados.replace(b"worksheets/sheet1.xml", b"/" + caminho.encode())
            novo.writestr(entrada.filename, dados)
    return saida.getvalue()


def test_folha_fora_de_xl_worksheets_tambem_conta_linhas(logado, plano):
    """Point 13: a 25,000-row sheet at xl/outra/folha.xml used to pass the guard."""
    folha_honesta = _folha(25_000).replace(b'ref="A1:A2"', b'ref="A1:A25000"')
    bomba = _xlsx_com_folha_fora_do_lugar(folha_honesta, "xl/outra/folha.xml")
    folha = load_workbook(io.BytesIO(bomba), read_only=True).worksheets[0]
    assert sum(1 for _linha in folha.iter_rows()) == 25_000  # what openpyxl would read
    _recusa(logado, plano, bomba, XLSX, "passa de 20000 linhas")
    pequena = _xlsx_com_folha_fora_do_lugar(_folha(10), "xl/outra/folha.xml")
    assert "import_file" not in previa(logado, plano, pequena, formato=XLSX).context["form"].errors


def test_arquivo_grande_demais_e_recusado(logado, plano):
    _recusa(logado, plano, b"a" * (10 * 1024 * 1024 + 1), CSV, "passa de 10 MB")


@pytest.mark.parametrize(
    ("conteudo", "formato", "mensagem"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, XLSX, "não é uma planilha XLSX"),
        (b"PK\x03\x04 zip quebrado", XLSX, "não é uma planilha XLSX"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, CSV, "não é uma planilha CSV"),
        ("Código;Texto".encode("latin-1") + b"\xe7\xe3", CSV, "não é uma planilha CSV"),
    ],
)
def test_arquivo_que_nao_e_planilha_e_recusado(logado, plano, conteudo, formato, mensagem):
    _recusa(logado, plano, conteudo, formato, mensagem)


def test_zip_que_nao_e_planilha_e_recusado(logado, plano):
    saida = io.BytesIO()
    with zipfile.ZipFile(saida, "w") as arquivo:
        arquivo.writestr("leia-me.txt", "não sou planilha")
    _recusa(logado, plano, saida.getvalue(), XLSX, "não é uma planilha XLSX")


URLS = [
    ("get", "/admin/plano/plano/import/"),
    ("post", "/admin/plano/plano/process_import/"),
    ("get", "/admin/plano/plano/export/"),
    ("post", "/admin/plano/plano/export/"),
]


@pytest.mark.parametrize(("metodo", "url"), URLS)
def test_anonimo_vai_para_o_login(client, plano, metodo, url):
    resposta = getattr(client, metodo)(url)
    assert resposta.status_code == 302
    assert "/admin/login/" in resposta["Location"]


@pytest.mark.parametrize(("metodo", "url"), URLS)
def test_staff_sem_a_permissao_explicita_nao_importa_nem_exporta(
    client, plano, staff_sem_permissao, metodo, url
):
    client.force_login(staff_sem_permissao)
    assert getattr(client, metodo)(url, {"plano": plano.pk, "format": "0"}).status_code == 403
    lista = client.get("/admin/plano/plano/").content.decode()
    assert "/admin/plano/plano/import/" not in lista
    assert "/admin/plano/plano/export/" not in lista


def test_equipe_cgetp_tem_a_permissao_de_importar_e_exportar(logado, plano):
    lista = logado.get("/admin/plano/plano/").content.decode()
    assert "/admin/plano/plano/import/" in lista
    assert "/admin/plano/plano/export/" in lista
    assert logado.get("/admin/plano/plano/import/").status_code == 200
    assert logado.get("/admin/plano/plano/export/").status_code == 200
    resposta = exportar(logado, plano)
    assert resposta.status_code == 200
    assert resposta["Content-Disposition"].startswith('attachment; filename="Plano-')

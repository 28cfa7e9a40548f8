"""Checks that refuse a hostile spreadsheet before anything parses it.

openpyxl inflates the whole sheet to read it: a 2.6 MB zip bomb took four
minutes and 1 GB of memory in the stock import path. These checks read only
the zip's directory and stream the worksheets' XML counting rows, so they
finish in well under a second whatever the file holds.
"""

import codecs
import csv
import io
import re
import zipfile

from django.core.exceptions import ValidationError
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_WORKBOOK, XLSM, XLSX, XLTM, XLTX
from openpyxl.xml.functions import fromstring

TAMANHO_MAXIMO = 10 * 1024 * 1024  # bytes of the uploaded file
DESCOMPACTADO_MAXIMO = 50 * 1024 * 1024  # bytes of an XLSX's content, uncompressed
LINHAS_MAXIMAS = 20_000
# Content types of a workbook part, in the order openpyxl looks for them.
TIPOS_DE_LIVRO = (XLTM, XLTX, XLSM, XLSX)

# A worksheet row element, with or without a namespace prefix (<row …>, <x:row>).
_LINHA_XML = re.compile(rb"<(?:\w+:)?row[\s>/]")
_PEDACO = 1024 * 1024


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


def verificar_planilha(conteudo: bytes, formato: str) -> None:
    """Raise ValidationError unless `conteudo` is a plausible spreadsheet of
    `formato` ("xlsx" or "csv") within the size and row limits."""
    if len(conteudo) > TAMANHO_MAXIMO:
        raise ValidationError(f"O arquivo passa de {_mb(TAMANHO_MAXIMO)}.")
    if formato == "xlsx":
        _verificar_xlsx(conteudo)
    else:
        _verificar_csv(conteudo)


def _verificar_xlsx(conteudo: bytes) -> None:
    nao_e_planilha = ValidationError("O arquivo não é uma planilha XLSX.")
    try:
        arquivo = zipfile.ZipFile(io.BytesIO(conteudo))
    except zipfile.BadZipFile:
        raise nao_e_planilha from None
    with arquivo:
        entradas = arquivo.infolist()
        nomes = {entrada.filename for entrada in entradas}
        if "[Content_Types].xml" not in nomes:
            raise nao_e_planilha
        # zipfile never inflates an entry beyond the size its directory
        # declares, so this sum bounds what reading the file can cost.
        if sum(entrada.file_size for entrada in entradas) > DESCOMPACTADO_MAXIMO:
            raise ValidationError(
                f"O conteúdo da planilha descompactado passaria de {_mb(DESCOMPACTADO_MAXIMO)}."
            )
        folhas = folhas_referenciadas(arquivo) | {
            nome for nome in nomes if nome.startswith("xl/worksheets/") and nome.endswith(".xml")
        }
        if not folhas <= nomes:
            raise nao_e_planilha
        if sum(_contar_linhas_xml(arquivo, folha) for folha in sorted(folhas)) > LINHAS_MAXIMAS:
            raise ValidationError(f"A planilha passa de {LINHAS_MAXIMAS} linhas.")


def folhas_referenciadas(arquivo: zipfile.ZipFile) -> set[str]:
    """Every worksheet the workbook references, found as openpyxl finds them:
    the workbook part named in [Content_Types].xml, then its relationships,
    whatever folder they point to (a sheet at xl/outra/folha.xml counts too)."""
    try:
        manifesto = Manifest.from_tree(fromstring(arquivo.read(ARC_CONTENT_TYPES)))
        parte = next(
            (p for tipo in TIPOS_DE_LIVRO if (p := manifesto.find(tipo)) is not None), None
        )
        nome = parte.PartName[1:] if parte is not None else ARC_WORKBOOK
        leitor = WorkbookParser(arquivo, nome)
        leitor.parse()
        return {relacao.target for _folha, relacao in leitor.find_sheets()}
    except Exception:  # noqa: BLE001 - any malformed part: not a spreadsheet we read
        raise ValidationError("O arquivo não é uma planilha XLSX.") from None


def _contar_linhas_xml(arquivo: zipfile.ZipFile, entrada: str) -> int:
    """Count <row> elements by streaming the sheet's XML, without parsing it;
    stop as soon as the limit is passed. The sheet's <dimension> is not
    trusted: whoever wrote the file chose it."""
    linhas = 0
    resto = b""
    try:
        with arquivo.open(entrada) as xml:
            while pedaco := xml.read(_PEDACO):
                bloco = resto + pedaco
                # A tag cut by the chunk's end goes on to the next chunk, so
                # it is counted once.
                corte = bloco.rfind(b"<", max(0, len(bloco) - 64))
                if corte == -1:
                    corte = len(bloco)
                linhas += len(_LINHA_XML.findall(bloco, 0, corte))
                resto = bloco[corte:]
                if linhas > LINHAS_MAXIMAS:
                    return linhas
            linhas += len(_LINHA_XML.findall(resto))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        raise ValidationError("O arquivo não é uma planilha XLSX.") from None
    return linhas


def _verificar_csv(conteudo: bytes) -> None:
    nao_e_planilha = ValidationError("O arquivo não é uma planilha CSV em UTF-8.")
    if b"\x00" in conteudo[:_PEDACO]:
        raise nao_e_planilha
    try:
        texto = codecs.decode(conteudo, "utf-8-sig")
    except UnicodeDecodeError:
        raise nao_e_planilha from None
    try:
        for numero, _linha in enumerate(csv.reader(io.StringIO(texto)), start=1):
            if numero > LINHAS_MAXIMAS:
                raise ValidationError(f"A planilha passa de {LINHAS_MAXIMAS} linhas.")
    except csv.Error:
        raise nao_e_planilha from None

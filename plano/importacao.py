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

TAMANHO_MAXIMO = 10 * 1024 * 1024  # bytes of the uploaded file
DESCOMPACTADO_MAXIMO = 50 * 1024 * 1024  # bytes of an XLSX's content, uncompressed
LINHAS_MAXIMAS = 20_000

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
        if not {"[Content_Types].xml", "xl/workbook.xml"} <= nomes:
            raise nao_e_planilha
        # zipfile never inflates an entry beyond the size its directory
        # declares, so this sum bounds what reading the file can cost.
        if sum(entrada.file_size for entrada in entradas) > DESCOMPACTADO_MAXIMO:
            raise ValidationError(
                f"O conteúdo da planilha descompactado passaria de {_mb(DESCOMPACTADO_MAXIMO)}."
            )
        folhas = [
            entrada
            for entrada in entradas
            if entrada.filename.startswith("xl/worksheets/") and entrada.filename.endswith(".xml")
        ]
        if sum(_contar_linhas_xml(arquivo, folha) for folha in folhas) > LINHAS_MAXIMAS:
            raise ValidationError(f"A planilha passa de {LINHAS_MAXIMAS} linhas.")


def _contar_linhas_xml(arquivo: zipfile.ZipFile, entrada: zipfile.ZipInfo) -> int:
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

"""Writers for the open-data formats, with bounded memory.

CSV and JSON are generators of bytes (StreamingHttpResponse sends them as they
come). XLSX (openpyxl write-only mode) and ODS (written here, straight into
the zip, row by row) go to a temporary file that FileResponse then streams:
neither format can be sent before its last row is known.

No spreadsheet formula can be injected: text stays text in every format. In
CSV, which has no types, a text starting with one of PERIGOSOS is prefixed
with an apostrophe, as OWASP advises; XLSX and ODS store it as a string cell.
Numbers, dates and datetimes keep their own types everywhere.
"""

import csv
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .conjuntos import Coluna

PERIGOSOS = ("=", "+", "-", "@", "\t", "\r")
AUTOR = "Painel de Monitoramento do I PAECM (MJSP/CGETP)"
TIPOS_DE_CONTEUDO = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# Rows written per chunk of a stream.
LINHAS_POR_BLOCO = 500
# Texts as long as a paragraph get wide, wrapped columns.
COLUNAS_LONGAS = {"objetivo_texto", "acao_texto", "atividade_texto", "realizado", "restricoes"}

COR_CABECALHO = "1351B4"  # gov.br blue
FONTE_CABECALHO = Font(bold=True, color="FFFFFF")
FUNDO_CABECALHO = PatternFill("solid", start_color=COR_CABECALHO)
QUEBRA = Alignment(wrap_text=True, vertical="top")


def largura(coluna: Coluna) -> int:
    """Column width in characters."""
    if coluna.nome in COLUNAS_LONGAS:
        return 60
    if coluna.tipo == "string":
        return max(14, min(len(coluna.titulo) + 2, 40))
    return 20 if coluna.tipo == "datetime" else 14


def hora_local(valor: datetime) -> datetime:
    """A naive local datetime, as spreadsheets store them."""
    return timezone.localtime(valor).replace(tzinfo=None) if timezone.is_aware(valor) else valor


def sem_caracteres_ilegais(texto: str) -> str:
    """XML 1.0 forbids most control characters; tab, CR and LF stay."""
    return ILLEGAL_CHARACTERS_RE.sub("", texto)


# CSV ------------------------------------------------------------------------


def texto_csv(valor) -> str:
    if valor is None:
        return ""
    if isinstance(valor, str):
        return "'" + valor if valor.startswith(PERIGOSOS) else valor
    if isinstance(valor, bool):
        return "true" if valor else "false"
    if isinstance(valor, datetime):
        return timezone.localtime(valor).isoformat()
    if isinstance(valor, date):
        return valor.isoformat()
    return str(valor)  # int and Decimal: a dot for decimals


class _Eco:
    """A file whose write() returns what it was given, for csv.writer."""

    def write(self, valor: str) -> str:
        return valor


def gerar_csv(colunas: Sequence[Coluna], linhas: Iterable[list]) -> Iterator[bytes]:
    """RFC 4180: UTF-8, comma, CRLF, quotes only where needed; header of machine names."""
    escritor = csv.writer(_Eco(), lineterminator="\r\n")
    yield escritor.writerow([c.nome for c in colunas]).encode()
    bloco = []
    for linha in linhas:
        bloco.append(escritor.writerow([texto_csv(v) for v in linha]))
        if len(bloco) >= LINHAS_POR_BLOCO:
            yield "".join(bloco).encode()
            bloco.clear()
    if bloco:
        yield "".join(bloco).encode()


# JSON -----------------------------------------------------------------------


def valor_json(valor):
    if isinstance(valor, datetime):
        return timezone.localtime(valor).isoformat()
    if isinstance(valor, date):
        return valor.isoformat()
    if isinstance(valor, Decimal):
        return float(valor)
    raise TypeError(f"{type(valor).__name__} is not JSON serializable")


def json_de(dados) -> str:
    return json.dumps(dados, ensure_ascii=False, default=valor_json)


def gerar_json(colunas: Sequence[Coluna], linhas: Iterable[list]) -> Iterator[bytes]:
    """A JSON array of objects keyed by the columns' machine names."""
    nomes = [c.nome for c in colunas]
    yield b"["
    separador = "\n"
    bloco = []
    for linha in linhas:
        bloco.append(separador + json_de(dict(zip(nomes, linha, strict=True))))
        separador = ",\n"
        if len(bloco) >= LINHAS_POR_BLOCO:
            yield "".join(bloco).encode()
            bloco.clear()
    bloco.append("\n]\n")
    yield "".join(bloco).encode()


# XLSX -----------------------------------------------------------------------


def texto_xlsx(folha, valor):
    """Text always as a string cell. openpyxl would store "=…" as a formula and
    "#N/A" as an error, so those become explicit string cells (only those: a
    cell object per value would double the time of a large file)."""
    if valor is None:
        return None
    valor = sem_caracteres_ilegais(valor)
    if valor.startswith("=") or valor in ERROR_CODES:
        celula = WriteOnlyCell(folha, value=valor)
        celula.data_type = "s"
        return celula
    return valor


def conversores_xlsx(folha, colunas: Sequence[Coluna]) -> list:
    """Per column, what turns a value into a cell (None: the value as it is)."""

    def texto(valor):
        return texto_xlsx(folha, valor)

    def data_hora(valor):
        return hora_local(valor) if valor else None

    return [{"string": texto, "datetime": data_hora}.get(c.tipo) for c in colunas]


def cabecalho_xlsx(folha, titulos: Iterable[str]) -> list:
    celulas = []
    for titulo in titulos:
        celula = WriteOnlyCell(folha, value=titulo)
        celula.font = FONTE_CABECALHO
        celula.fill = FUNDO_CABECALHO
        celula.alignment = QUEBRA
        celulas.append(celula)
    return celulas


def gravar_xlsx(
    arquivo: IO[bytes],
    *,
    titulo: str,
    folha: str,
    colunas: Sequence[Coluna],
    linhas: Iterable[list],
) -> None:
    """One sheet, styled header frozen, a filter over every column."""
    livro = Workbook(write_only=True)
    livro.properties.title = titulo
    livro.properties.creator = AUTOR
    planilha = livro.create_sheet(folha[:31])
    for i, coluna in enumerate(colunas, start=1):
        planilha.column_dimensions[get_column_letter(i)].width = largura(coluna)
    planilha.freeze_panes = "A2"
    planilha.append(cabecalho_xlsx(planilha, (c.titulo for c in colunas)))
    conversores = conversores_xlsx(planilha, colunas)
    total = 1
    for linha in linhas:
        planilha.append([f(v) if f else v for f, v in zip(conversores, linha, strict=True)])
        total += 1
    planilha.auto_filter.ref = f"A1:{get_column_letter(len(colunas))}{total}"
    livro.save(arquivo)


# ODS ------------------------------------------------------------------------

ODS_TIPO = TIPOS_DE_CONTEUDO["ods"]
ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'office:version="1.3"'
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="{ODS_TIPO}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
ODS_ESTILOS_DOCUMENTO = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {ODS_NS}>'
    "<office:styles/></office:document-styles>"
)
ODS_ESTILOS_AUTOMATICOS = (
    '<number:date-style style:name="N-data"><number:year number:style="long"/>'
    '<number:text>-</number:text><number:month number:style="long"/>'
    '<number:text>-</number:text><number:day number:style="long"/></number:date-style>'
    '<number:date-style style:name="N-datahora"><number:year number:style="long"/>'
    '<number:text>-</number:text><number:month number:style="long"/>'
    '<number:text>-</number:text><number:day number:style="long"/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/></number:date-style>'
    '<style:style style:name="data" style:family="table-cell" style:data-style-name="N-data"/>'
    '<style:style style:name="datahora" style:family="table-cell" '
    'style:data-style-name="N-datahora"/>'
    '<style:style style:name="cabecalho" style:family="table-cell">'
    f'<style:table-cell-properties fo:background-color="#{COR_CABECALHO}" fo:wrap-option="wrap"/>'
    '<style:text-properties fo:font-weight="bold" fo:color="#ffffff"/></style:style>'
    '<style:style style:name="longo" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/></style:style>'
)
_QUEBRAS = re.compile(r"\r\n|\r|\n")
_ESPACOS = re.compile(r"(?<= ) +|^ +")


def _espacos(m: re.Match) -> str:
    return f'<text:s text:c="{len(m.group())}"/>'


_ESPECIAIS = re.compile(r"[\r\n\t]|^ |  ")


def paragrafo_ods(texto: str) -> str:
    """Text as ODF keeps it: line breaks, tabs and runs of spaces are
    elements, since XML collapses whitespace."""
    texto = sem_caracteres_ilegais(texto)
    if not _ESPECIAIS.search(texto):
        return f"<text:p>{escape(texto)}</text:p>"
    linhas = []
    for linha in _QUEBRAS.split(texto):
        linhas.append(_ESPACOS.sub(_espacos, escape(linha)).replace("\t", "<text:tab/>"))
    return "<text:p>" + "<text:line-break/>".join(linhas) + "</text:p>"


def celula_ods(valor, estilo: str = "") -> str:
    atributo_estilo = f' table:style-name="{estilo}"' if estilo else ""
    if valor is None or valor == "":
        return f"<table:table-cell{atributo_estilo}/>"
    if isinstance(valor, str):
        return (
            f'<table:table-cell{atributo_estilo} office:value-type="string">'
            f"{paragrafo_ods(valor)}</table:table-cell>"
        )
    if isinstance(valor, bool):
        texto = "true" if valor else "false"
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{texto}">'
            f"<text:p>{texto}</text:p></table:table-cell>"
        )
    if isinstance(valor, datetime):
        local = hora_local(valor).replace(microsecond=0)
        return (
            f'<table:table-cell table:style-name="datahora" office:value-type="date" '
            f'office:date-value="{local.isoformat()}"><text:p>{local:%Y-%m-%d %H:%M}</text:p>'
            "</table:table-cell>"
        )
    if isinstance(valor, date):
        return (
            f'<table:table-cell table:style-name="data" office:value-type="date" '
            f'office:date-value="{valor.isoformat()}"><text:p>{valor.isoformat()}</text:p>'
            "</table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="float" office:value="{valor}">'
        f"<text:p>{valor}</text:p></table:table-cell>"
    )


def gravar_ods(
    arquivo: IO[bytes],
    *,
    titulo: str,
    folha: str,
    colunas: Sequence[Coluna],
    linhas: Iterable[list],
) -> None:
    """An OpenDocument spreadsheet written straight into the zip, a block of
    rows at a time (odfpy would hold the whole document in memory)."""
    estilos_colunas = "".join(
        f'<style:style style:name="co{i}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{largura(c) * 0.2:.1f}cm"/>'
        "</style:style>"
        for i, c in enumerate(colunas)
    )
    estilos = ["longo" if c.nome in COLUNAS_LONGAS else "" for c in colunas]
    with zipfile.ZipFile(arquivo, "w", zipfile.ZIP_DEFLATED) as pacote:
        # The mimetype comes first, uncompressed, so tools can recognise the file.
        pacote.writestr(zipfile.ZipInfo("mimetype"), ODS_TIPO, compress_type=zipfile.ZIP_STORED)
        pacote.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        pacote.writestr(
            "meta.xml",
            f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {ODS_NS}>'
            f"<office:meta><dc:title>{escape(titulo)}</dc:title>"
            f"<meta:initial-creator>{escape(AUTOR)}</meta:initial-creator>"
            f"<dc:creator>{escape(AUTOR)}</dc:creator>"
            f"<dc:date>{timezone.now().replace(microsecond=0, tzinfo=None).isoformat()}</dc:date>"
            "</office:meta></office:document-meta>",
        )
        pacote.writestr("styles.xml", ODS_ESTILOS_DOCUMENTO)
        with pacote.open("content.xml", "w") as conteudo:
            cabecalho = "".join(celula_ods(c.titulo, "cabecalho") for c in colunas)
            conteudo.write(
                (
                    f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODS_NS}>'
                    f"<office:automatic-styles>{ODS_ESTILOS_AUTOMATICOS}{estilos_colunas}"
                    "</office:automatic-styles><office:body><office:spreadsheet>"
                    f"<table:table table:name={quoteattr(folha[:31])}>"
                    + "".join(
                        f'<table:table-column table:style-name="co{i}"/>'
                        for i in range(len(colunas))
                    )
                    + f"<table:table-header-rows><table:table-row>{cabecalho}</table:table-row>"
                    "</table:table-header-rows>"
                ).encode()
            )
            bloco = []
            for linha in linhas:
                bloco.append(
                    "<table:table-row>"
                    + "".join(celula_ods(v, e) for v, e in zip(linha, estilos, strict=True))
                    + "</table:table-row>"
                )
                if len(bloco) >= LINHAS_POR_BLOCO:
                    conteudo.write("".join(bloco).encode())
                    bloco.clear()
            bloco.append(
                "</table:table></office:spreadsheet></office:body></office:document-content>"
            )
            conteudo.write("".join(bloco).encode())

"""Writers for the open-data formats, with bounded memory.

CSV and JSON are generators of bytes (StreamingHttpResponse sends them as they
come). XLSX and ODS (both written here, straight into the zip, a block of rows
at a time) go to a temporary file that FileResponse then streams: neither
format can be sent before its last row is known.

No spreadsheet formula can be injected: text stays text in every format. In
CSV, which has no types, a text that would start a formula gets a leading
apostrophe, as OWASP advises (plano.resources.neutralizar, the rule the plan's
own spreadsheet follows); XLSX and ODS store it as a string cell (in XLSX
always an inline string, never a formula).
Numbers, dates and datetimes keep their own types everywhere.
"""

import csv
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from openpyxl.utils import get_column_letter

from comum.celulas import limpar_celula
from plano.resources import neutralizar

from .conjuntos import Coluna

AUTOR = "Painel de Monitoramento do I PAECM (MJSP/CGETP)"
TIPOS_DE_CONTEUDO = {
    "csv": "text/csv; charset=utf-8",
    "excel.csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# Rows written per chunk of a stream.
LINHAS_POR_BLOCO = 500
# Texts as long as a paragraph get wide, wrapped columns.
COLUNAS_LONGAS = {"objetivo_texto", "acao_texto", "atividade_texto", "realizado", "restricoes"}

COR_CABECALHO = "1351B4"  # gov.br blue


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


# Stamped on files when no data version is given: fixed, never "now".
MOMENTO_FIXO = datetime(2024, 1, 1)


def entrada_do_zip(nome: str, momento: datetime | None) -> zipfile.ZipInfo:
    """A zip entry stamped with the data version's time, never "now", so the
    same data always gives the same bytes."""
    local = hora_local(momento or MOMENTO_FIXO)
    carimbo = (
        max(local.year, 1980),
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
    )
    entrada = zipfile.ZipInfo(nome, date_time=carimbo)
    entrada.compress_type = zipfile.ZIP_DEFLATED
    entrada.external_attr = 0o644 << 16
    return entrada


def e_percentual(coluna: Coluna) -> bool:
    return coluna.nome == "percentual"


def escrever_em_blocos(entrada: IO[bytes], pedacos: Iterable[str]) -> int:
    """Writes the pieces of XML to a zip entry, LINHAS_POR_BLOCO at a time;
    returns how many there were."""
    bloco = []
    total = 0
    for pedaco in pedacos:
        bloco.append(pedaco)
        if len(bloco) >= LINHAS_POR_BLOCO:
            entrada.write("".join(bloco).encode())
            total += len(bloco)
            bloco.clear()
    entrada.write("".join(bloco).encode())
    return total + len(bloco)


# CSV ------------------------------------------------------------------------


def texto_csv(valor) -> str:
    if valor is None:
        return ""
    if isinstance(valor, str):
        return neutralizar(limpar_celula(valor))
    if isinstance(valor, bool):
        return "true" if valor else "false"
    if isinstance(valor, datetime):
        return timezone.localtime(valor).isoformat(timespec="seconds")
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


def texto_csv_excel(valor) -> str:
    """For Excel set to pt-BR: decimal comma, dd/mm/aaaa dates, sim/não."""
    if isinstance(valor, bool):
        return "sim" if valor else "não"
    if isinstance(valor, datetime):
        return f"{timezone.localtime(valor):%d/%m/%Y %H:%M:%S}"
    if isinstance(valor, date):
        return f"{valor:%d/%m/%Y}"
    if isinstance(valor, Decimal | float):
        return str(valor).replace(".", ",")
    return texto_csv(valor)


def gerar_csv_excel(colunas: Sequence[Coluna], linhas: Iterable[list]) -> Iterator[bytes]:
    """The "CSV para Excel" convenience download (not part of the data
    package): UTF-8 with a BOM, semicolons, decimal comma, Brazilian dates,
    headers for people. Formulas are neutralised as in the CSV."""
    escritor = csv.writer(_Eco(), delimiter=";", lineterminator="\r\n")
    yield ("\ufeff" + escritor.writerow([c.titulo for c in colunas])).encode()
    bloco = []
    for linha in linhas:
        bloco.append(escritor.writerow([texto_csv_excel(v) for v in linha]))
        if len(bloco) >= LINHAS_POR_BLOCO:
            yield "".join(bloco).encode()
            bloco.clear()
    if bloco:
        yield "".join(bloco).encode()


# JSON -----------------------------------------------------------------------


def valor_json(valor):
    if isinstance(valor, datetime):
        return timezone.localtime(valor).isoformat(timespec="seconds")
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

XLSX_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
XLSX_CONTENT_TYPES = (
    XLSX_XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
XLSX_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_RELS = (
    XLSX_XML
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{XLSX_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{XLSX_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
XLSX_RELS_LIVRO = (
    XLSX_XML
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{XLSX_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{XLSX_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{XLSX_REL}/worksheet" Target="worksheets/sheet2.xml"/>'
    "</Relationships>"
)
XLSX_APP = (
    XLSX_XML + "<Properties "
    'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Painel de Monitoramento do I PAECM</Application></Properties>"
)
XLSX_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# Cell formats (the s attribute of a cell): 0 default, 1 header, 2 date (dd/mm/aaaa),
# 3 datetime, 4 long text (wrapped), 5 percent shown on the stored value (45 -> "45 %").
XLSX_CABECALHO, XLSX_DATA, XLSX_DATA_HORA, XLSX_LONGO, XLSX_PERCENTUAL = 1, 2, 3, 4, 5
XLSX_ESTILOS = (
    f"{XLSX_XML}<styleSheet {XLSX_NS}>"
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/>'
    '<numFmt numFmtId="166" formatCode="0&quot; %&quot;"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font>'
    "</fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    f'<fill><patternFill patternType="solid"><fgColor rgb="FF{COR_CABECALHO}"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
EPOCA_XLSX = datetime(1899, 12, 30)


def texto_xlsx(texto: str) -> str:
    """Escaped for XML; a carriage return as a reference, since XML parsers
    turn a literal one into a line feed."""
    return escape(limpar_celula(texto)).replace("\r", "&#13;")


def celula_xlsx(referencia: str, valor, estilo: int = 0) -> str:
    """A cell whose type follows the value: text is always an inline string
    (never a formula), dates and datetimes are serial numbers with a date style."""
    atributo_estilo = f' s="{estilo}"' if estilo else ""
    if valor is None:
        # Written all the same: a row always has every column (readers that
        # stop at the last cell would see a short row).
        return f'<c r="{referencia}"{atributo_estilo}/>'
    if isinstance(valor, str):
        return (
            f'<c r="{referencia}"{atributo_estilo} t="inlineStr">'
            f'<is><t xml:space="preserve">{texto_xlsx(valor)}</t></is></c>'
        )
    if isinstance(valor, bool):
        return f'<c r="{referencia}" t="b"><v>{int(valor)}</v></c>'
    if isinstance(valor, datetime):
        serial = (hora_local(valor) - EPOCA_XLSX) / timedelta(days=1)
        return f'<c r="{referencia}" s="{XLSX_DATA_HORA}"><v>{serial!r}</v></c>'
    if isinstance(valor, date):
        serial = (valor - EPOCA_XLSX.date()).days
        return f'<c r="{referencia}" s="{XLSX_DATA}"><v>{serial}</v></c>'
    return f'<c r="{referencia}"{atributo_estilo}><v>{valor}</v></c>'


def estilo_xlsx(coluna: Coluna) -> int:
    if coluna.nome in COLUNAS_LONGAS:
        return XLSX_LONGO
    return XLSX_PERCENTUAL if e_percentual(coluna) else 0


def folha_sobre_xlsx(sobre: Sequence[tuple[str, str]]) -> str:
    linhas = "".join(
        f'<row r="{n}">{celula_xlsx(f"A{n}", rotulo, XLSX_CABECALHO)}'
        f"{celula_xlsx(f'B{n}', valor, XLSX_LONGO)}</row>"
        for n, (rotulo, valor) in enumerate(sobre, start=1)
    )
    return (
        f'{XLSX_XML}<worksheet {XLSX_NS}><cols><col min="1" max="1" width="24" customWidth="1"/>'
        '<col min="2" max="2" width="90" customWidth="1"/></cols>'
        f"<sheetData>{linhas}</sheetData></worksheet>"
    )


def gravar_xlsx(
    arquivo: IO[bytes],
    *,
    titulo: str,
    folha: str,
    colunas: Sequence[Coluna],
    linhas: Iterable[list],
    momento: datetime | None = None,
    sobre: Sequence[tuple[str, str]] = (),
) -> None:
    """A SpreadsheetML package written straight into the zip, a block of rows
    at a time: the data sheet first (styled header frozen, a filter over every
    column, Brazilian formats), then the "Sobre" sheet (openpyxl, even
    write-only, costs several times more per cell). Dates written into the
    file are the data version's (momento), so the same data gives the same bytes."""
    nome_folha = folha[:31]
    letras = [get_column_letter(i) for i in range(1, len(colunas) + 1)]
    estilos = [estilo_xlsx(c) for c in colunas]
    criado = hora_local(momento or MOMENTO_FIXO)
    if timezone.is_aware(momento or MOMENTO_FIXO):
        criado = timezone.localtime(momento).astimezone(UTC).replace(tzinfo=None)
    criado = criado.replace(microsecond=0).isoformat() + "Z"
    with zipfile.ZipFile(arquivo, "w", zipfile.ZIP_DEFLATED) as pacote:

        def escrever(nome: str, texto: str) -> None:
            pacote.writestr(entrada_do_zip(nome, momento), texto)

        escrever("[Content_Types].xml", XLSX_CONTENT_TYPES)
        escrever("_rels/.rels", XLSX_RELS)
        escrever(
            "docProps/core.xml",
            XLSX_XML + "<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(titulo)}</dc:title><dc:creator>{escape(AUTOR)}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{criado}</dcterms:created>'
            "</cp:coreProperties>",
        )
        escrever("docProps/app.xml", XLSX_APP)
        escrever("xl/_rels/workbook.xml.rels", XLSX_RELS_LIVRO)
        escrever("xl/styles.xml", XLSX_ESTILOS)
        escrever("xl/worksheets/sheet2.xml", folha_sobre_xlsx(sobre))
        larguras = "".join(
            f'<col min="{i}" max="{i}" width="{largura(c)}" customWidth="1"/>'
            for i, c in enumerate(colunas, start=1)
        )
        cabecalho = "".join(
            celula_xlsx(f"{letra}1", c.titulo, XLSX_CABECALHO)
            for letra, c in zip(letras, colunas, strict=True)
        )
        with pacote.open(entrada_do_zip("xl/worksheets/sheet1.xml", momento), "w") as planilha:
            planilha.write(
                (
                    XLSX_XML + f'<worksheet {XLSX_NS}><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                    f"</sheetView></sheetViews><cols>{larguras}</cols>"
                    f'<sheetData><row r="1">{cabecalho}</row>'
                ).encode()
            )
            total = 1 + escrever_em_blocos(
                planilha,
                (
                    f'<row r="{n}">'
                    + "".join(
                        celula_xlsx(f"{letra}{n}", v, e)
                        for letra, v, e in zip(letras, linha, estilos, strict=True)
                    )
                    + "</row>"
                    for n, linha in enumerate(linhas, start=2)
                ),
            )
            planilha.write(
                f'</sheetData><autoFilter ref="A1:{letras[-1]}{total}"/></worksheet>'.encode()
            )
        citado = nome_folha.replace("'", "''")
        area = f"'{citado}'!$A$1:${letras[-1]}${total}"
        escrever(
            "xl/workbook.xml",
            f"{XLSX_XML}<workbook {XLSX_NS} "
            f'xmlns:r="{XLSX_REL}"><sheets>'
            f'<sheet name={quoteattr(nome_folha)} sheetId="1" r:id="rId1"/>'
            '<sheet name="Sobre" sheetId="2" r:id="rId3"/></sheets>'
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{escape(area)}</definedName></definedNames></workbook>",
        )


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
    '<number:date-style style:name="N-data"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    '<number:text>/</number:text><number:year number:style="long"/></number:date-style>'
    '<number:date-style style:name="N-datahora"><number:day number:style="long"/>'
    '<number:text>/</number:text><number:month number:style="long"/>'
    '<number:text>/</number:text><number:year number:style="long"/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/></number:date-style>'
    '<number:number-style style:name="N-pct"><number:number number:decimal-places="0" '
    'number:min-integer-digits="1"/><number:text> %</number:text></number:number-style>'
    '<style:style style:name="pct" style:family="table-cell" style:data-style-name="N-pct"/>'
    '<style:style style:name="data" style:family="table-cell" style:data-style-name="N-data"/>'
    '<style:style style:name="datahora" style:family="table-cell" '
    'style:data-style-name="N-datahora"/>'
    '<style:style style:name="cabecalho" style:family="table-cell">'
    f'<style:table-cell-properties fo:background-color="#{COR_CABECALHO}" fo:wrap-option="wrap"/>'
    '<style:text-properties fo:font-weight="bold" fo:color="#ffffff"/></style:style>'
    '<style:style style:name="sobre-rotulo" style:family="table-column">'
    '<style:table-column-properties style:column-width="5cm"/></style:style>'
    '<style:style style:name="sobre-valor" style:family="table-column">'
    '<style:table-column-properties style:column-width="18cm"/></style:style>'
    '<style:style style:name="longo" style:family="table-cell">'
    '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/></style:style>'
)
_QUEBRAS = re.compile(r"\r\n|\r|\n")
_ESPACOS = re.compile(r"(?<= ) +|^ +")


def _espacos(m: re.Match) -> str:
    return f'<text:s text:c="{len(m.group())}"/>'


_ESPECIAIS = re.compile(r"[\r\n\t]|^ |  ")


def paragrafo_ods(texto: str) -> str:
    """Text as ODF keeps it: one paragraph per line (as LibreOffice writes a
    multi-line cell, and reads it back with its line breaks), tabs and runs
    of spaces as elements, since XML collapses whitespace."""
    texto = limpar_celula(texto)
    if not _ESPECIAIS.search(texto):
        return f"<text:p>{escape(texto)}</text:p>"
    linhas = []
    for linha in _QUEBRAS.split(texto):
        linhas.append(_ESPACOS.sub(_espacos, escape(linha)).replace("\t", "<text:tab/>"))
    return "".join(f"<text:p>{linha}</text:p>" for linha in linhas)


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
            f'office:date-value="{local.isoformat()}"><text:p>{local:%d/%m/%Y %H:%M}</text:p>'
            "</table:table-cell>"
        )
    if isinstance(valor, date):
        return (
            f'<table:table-cell table:style-name="data" office:value-type="date" '
            f'office:date-value="{valor.isoformat()}"><text:p>{valor:%d/%m/%Y}</text:p>'
            "</table:table-cell>"
        )
    if estilo == "pct":
        return (
            f'<table:table-cell table:style-name="pct" office:value-type="float" '
            f'office:value="{valor}"><text:p>{valor} %</text:p></table:table-cell>'
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
    momento: datetime | None = None,
    sobre: Sequence[tuple[str, str]] = (),
) -> None:
    """An OpenDocument spreadsheet written straight into the zip, a block of
    rows at a time (odfpy would hold the whole document in memory): the data
    table, then "Sobre". Its dates are the data version's (momento)."""
    estilos_colunas = "".join(
        f'<style:style style:name="co{i}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{largura(c) * 0.2:.1f}cm"/>'
        "</style:style>"
        for i, c in enumerate(colunas)
    )
    estilos = [
        "longo" if c.nome in COLUNAS_LONGAS else "pct" if e_percentual(c) else "" for c in colunas
    ]
    data = hora_local(momento or MOMENTO_FIXO).replace(microsecond=0).isoformat()
    with zipfile.ZipFile(arquivo, "w", zipfile.ZIP_DEFLATED) as pacote:
        # The mimetype comes first, uncompressed, so tools can recognise the file.
        tipo = entrada_do_zip("mimetype", momento)
        tipo.compress_type = zipfile.ZIP_STORED
        pacote.writestr(tipo, ODS_TIPO)

        def escrever(nome: str, texto: str) -> None:
            pacote.writestr(entrada_do_zip(nome, momento), texto)

        escrever("META-INF/manifest.xml", ODS_MANIFEST)
        escrever(
            "meta.xml",
            f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {ODS_NS}>'
            f"<office:meta><dc:title>{escape(titulo)}</dc:title>"
            f"<meta:initial-creator>{escape(AUTOR)}</meta:initial-creator>"
            f"<dc:creator>{escape(AUTOR)}</dc:creator>"
            f"<dc:date>{data}</dc:date>"
            "</office:meta></office:document-meta>",
        )
        escrever("styles.xml", ODS_ESTILOS_DOCUMENTO)
        with pacote.open(entrada_do_zip("content.xml", momento), "w") as conteudo:
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
            escrever_em_blocos(
                conteudo,
                (
                    "<table:table-row>"
                    + "".join(celula_ods(v, e) for v, e in zip(linha, estilos, strict=True))
                    + "</table:table-row>"
                    for linha in linhas
                ),
            )
            sobre_ods = "".join(
                f"<table:table-row>{celula_ods(rotulo, 'cabecalho')}{celula_ods(valor, 'longo')}"
                "</table:table-row>"
                for rotulo, valor in sobre
            )
            conteudo.write(
                (
                    '</table:table><table:table table:name="Sobre">'
                    '<table:table-column table:style-name="sobre-rotulo"/>'
                    '<table:table-column table:style-name="sobre-valor"/>'
                    f"{sobre_ods or '<table:table-row><table:table-cell/></table:table-row>'}"
                    "</table:table></office:spreadsheet></office:body></office:document-content>"
                ).encode()
            )

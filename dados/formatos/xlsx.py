"""XLSX written straight into the zip, a block of rows at a time (ADR 0007):
text always an inline string, never a formula; numbers and dates typed."""

import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

from comum.celulas import limpar_celula

from ..conjuntos import Coluna
from .base import (
    AUTOR,
    COLUNAS_LONGAS,
    COR_CABECALHO,
    e_percentual,
    em_utc,
    entrada_do_zip,
    escrever_em_blocos,
    hora_local,
    largura,
)

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
    criado = em_utc(momento).isoformat() + "Z"
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

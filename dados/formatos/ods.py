"""ODS written straight into the zip, a block of rows at a time (ADR 0007):
text always a string cell; numbers and dates typed; one paragraph per line."""

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from comum.celulas import limpar_celula

from ..conjuntos import Coluna
from .base import (
    AUTOR,
    COLUNAS_LONGAS,
    COR_CABECALHO,
    MOMENTO_FIXO,
    TIPOS_DE_CONTEUDO,
    e_percentual,
    entrada_do_zip,
    escrever_em_blocos,
    hora_local,
    largura,
)

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
        # The text as LibreOffice writes it (readers such as pandas take it).
        texto = "true" if valor else "false"
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{texto}">'
            f"<text:p>{texto.upper()}</text:p></table:table-cell>"
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

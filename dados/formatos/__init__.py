"""The open-data file formats, one module each (ADR 0007). Every writer has
bounded memory: CSV and JSON are generators of bytes that
StreamingHttpResponse sends as they come; XLSX and ODS go to a temporary
file that FileResponse then streams, since neither can be sent before its
last row is known. No spreadsheet formula can be injected in any of them."""

from .base import AUTOR, COR_CABECALHO, TIPOS_DE_CONTEUDO, ZipDeDataFixa, em_utc, hora_local
from .csv import gerar_csv, gerar_csv_excel
from .json import gerar_json, json_de
from .ods import gravar_ods
from .xlsx import gravar_xlsx

__all__ = [
    "AUTOR",
    "COR_CABECALHO",
    "TIPOS_DE_CONTEUDO",
    "ZipDeDataFixa",
    "em_utc",
    "gerar_csv",
    "gerar_csv_excel",
    "gerar_json",
    "gravar_ods",
    "gravar_xlsx",
    "hora_local",
    "json_de",
]

"""The file formats of the admin's plan import and export: CSV and XLSX whose
text cells never become formulas (comum.celulas), and a CSV reader that takes
the "," or ";" separator (what Excel writes in Portuguese)."""

from io import BytesIO

import tablib
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from comum.celulas import INICIOS_PERIGOSOS, limpar_celula, neutralizar
from comum.celulas import celula as celula_limpa


class CSVSeguro(base_formats.CSV):
    """CSV whose text cells never start a formula in a spreadsheet. Reads
    files separated by "," or by ";" (what Excel writes in Portuguese)."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        cabecalho = in_stream.partition("\n")[0]
        separador = ";" if cabecalho.count(";") > cabecalho.count(",") else ","
        return tablib.import_set(in_stream, format="csv", delimiter=separador)

    def export_data(self, dataset, **kwargs):
        neutro = tablib.Dataset(headers=dataset.headers)
        for linha in dataset:
            neutro.append([neutralizar(celula_limpa(valor)) for valor in linha])
        return neutro.export("csv", **kwargs)


class XLSXSeguro(base_formats.XLSX):
    """XLSX whose text cells are stored as strings (never as formulas, which
    openpyxl makes of any text starting with "="), marked with Excel's quote
    prefix when they look like one; numbers and dates stay typed."""

    def export_data(self, dataset, **kwargs):
        livro = Workbook()
        folha = livro.active
        folha.title = "Plano"
        folha.append(dataset.headers)
        for celula in folha[1]:
            celula.font = Font(bold=True)
        for numero, linha in enumerate(dataset, start=2):
            for coluna, valor in enumerate(linha, start=1):
                if isinstance(valor, str):
                    valor = limpar_celula(valor)
                celula = folha.cell(row=numero, column=coluna, value=valor)
                if isinstance(valor, str):
                    celula.data_type = "s"
                    celula.quotePrefix = valor.startswith(INICIOS_PERIGOSOS)
                    celula.alignment = Alignment(wrap_text=True, vertical="top")
        folha.freeze_panes = "A2"
        folha.column_dimensions["B"].width = 80
        saida = BytesIO()
        livro.save(saida)
        return saida.getvalue()

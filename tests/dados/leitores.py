"""Read exported files back as a person's spreadsheet would: the csv module,
openpyxl, odfpy (a real ODS reader) and LibreOffice itself."""

import csv
import io
import shutil
import subprocess
from pathlib import Path

from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import load_workbook


def ler_csv(conteudo: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(conteudo.decode("utf-8"), newline="")))


def ler_xlsx(conteudo: bytes):
    """The first sheet (openpyxl, not read-only, so types and styles show)."""
    return load_workbook(io.BytesIO(conteudo)).worksheets[0]


def ler_ods(conteudo: bytes) -> list[list[tuple[str, object]]]:
    """(value type, value) of every cell of the first table, row by row."""
    documento = load(io.BytesIO(conteudo))
    tabela = documento.spreadsheet.getElementsByType(Table)[0]
    linhas = []
    for linha in tabela.getElementsByType(TableRow):
        celulas = []
        for celula in linha.getElementsByType(TableCell):
            tipo = celula.getAttribute("valuetype")
            if tipo == "float":
                valor = float(celula.getAttribute("value"))
            elif tipo == "date":
                valor = celula.getAttribute("datevalue")
            else:
                # One paragraph per line, as LibreOffice writes a multi-line cell.
                valor = "\n".join(teletype.extractText(p) for p in celula.getElementsByType(P))
            celulas.append((tipo, valor))
        linhas.append(celulas)
    return linhas


def converter_com_libreoffice(arquivo: Path, formato: str, pasta: Path) -> Path:
    """Convert with LibreOffice headless, in a throwaway profile; fail loudly."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed: scripts/ensure_test_tools.sh installs it"
    perfil = (pasta / "perfil-libreoffice").as_uri()
    saida = subprocess.run(  # noqa: S603 - fixed command, our own files
        [
            soffice,
            f"-env:UserInstallation={perfil}",
            "--headless",
            "--convert-to",
            formato,
            "--outdir",
            str(pasta),
            str(arquivo),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    convertido = pasta / f"{arquivo.stem}.{formato.split(':')[0]}"
    assert convertido.exists(), saida.stdout + saida.stderr
    return convertido

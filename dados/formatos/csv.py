"""CSV (RFC 4180) and the "CSV para Excel" variant, as generators of bytes.

CSV has no types: a text that would start a formula gets a leading
apostrophe (comum.celulas.neutralizar, as OWASP advises)."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from comum.celulas import limpar_celula, neutralizar

from ..conjuntos import Coluna
from .base import LINHAS_POR_BLOCO


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

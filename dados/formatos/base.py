"""What every open-data writer shares: content types, column widths, local
times, deterministic zip entries and block-wise writing."""

import shutil
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO

from django.utils import timezone

from ..conjuntos import Coluna

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


def em_utc(momento: datetime | None) -> datetime:
    """The moment (the data version's, or MOMENTO_FIXO) as a naive UTC
    datetime, as a document's properties store it."""
    momento = momento or MOMENTO_FIXO
    if timezone.is_aware(momento):
        return momento.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    return momento.replace(microsecond=0)


class ZipDeDataFixa(zipfile.ZipFile):
    """A zip being written whose every entry is stamped with `momento`
    (entrada_do_zip), however a writer adds it: openpyxl adds entries by name
    and copies its sheets from files, which zipfile stamps with "now"."""

    def __init__(self, arquivo: IO[bytes], momento: datetime | None):
        super().__init__(arquivo, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.momento = momento

    def writestr(self, nome, dados, *args, **kwargs):
        if not isinstance(nome, zipfile.ZipInfo):
            nome = entrada_do_zip(nome, self.momento)
        super().writestr(nome, dados, *args, **kwargs)

    def write(self, caminho, nome=None, *args, **kwargs):
        entrada = entrada_do_zip(str(nome or caminho), self.momento)
        with open(caminho, "rb") as origem, self.open(entrada, "w") as destino:
            shutil.copyfileobj(origem, destino, 1 << 20)


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

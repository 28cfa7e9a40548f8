"""What every open-data writer shares: content types, column widths, local
times, deterministic zip entries and block-wise writing."""

import zipfile
from collections.abc import Iterable
from datetime import datetime
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

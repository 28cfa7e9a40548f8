"""JSON: an array of objects, streamed as bytes; datetimes in ISO 8601 with
their offset, decimals as numbers."""

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from ..conjuntos import Coluna
from .base import LINHAS_POR_BLOCO


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

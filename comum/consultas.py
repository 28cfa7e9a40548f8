"""One normal form of a query string, shared by everything that must treat
two spellings of the same request as one: the canonical link and og:url of a
filtered page, and the response cache's key."""

from collections.abc import Iterable, Mapping

from django.http import QueryDict
from django.utils.http import urlencode


def consulta_normalizada(consulta: Mapping | QueryDict, campos: Iterable[str] | None = None) -> str:
    """The query string in its one normal form: only the keys in `campos`
    (every key when None), each value stripped with inner runs of spaces made
    one, empty values dropped, repeated pairs dropped, pairs sorted by key and
    then value, percent-encoded. "?b=2&a=+x++y&c=" and "?a=x%20y&b=2" both
    give "a=x+y&b=2". A page passes the values it actually applied (a slug for
    an institution given as its sigla, say), so the same selection gets one
    address whatever was typed."""
    permitidos = None if campos is None else set(campos)
    if isinstance(consulta, QueryDict):
        pares = consulta.lists()
    else:
        pares = (
            (chave, valor if isinstance(valor, list | tuple) else [valor])
            for chave, valor in consulta.items()
        )
    normalizados = set()
    for chave, valores in pares:
        if permitidos is not None and chave not in permitidos:
            continue
        for valor in valores:
            if valor is None:
                continue
            valor = " ".join(str(valor).split())
            if valor:
                normalizados.add((chave, valor))
    return urlencode(sorted(normalizados))


def endereco_com_consulta(caminho: str, consulta: Mapping | QueryDict, campos=None) -> str:
    """The path followed by its normalised query, if any: "/plano/?a=1"."""
    normal = consulta_normalizada(consulta, campos)
    return f"{caminho}?{normal}" if normal else caminho

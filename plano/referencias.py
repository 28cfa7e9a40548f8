"""Cross-references between the plan's texts.

The plan's texts cite each other ("previsto na Atividade 1.1.1", "itens 3.8.1
e 3.9.2", "item 3.2.1"). These functions find those citations and render a
text with each cited code as a link, escaping everything else."""

import re
from collections.abc import Callable, Collection

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_CODIGO = r"\d+(?:\.\d+){1,2}(?![.\d]*\d)"
# A citing word followed by one code or a list of them ("3.8.1 e 3.9.2", "1.1, 1.2 e 1.3").
_CITACAO = re.compile(
    rf"\b(?:[Aa]tividades?|[Ii]te(?:m|ns)|[Aa]ç(?:ão|ões))\s+"
    rf"(?P<lista>{_CODIGO}(?:(?:\s*,\s*|\s+e\s+){_CODIGO})*)"
)
_CODIGO_RE = re.compile(_CODIGO)


def codigos_citados(texto: str) -> list[str]:
    """The codes a text cites, in order of appearance, without repeats."""
    return list(dict.fromkeys(m.group(0) for _inicio, _fim, m in _citacoes(texto)))


def _citacoes(texto: str):
    """(start, end, match) of every cited code in the text."""
    for citacao in _CITACAO.finditer(texto):
        deslocamento = citacao.start("lista")
        for codigo in _CODIGO_RE.finditer(citacao.group("lista")):
            yield deslocamento + codigo.start(), deslocamento + codigo.end(), codigo


def com_referencias(
    texto: str, existentes: Collection[str], endereco: Callable[[str], str]
) -> SafeString:
    """The text as HTML: escaped, line breaks as <br>, and each cited code
    that exists in `existentes` as a link to `endereco(codigo)`."""
    partes, posicao = [], 0
    for inicio, fim, codigo in _citacoes(texto):
        if codigo.group(0) not in existentes:
            continue
        partes.append(escape(texto[posicao:inicio]))
        partes.append(
            format_html('<a href="{}">{}</a>', endereco(codigo.group(0)), codigo.group(0))
        )
        posicao = fim
    partes.append(escape(texto[posicao:]))
    html = "".join(partes).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 - every piece above was escaped or built by format_html

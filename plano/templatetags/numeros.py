"""Percentages as the pages write and draw them.

`valor` is a Decimal already rounded to one decimal by the rules
(plano/indicadores.py), or None when there is nothing to measure. Tags, not
included templates: table rows grow with the plan, and a tag costs a fraction
of an include.
"""

from functools import lru_cache

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def percentual(valor) -> str:
    """The percentage in pt-BR ("12,5 %", no-break space), or "não calculável"."""
    if valor is None:
        return "não calculável"
    return _percentual(type(valor), str(valor), get_language())


@lru_cache(maxsize=4096)
def _percentual(tipo: type, texto: str, idioma: str) -> SafeString:
    """A painel writes hundreds of them, of a few hundred distinct values:
    localize() reads the locale's formats at each call."""
    return mark_safe(f"{localize(tipo(texto))}&nbsp;%")  # noqa: S308 - a number


@register.simple_tag
def barra(valor) -> str:
    """A bar of valor % drawn in SVG, hidden from screen readers: the number
    beside it says the same."""
    return format_html(
        '<svg class="barra" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">'
        '<rect class="barra-trilho" width="100" height="4"/>'
        '<rect class="barra-valor" width="{}" height="4"/></svg>',
        valor if valor is not None else 0,
    )


@register.simple_tag
def percentual_e_barra(valor) -> str:
    return percentual(valor) + barra(valor)

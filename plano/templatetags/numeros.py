"""Percentages as the pages write and draw them.

`valor` is a Decimal already rounded to one decimal by the rules
(plano/indicadores.py), or None when there is nothing to measure. Tags, not
included templates: table rows grow with the plan, and a tag costs a fraction
of an include.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def percentual(valor) -> str:
    """The percentage in pt-BR ("12,5 %", no-break space), or "não calculável"."""
    if valor is None:
        return "não calculável"
    return format_html("{}&nbsp;%", localize(valor))


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

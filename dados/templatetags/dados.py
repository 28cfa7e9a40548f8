from django import template

from dados.selecao import consulta_valida

register = template.Library()


@register.filter
def consulta_dos_arquivos(filtro) -> str:
    """The page's valid filters only, for the "Baixar esta seleção" links."""
    return consulta_valida(filtro)

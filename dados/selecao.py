"""The activities /plano/ shows for a query string, so that "Baixar esta
seleção" and the API filter exactly as the page does: both go through the
page's own AtividadeFilter."""

from django_filters import ChoiceFilter

from plano.filters import AtividadeFilter


def filtrar_atividades(params, atividades):
    """The activities AtividadeFilter keeps for these query parameters; an
    invalid value is ignored, as on the page."""
    return AtividadeFilter(params, queryset=atividades).qs


def parametros_de_atividades() -> list[tuple[str, str]]:
    """(name, description) of each query parameter filtering activities."""
    parametros = []
    for nome, filtro in AtividadeFilter.base_filters.items():
        descricao = str(filtro.label)
        opcoes = filtro.extra.get("choices")
        if isinstance(filtro, ChoiceFilter) and isinstance(opcoes, list | tuple):
            descricao += ": " + ", ".join(str(codigo) for codigo, _rotulo in opcoes)
        elif nome == "objetivo":
            descricao += " (código, como 1)"
        elif nome == "acao":
            descricao += " (código, como 1.2)"
        elif nome == "instituicao":
            descricao += " (identificador, como pf)"
        parametros.append((nome, descricao))
    return parametros

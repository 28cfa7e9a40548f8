"""The activities /plano/ shows for a query string, so that "Baixar esta
seleção" and the API filter exactly as the page does."""


def filtrar_atividades(params, atividades):
    """Placeholder until plano.filters.AtividadeFilter lands: no filter."""
    return atividades


def parametros_de_atividades() -> list[tuple[str, str]]:
    """(name, description) of each query parameter filtering activities."""
    return []

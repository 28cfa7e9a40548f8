"""What a view declares about HTTP, read by paecm.middleware.Entrada.

A function view without a declaration serves GET and HEAD only: a new view is
read-only until it says otherwise.
"""

LEITURA = frozenset({"GET", "HEAD"})


def aceita(*metodos: str):
    """The methods a function view serves besides GET/HEAD (HEAD follows GET).
    `@aceita("GET", "POST")` for a form, `@aceita("POST")` for an action."""
    declarados = frozenset(m.upper() for m in metodos)
    if "GET" in declarados:
        declarados |= {"HEAD"}

    def decorar(view):
        view.metodos = declarados
        return view

    return decorar


def dados_abertos(view):
    """Marks a view as public open data: it answers cross-origin reads (CORS)."""
    view.dados_abertos = True
    return view


def metodos_da_view(view, *, admin: bool = False) -> frozenset[str]:
    """The methods a resolved view serves (OPTIONS aside)."""
    declarados = getattr(view, "metodos", None)
    if declarados is not None:
        return declarados
    classe = getattr(view, "view_class", None)
    if classe is not None:
        nomes = set(classe.http_method_names)
        servidos = {m.upper() for m in ("get", "post") if m in nomes and hasattr(classe, m)}
        return frozenset(servidos | ({"HEAD"} if "GET" in servidos else set()))
    if admin:
        return frozenset({"GET", "HEAD", "POST"})
    return LEITURA

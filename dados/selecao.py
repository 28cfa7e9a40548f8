"""The activities /plano/ shows for a query string, so that "Baixar esta
seleção", the files and the API filter exactly as the page does: all go
through the page's own AtividadeFilter. The page ignores an invalid value
(and says so); the files and the API answer 400 (dados.parametros)."""

from django.http import QueryDict
from django_filters import ChoiceFilter

from plano.filters import AtividadeFilter

from .parametros import identificadores_de_instituicao, sem_nulos

DESCRICOES_EXTRAS = {
    "objetivo": " (código, como 1)",
    "acao": " (código, como 1.2)",
    "instituicao": " (identificador, como pf, ou sigla, como PF)",
}


def com_identificador(params):
    """The parameters with instituicao as the institution's slug when it was
    given as its sigla or in another case (one identifier, many spellings)."""
    valor = params.get("instituicao") if params else None
    if not valor:
        return params
    slug = identificadores_de_instituicao().get(valor.strip().lower())
    if slug is None or slug == valor:
        return params
    copia = params.copy() if isinstance(params, QueryDict) else dict(params)
    copia["instituicao"] = slug
    return copia


def filtro_de_atividades(params, atividades) -> AtividadeFilter:
    return AtividadeFilter(com_identificador(params), queryset=atividades)


def valores_permitidos(campo) -> list[str]:
    """The codes a choice field accepts (groups flattened, no empty choice)."""
    valores = []
    for chave, rotulo in getattr(campo, "choices", ()):
        if isinstance(rotulo, list | tuple):
            valores.extend(str(c) for c, _ in rotulo)
        elif chave != "":
            valores.append(str(chave))
    return valores


def erros_dos_filtros(filtro: AtividadeFilter) -> dict:
    """Each filter given an invalid value, with the values it accepts."""
    erros = sem_nulos({n: v for n, v in filtro.data.items() if n in filtro.filters})
    if erros:
        return erros
    filtro.is_valid()
    for nome, mensagens in filtro.form.errors.items():
        erro = {"valor": filtro.data.get(nome, ""), "mensagem": " ".join(mensagens)}
        if permitidos := valores_permitidos(filtro.form.fields[nome]):
            erro["valores_permitidos"] = permitidos
        erros[nome] = erro
    return erros


def consulta_valida(filtro: AtividadeFilter) -> str:
    """The query string of the filters with a valid value, and only those:
    what "Baixar esta seleção" links carry, so they never meet a 400."""
    filtro.is_valid()
    consulta = QueryDict(mutable=True)
    for nome in filtro.filters:
        valor = filtro.form.cleaned_data.get(nome) if nome not in filtro.form.errors else None
        if valor:
            consulta[nome] = valor
    return consulta.urlencode()


def parametros_de_atividades(filtro: AtividadeFilter) -> list[tuple[str, str, list[str]]]:
    """(name, description, accepted values or []) of each activity filter."""
    parametros = []
    for nome, definicao in AtividadeFilter.base_filters.items():
        descricao = str(definicao.label) + DESCRICOES_EXTRAS.get(nome, "")
        permitidos = []
        if isinstance(definicao, ChoiceFilter):
            permitidos = valores_permitidos(filtro.form.fields[nome])
        parametros.append((nome, descricao, permitidos))
    return parametros


def filtrar_atividades(params, atividades):
    """The activities AtividadeFilter keeps (invalid values ignored, as on
    the page): callers that must refuse them check erros_dos_filtros first."""
    return filtro_de_atividades(params, atividades).qs

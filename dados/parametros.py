"""Query parameters of the API and the data files: what each one accepts, and
the 400 answer that names every bad one with the values it allows. (/plano/
itself keeps ignoring a bad filter, with its "Filtro ignorado" warning.)"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.http import HttpResponse

from monitoramento.models import Ciclo
from parceiros.models import Instituicao
from plano.models import Acao, Atividade, Objetivo, Plano

POR_PAGINA = 100
POR_PAGINA_MAXIMO = 500
# The largest identifier both databases store in an integer column.
INTEIRO_MAXIMO = 2**31 - 1


@dataclass(frozen=True)
class Inteiro:
    nome: str
    descricao: str
    minimo: int = 1
    maximo: int = INTEIRO_MAXIMO

    def esquema(self, plano) -> dict:
        return {"type": "integer", "minimum": self.minimo, "maximum": self.maximo}

    def validar(self, valor: str, plano):
        """(clean value, None) or (None, error)."""
        # The length first: int() of thousands of digits raises.
        if (
            valor.isascii()
            and valor.isdigit()
            and len(valor) <= len(str(self.maximo))
            and self.minimo <= int(valor) <= self.maximo
        ):
            return int(valor), None
        return None, {
            "valor": valor,
            "mensagem": f"Deve ser um número inteiro de {self.minimo} a {self.maximo}.",
        }


@dataclass(frozen=True)
class Codigo:
    """One of a list of values read from the plan (cycle or item codes)."""

    nome: str
    descricao: str
    valores: Callable[[Plano], list[str]]

    def esquema(self, plano) -> dict:
        return {"type": "string", "enum": self.valores(plano)}

    def validar(self, valor: str, plano):
        permitidos = self.valores(plano)
        if valor in permitidos:
            return valor, None
        return None, {
            "valor": valor,
            "mensagem": "Valor inexistente.",
            "valores_permitidos": permitidos,
        }


def identificadores_de_instituicao(plano=None) -> dict[str, str]:
    """Every accepted spelling (slug or sigla, lower case) -> the slug."""
    aceitos = {}
    for slug, sigla in Instituicao.objects.order_by("slug").values_list("slug", "sigla"):
        aceitos[slug.lower()] = slug
        aceitos.setdefault(sigla.lower(), slug)
    return aceitos


@dataclass(frozen=True)
class IdentificadorDeInstituicao:
    nome: str
    descricao: str

    def esquema(self, plano) -> dict:
        aceitos = identificadores_de_instituicao()
        siglas = Instituicao.objects.order_by("slug").values_list("sigla", flat=True)
        return {"type": "string", "enum": sorted(set(aceitos.values())) + list(siglas)}

    def validar(self, valor: str, plano):
        aceitos = identificadores_de_instituicao()
        if valor.strip().lower() in aceitos:
            return aceitos[valor.strip().lower()], None
        return None, {
            "valor": valor,
            "mensagem": "Instituição inexistente: use o identificador (como pf) ou a sigla.",
            "valores_permitidos": sorted(set(aceitos.values())),
        }


def codigos_de_ciclo(plano) -> list[str]:
    return list(
        Ciclo.objects.filter(plano=plano).order_by("inicio").values_list("codigo", flat=True)
    )


def codigos_de_objetivo(plano) -> list[str]:
    return [o.codigo for o in Objetivo.objects.filter(plano=plano).order_by("numero")]


def codigos_de_acao(plano) -> list[str]:
    return [a.codigo for a in Acao.objects.filter(objetivo__plano=plano).em_ordem()]


def codigos_de_atividade(plano) -> list[str]:
    return [a.codigo for a in Atividade.objects.do_plano(plano).em_ordem()]


PAGINACAO = (
    Inteiro("pagina", "Número da página (a partir de 1)."),
    Inteiro(
        "por_pagina",
        f"Itens por página (padrão {POR_PAGINA}, de 1 a {POR_PAGINA_MAXIMO}).",
        maximo=POR_PAGINA_MAXIMO,
    ),
)

# The filters of /api/v1/relatos/, each with the lookup it filters on.
FILTROS_DE_RELATOS = {
    "id": (Inteiro("id", "Identificador do relato."), "id"),
    "ciclo": (Codigo("ciclo", "Código do ciclo, como 2025.1.", codigos_de_ciclo), "ciclo__codigo"),
    "objetivo": (
        Codigo("objetivo", "Código do objetivo, como 2.", codigos_de_objetivo),
        "atividade__acao__objetivo__codigo",
    ),
    "acao": (
        Codigo("acao", "Código da ação, como 2.3.", codigos_de_acao),
        "atividade__acao__codigo",
    ),
    "atividade": (
        Codigo("atividade", "Código da atividade, como 2.3.1.", codigos_de_atividade),
        "atividade__codigo",
    ),
    "instituicao": (
        IdentificadorDeInstituicao(
            "instituicao", "Instituição que relatou: identificador (como pf) ou sigla (PF)."
        ),
        "instituicao__slug",
    ),
}


VAZIO = "Valor vazio: para não filtrar, omita o parâmetro."


def sem_nulos(params: Mapping[str, str]) -> dict:
    """Errors for empty values and for values no database column can hold
    (NUL characters)."""
    erros = {}
    for nome, valor in params.items():
        if valor == "":
            erros[nome] = {"valor": "", "mensagem": VAZIO}
        elif "\x00" in valor:
            erros[nome] = {
                "valor": valor.replace("\x00", "\\0"),
                "mensagem": "Caractere nulo não permitido.",
            }
    return erros


def validar(params: Mapping[str, str], parametros, plano) -> tuple[dict, dict]:
    """(clean values of the given parameters, errors by parameter name)."""
    nomes = {parametro.nome for parametro in parametros}
    limpos, erros = {}, sem_nulos({n: v for n, v in params.items() if n in nomes})
    for parametro in parametros:
        valor = params.get(parametro.nome)
        if not valor or parametro.nome in erros:
            continue
        limpo, erro = parametro.validar(valor, plano)
        if erro:
            erros[parametro.nome] = erro
        else:
            limpos[parametro.nome] = limpo
    return limpos, erros


class ParametrosInvalidos(Exception):
    def __init__(self, erros: dict):
        super().__init__(", ".join(erros))
        self.erros = erros


def resposta_de_erro(erros: dict, json_de) -> HttpResponse:
    """400 with a JSON body naming each bad parameter."""
    corpo = {
        "erro": "Parâmetros inválidos: " + ", ".join(sorted(erros)) + ".",
        "parametros": erros,
    }
    return HttpResponse(json_de(corpo), content_type="application/json", status=400)


ESQUEMA_DO_ERRO = {
    "type": "object",
    "required": ["erro", "parametros"],
    "properties": {
        "erro": {"type": "string"},
        "parametros": {
            "type": "object",
            "description": "Cada parâmetro inválido, com o valor recebido e os valores aceitos.",
            "additionalProperties": {
                "type": "object",
                "required": ["valor", "mensagem"],
                "properties": {
                    "valor": {"type": "string"},
                    "mensagem": {"type": "string"},
                    "valores_permitidos": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}

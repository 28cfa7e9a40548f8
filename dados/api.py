"""The read-only JSON API (/api/v1/): the open data sets, paginated, plus the
plan as a tree. Records are exactly the rows of the downloadable files, so
nothing private can appear here that the files do not show."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse
from django.urls import reverse

from comum.enderecos import absoluto

from .conjuntos import ATIVIDADES, CICLOS, INSTITUICOES, RELATOS, Conjunto
from .exports import json_de
from .selecao import filtrar_atividades, parametros_de_atividades
from .versao import plano_com_versao, responder

POR_PAGINA = 100
POR_PAGINA_MAXIMO = 500
# Keys of an activity record that the tree already shows on its parents.
CHAVES_DOS_PAIS = ("plano", "objetivo_codigo", "objetivo_texto", "acao_codigo", "acao_texto")

# Query parameters of /api/v1/relatos/ and the lookup each one filters on.
FILTROS_DE_RELATOS = {
    "id": ("id", "Identificador do relato."),
    "ciclo": ("ciclo__codigo", "Código do ciclo, como 2025.1."),
    "objetivo": ("atividade__acao__objetivo__codigo", "Código do objetivo, como 2."),
    "acao": ("atividade__acao__codigo", "Código da ação, como 2.3."),
    "atividade": ("atividade__codigo", "Código da atividade, como 2.3.1."),
    "instituicao": ("instituicao__sigla", "Sigla da instituição, como PF."),
}


def resposta_json(dados, status: int = 200) -> HttpResponse:
    return HttpResponse(json_de(dados), content_type="application/json", status=status)


def condicional(view):
    """Run the view only when the client's copy (ETag/Last-Modified) is stale."""

    def envolvida(request, *args, **kwargs):
        plano = plano_com_versao()
        return responder(
            request, plano, lambda: view(request, plano, *args, **kwargs), muda_a_cada_dia=True
        )

    envolvida.__name__ = view.__name__
    envolvida.__doc__ = view.__doc__
    return envolvida


def paginado(request, conjunto: Conjunto, consulta) -> HttpResponse:
    """One page of a data set: {total, pagina, paginas, anterior, proxima, resultados}."""
    try:
        por_pagina = min(int(request.GET.get("por_pagina", POR_PAGINA)), POR_PAGINA_MAXIMO)
    except ValueError:
        por_pagina = POR_PAGINA
    paginador = Paginator(consulta, max(por_pagina, 1))
    try:
        pagina = paginador.page(request.GET.get("pagina", 1))
    except (EmptyPage, PageNotAnInteger):
        return resposta_json({"erro": "Página inexistente."}, status=404)

    def endereco(numero: int) -> str:
        params = request.GET.copy()
        params["pagina"] = numero
        return absoluto(f"{request.path}?{params.urlencode()}", request)

    return resposta_json(
        {
            "total": paginador.count,
            "pagina": pagina.number,
            "paginas": paginador.num_pages,
            "anterior": endereco(pagina.previous_page_number()) if pagina.has_previous() else None,
            "proxima": endereco(pagina.next_page_number()) if pagina.has_next() else None,
            "resultados": list(conjunto.dicionarios(pagina.object_list)),
        }
    )


def index(request):
    base = absoluto(reverse("dados:api_index"), request)
    return resposta_json(
        {
            "descricao": "API somente leitura do Painel de Monitoramento do I PAECM.",
            "openapi": f"{base}openapi.json",
            "recursos": {
                nome: f"{base}{nome}/"
                for nome in ("plano", "atividades", "relatos", "instituicoes", "ciclos")
            },
        }
    )


@condicional
def plano(request, plano):
    """The plan as a tree: objectives, their actions, their activities."""
    objetivos = []
    for atividade in ATIVIDADES.registros(plano):
        objetivo, acao = atividade.acao.objetivo, atividade.acao
        if not objetivos or objetivos[-1]["codigo"] != objetivo.codigo:
            objetivos.append({"codigo": objetivo.codigo, "texto": objetivo.texto, "acoes": []})
        acoes = objetivos[-1]["acoes"]
        if not acoes or acoes[-1]["codigo"] != acao.codigo:
            acoes.append({"codigo": acao.codigo, "texto": acao.texto, "atividades": []})
        registro = next(ATIVIDADES.dicionarios([atividade]))
        acoes[-1]["atividades"].append(
            {k: v for k, v in registro.items() if k not in CHAVES_DOS_PAIS}
        )
    return resposta_json(
        {
            "sigla": plano.sigla,
            "nome": plano.nome,
            "inicio": plano.ano_inicio,
            "fim": plano.ano_fim,
            "fonte": plano.url_fonte,
            "licenca_do_texto": plano.licenca,
            "objetivos": objetivos,
        }
    )


@condicional
def atividades(request, plano):
    """Activities, with the filters of /plano/."""
    return paginado(
        request, ATIVIDADES, filtrar_atividades(request.GET, ATIVIDADES.registros(plano))
    )


@condicional
def relatos(request, plano):
    """Published reports, filtered by the FILTROS_DE_RELATOS parameters."""
    consulta = RELATOS.registros(plano)
    for parametro, (campo, _descricao) in FILTROS_DE_RELATOS.items():
        valor = request.GET.get(parametro)
        if valor:
            if parametro == "id" and not valor.isdigit():
                return resposta_json({"erro": "Identificador inválido."}, status=400)
            consulta = consulta.filter(**{campo: valor})
    return paginado(request, RELATOS, consulta)


@condicional
def instituicoes(request, plano):
    return paginado(request, INSTITUICOES, INSTITUICOES.registros(plano))


@condicional
def ciclos(request, plano):
    return paginado(request, CICLOS, CICLOS.registros(plano))


TIPOS_OPENAPI = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
}


def esquema(conjunto: Conjunto, sem: tuple[str, ...] = ()) -> dict:
    return {
        "type": "object",
        "properties": {
            c.nome: {
                **TIPOS_OPENAPI[c.tipo],
                "title": c.titulo,
                "description": c.descricao,
                **({} if c.nome in conjunto.chave else {"nullable": True}),
            }
            for c in conjunto.colunas
            if c.nome not in sem
        },
    }


def parametro(nome: str, descricao: str, tipo: str = "string") -> dict:
    return {
        "name": nome,
        "in": "query",
        "required": False,
        "description": descricao,
        "schema": {"type": tipo},
    }


PAGINACAO = [
    parametro("pagina", "Número da página (a partir de 1).", "integer"),
    parametro(
        "por_pagina",
        f"Itens por página (padrão {POR_PAGINA}, no máximo {POR_PAGINA_MAXIMO}).",
        "integer",
    ),
]


def lista(titulo: str, esquema_do_item: str, parametros: list[dict]) -> dict:
    return {
        "get": {
            "summary": titulo,
            "parameters": [*parametros, *PAGINACAO],
            "responses": {
                "200": {
                    "description": "Uma página de resultados.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "allOf": [
                                    {"$ref": "#/components/schemas/Pagina"},
                                    {
                                        "type": "object",
                                        "properties": {
                                            "resultados": {
                                                "type": "array",
                                                "items": {
                                                    "$ref": f"#/components/schemas/{esquema_do_item}"
                                                },
                                            }
                                        },
                                    },
                                ]
                            }
                        }
                    },
                },
                "304": {"description": "Não modificado desde a cópia do cliente (ETag)."},
                "404": {"description": "Página inexistente."},
            },
        }
    }


def descricao_openapi(base: str) -> dict:
    """OpenAPI 3.0 description, built from the same column definitions."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "API do Painel de Monitoramento do I PAECM",
            "version": "1.0.0",
            "description": (
                "API somente leitura. Só dados públicos: relatos publicados pela CGETP, "
                "sem rascunhos, relatos em análise ou nomes de pessoas."
            ),
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": base}],
        "paths": {
            "/plano/": {
                "get": {
                    "summary": "O plano em árvore: objetivos, ações e atividades.",
                    "responses": {
                        "200": {
                            "description": "O plano.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Plano"}
                                }
                            },
                        }
                    },
                }
            },
            "/atividades/": lista(
                "Atividades, com os mesmos filtros da página /plano/.",
                "Atividade",
                [parametro(nome, descricao) for nome, descricao in parametros_de_atividades()],
            ),
            "/relatos/": lista(
                "Relatos publicados.",
                "Relato",
                [
                    parametro(nome, descricao)
                    for nome, (_campo, descricao) in FILTROS_DE_RELATOS.items()
                ],
            ),
            "/instituicoes/": lista("Instituições parceiras.", "Instituicao", []),
            "/ciclos/": lista("Ciclos de monitoramento.", "Ciclo", []),
        },
        "components": {
            "schemas": {
                "Pagina": {
                    "type": "object",
                    "properties": {
                        "total": {"type": "integer"},
                        "pagina": {"type": "integer"},
                        "paginas": {"type": "integer"},
                        "anterior": {"type": "string", "format": "uri", "nullable": True},
                        "proxima": {"type": "string", "format": "uri", "nullable": True},
                    },
                },
                "Atividade": esquema(ATIVIDADES),
                "AtividadeNaArvore": esquema(ATIVIDADES, sem=CHAVES_DOS_PAIS),
                "Relato": esquema(RELATOS),
                "Instituicao": esquema(INSTITUICOES),
                "Ciclo": esquema(CICLOS),
                "Plano": {
                    "type": "object",
                    "properties": {
                        "sigla": {"type": "string"},
                        "nome": {"type": "string"},
                        "inicio": {"type": "integer"},
                        "fim": {"type": "integer"},
                        "fonte": {"type": "string", "format": "uri"},
                        "licenca_do_texto": {"type": "string"},
                        "objetivos": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "codigo": {"type": "string"},
                                    "texto": {"type": "string"},
                                    "acoes": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "codigo": {"type": "string"},
                                                "texto": {"type": "string"},
                                                "atividades": {
                                                    "type": "array",
                                                    "items": {
                                                        "$ref": "#/components/schemas/AtividadeNaArvore"
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            }
        },
    }


def openapi(request):
    return resposta_json(
        descricao_openapi(absoluto(reverse("dados:api_index"), request).rstrip("/"))
    )

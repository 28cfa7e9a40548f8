"""The read-only JSON API (/api/v1/): the open data sets, paginated, plus the
plan as a tree. Records are exactly the rows of the downloadable files, so
nothing private can appear here that the files do not show."""

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse
from django.urls import reverse

from comum.enderecos import absoluto

from .conjuntos import ALTERACOES, ATIVIDADES, CICLOS, INSTITUICOES, RELATOS, SERIE, Conjunto
from .formatos import json_de
from .pacote import atividades_selecionadas
from .parametros import (
    ESQUEMA_DO_ERRO,
    FILTROS_DE_RELATOS,
    PAGINACAO,
    POR_PAGINA,
    Codigo,
    ParametrosInvalidos,
    codigos_de_atividade,
    codigos_de_objetivo,
    resposta_de_erro,
    validar,
)
from .selecao import filtro_de_atividades, parametros_de_atividades
from .serie import Serie, codigos_da_serie
from .versao import plano_com_versao, responder

# Keys of an activity record that the tree already shows on its parents.
CHAVES_DOS_PAIS = ("plano", "objetivo_codigo", "objetivo_texto", "acao_codigo", "acao_texto")
RECURSOS = ("plano", "atividades", "relatos", "instituicoes", "ciclos", "serie", "alteracoes")


def resposta_json(dados, status: int = 200) -> HttpResponse:
    return HttpResponse(json_de(dados), content_type="application/json", status=status)


def condicional(view):
    """Run the view only when the client's copy (ETag/Last-Modified) is stale;
    a view raising ParametrosInvalidos answers 400 naming each bad parameter."""

    def envolvida(request, *args, **kwargs):
        plano = plano_com_versao()

        def gerar():
            try:
                return view(request, plano, *args, **kwargs)
            except ParametrosInvalidos as erro:
                return resposta_de_erro(erro.erros, json_de)

        return responder(request, plano, gerar, muda_a_cada_dia=True)

    envolvida.__name__ = view.__name__
    envolvida.__doc__ = view.__doc__
    return envolvida


def paginado(request, plano, conjunto: Conjunto, consulta, erros=None, marcar=None) -> HttpResponse:
    """One page of a data set: {total, pagina, paginas, anterior, proxima,
    resultados}; `marcar` prepares the page's records (a cycle's view)."""
    limpos, erros_da_pagina = validar(request.GET, PAGINACAO, plano)
    erros = {**(erros or {}), **erros_da_pagina}
    if erros:
        raise ParametrosInvalidos(erros)
    paginador = Paginator(consulta, limpos.get("por_pagina", POR_PAGINA))
    try:
        pagina = paginador.page(limpos.get("pagina", 1))
    except EmptyPage:
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
            "resultados": list(
                conjunto.dicionarios(marcar(pagina.object_list) if marcar else pagina.object_list)
            ),
        }
    )


@condicional
def index(request, plano):
    base = absoluto(reverse("dados:api_index"), request)
    return resposta_json(
        {
            "descricao": "API somente leitura do Painel de Monitoramento do I PAECM.",
            "openapi": f"{base}openapi.json",
            "recursos": {nome: f"{base}{nome}/" for nome in RECURSOS},
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
    """Activities, with the filters of /plano/ and ?ciclo= (as at that
    cycle's close, dados.serie); an invalid value is a 400."""
    try:
        consulta, visao = atividades_selecionadas(plano, request.GET)
    except ParametrosInvalidos as erro:
        return paginado(request, plano, ATIVIDADES, [], erro.erros)
    return paginado(request, plano, ATIVIDADES, consulta, marcar=visao.marcar if visao else None)


# The filters of /api/v1/serie/ (dados.serie.Serie's keywords).
FILTROS_DA_SERIE = (
    Codigo("ciclo", "Código de um ciclo já aberto, como 2026.1.", codigos_da_serie),
    Codigo("objetivo", "Código do objetivo, como 2.", codigos_de_objetivo),
    Codigo("atividade", "Código da atividade, como 2.3.1.", codigos_de_atividade),
)


@condicional
def serie(request, plano):
    """Each activity at the close of each cycle opened so far, filtered by
    the FILTROS_DA_SERIE parameters."""
    limpos, erros = validar(request.GET, FILTROS_DA_SERIE, plano)
    return paginado(request, plano, SERIE, [] if erros else Serie(plano, **limpos), erros)


@condicional
def alteracoes(request, plano):
    """The change log of the plan (the "alteracoes" data set)."""
    return paginado(request, plano, ALTERACOES, ALTERACOES.registros(plano))


@condicional
def relatos(request, plano):
    """Published reports, filtered by the FILTROS_DE_RELATOS parameters."""
    limpos, erros = validar(
        request.GET, [parametro for parametro, _campo in FILTROS_DE_RELATOS.values()], plano
    )
    consulta = RELATOS.registros(plano)
    for nome, valor in limpos.items():
        consulta = consulta.filter(**{FILTROS_DE_RELATOS[nome][1]: valor})
    return paginado(request, plano, RELATOS, consulta, erros)


@condicional
def instituicoes(request, plano):
    return paginado(request, plano, INSTITUICOES, INSTITUICOES.registros(plano))


@condicional
def ciclos(request, plano):
    return paginado(request, plano, CICLOS, CICLOS.registros(plano))


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


def parametro(nome: str, descricao: str, esquema_do_valor: dict | None = None) -> dict:
    return {
        "name": nome,
        "in": "query",
        "required": False,
        "description": descricao,
        "schema": esquema_do_valor or {"type": "string"},
    }


RESPOSTAS_COMUNS = {
    "304": {"description": "Não modificado desde a cópia do cliente (ETag, Last-Modified)."},
    "400": {
        "description": "Parâmetro inválido: o corpo nomeia cada um, com os valores aceitos.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erro"}}},
    },
}


def resposta_200(descricao: str, esquema_do_corpo: dict) -> dict:
    return {"description": descricao, "content": {"application/json": {"schema": esquema_do_corpo}}}


def lista(titulo: str, esquema_do_item: str, parametros: list[dict], plano) -> dict:
    paginacao = [parametro(p.nome, p.descricao, p.esquema(plano)) for p in PAGINACAO]
    pagina = {
        "allOf": [
            {"$ref": "#/components/schemas/Pagina"},
            {
                "type": "object",
                "properties": {
                    "resultados": {
                        "type": "array",
                        "items": {"$ref": f"#/components/schemas/{esquema_do_item}"},
                    }
                },
            },
        ]
    }
    return {
        "get": {
            "summary": titulo,
            "parameters": [*parametros, *paginacao],
            "responses": {
                "200": resposta_200("Uma página de resultados.", pagina),
                **RESPOSTAS_COMUNS,
                "404": {
                    "description": "Página além da última.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["erro"],
                                "properties": {"erro": {"type": "string"}},
                            }
                        }
                    },
                },
            },
        }
    }


CICLO_DAS_ATIVIDADES = (
    "Código de um ciclo já aberto, como 2026.1: cada atividade como estava no fechamento do "
    "ciclo (situação, %, atraso e prazo em vigor, avaliados no último dia do período do ciclo, "
    "ou hoje se ele ainda está aberto), com as colunas ciclo e data_de_avaliacao; os filtros "
    "situacao e prazo valem para essa visão. Um ciclo inexistente ou ainda não aberto é um 400."
)


def parametros_de_atividades_openapi(plano) -> list[dict]:
    filtro = filtro_de_atividades(None, ATIVIDADES.registros(plano))
    parametros = [("ciclo", CICLO_DAS_ATIVIDADES, codigos_da_serie(plano))]
    return [
        parametro(
            nome,
            descricao,
            {"type": "string", "enum": permitidos}
            if permitidos
            else {"type": "string", "minLength": 1},
        )
        for nome, descricao, permitidos in [*parametros_de_atividades(filtro), *parametros]
    ]


def descricao_openapi(base: str, plano) -> dict:
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
            "/": {
                "get": {
                    "summary": "Índice da API: endereços dos recursos e desta descrição.",
                    "responses": {
                        "200": resposta_200("O índice.", {"$ref": "#/components/schemas/Indice"}),
                        "304": RESPOSTAS_COMUNS["304"],
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "Esta descrição OpenAPI.",
                    "responses": {
                        "200": resposta_200("A descrição.", {"type": "object"}),
                        "304": RESPOSTAS_COMUNS["304"],
                    },
                }
            },
            "/plano/": {
                "get": {
                    "summary": "O plano em árvore: objetivos, ações e atividades.",
                    "responses": {
                        "200": resposta_200("O plano.", {"$ref": "#/components/schemas/Plano"}),
                        "304": RESPOSTAS_COMUNS["304"],
                    },
                }
            },
            "/atividades/": lista(
                "Atividades, com os mesmos filtros da página /plano/.",
                "Atividade",
                parametros_de_atividades_openapi(plano),
                plano,
            ),
            "/relatos/": lista(
                "Relatos publicados.",
                "Relato",
                [
                    parametro(p.nome, p.descricao, p.esquema(plano))
                    for p, _campo in FILTROS_DE_RELATOS.values()
                ],
                plano,
            ),
            "/serie/": lista(
                "Série histórica: cada atividade no fechamento de cada ciclo já aberto.",
                "Serie",
                [parametro(p.nome, p.descricao, p.esquema(plano)) for p in FILTROS_DA_SERIE],
                plano,
            ),
            "/alteracoes/": lista(
                "Alterações no plano depois da publicação, com o motivo.", "Alteracao", [], plano
            ),
            "/instituicoes/": lista("Instituições parceiras.", "Instituicao", [], plano),
            "/ciclos/": lista("Ciclos de monitoramento.", "Ciclo", [], plano),
        },
        "components": {
            "schemas": {
                "Erro": ESQUEMA_DO_ERRO,
                "Indice": {
                    "type": "object",
                    "required": ["descricao", "openapi", "recursos"],
                    "properties": {
                        "descricao": {"type": "string"},
                        "openapi": {"type": "string", "format": "uri"},
                        "recursos": {
                            "type": "object",
                            "additionalProperties": {"type": "string", "format": "uri"},
                        },
                    },
                },
                "Pagina": {
                    "type": "object",
                    "required": ["total", "pagina", "paginas", "anterior", "proxima", "resultados"],
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
                "Serie": esquema(SERIE),
                "Alteracao": esquema(ALTERACOES),
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


@condicional
def openapi(request, plano):
    """The OpenAPI description; accepted values come from the plan, so it
    follows the data version like every other answer."""
    base = absoluto(reverse("dados:api_index"), request).rstrip("/")
    return resposta_json(descricao_openapi(base, plano))

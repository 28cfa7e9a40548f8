"""Queries whose SQL is compiled once.

Building a query's SQL through the ORM (joins, subqueries, annotations) costs
0.3–2 ms of Python each time, while running it on the plan's tables costs a
tenth of that. A page rendered anew runs a few such queries of a fixed shape
with other values (the plan, the cycle, a code): `Compilada` builds the query
once per database vendor with marker values in their place, keeps its SQL,
and runs it again with the real values; rows are converted and model
instances built as the QuerySet would (Django's converters, from_db,
select_related's populators, prefetch_related).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet, prefetch_related_objects
from django.db.models.query import get_related_populators

# Markers stand for the values in the SQL compiled once: ids no row has, and
# text no form accepts.
_MARCA_NUMERICA = 7_346_190_000


def _marca(i: int, exemplo):
    return f"\x00marca{i}" if isinstance(exemplo, str) else _MARCA_NUMERICA + i


@dataclass
class _Sql:
    sql: str
    parametros: list
    posicoes: dict[int, list[int]]  # value i -> where it goes in parametros
    nomes: list[str]  # .values()'s keys, or the model's columns and annotations
    conversores: dict
    modelo: type | None = None  # for model instances:
    campos: list[str] | None = None  # the model's attnames, in the row
    fim_dos_campos: int = 0
    relacionados: list | None = None  # select_related's populators
    anotacoes: dict | None = None
    prefetch: tuple = ()


class Compilada:
    """A query built by `construir(*valores)`, compiled once per database
    vendor. The query's shape must not depend on the values: each is passed
    as a parameter (a lookup's value), never as a slice bound or a list whose
    length changes the SQL (compiling says so)."""

    def __init__(self, construir: Callable[..., QuerySet]):
        self.construir = construir
        self._por_banco: dict[str, _Sql] = {}

    def _compilar(self, valores: tuple) -> _Sql:
        marcas = [_marca(i, v) for i, v in enumerate(valores)]
        consulta = self.construir(*marcas)
        compilador = consulta.query.get_compiler(connection=connection)
        sql, parametros = compilador.as_sql()
        posicoes = {}
        for i, marca in enumerate(marcas):
            onde = [j for j, p in enumerate(parametros) if type(p) is type(marca) and p == marca]
            if not onde:
                raise ValueError(f"O valor {i} não é um parâmetro da consulta compilada.")
            posicoes[i] = onde
        query = consulta.query
        compilada = _Sql(
            sql=sql,
            parametros=list(parametros),
            posicoes=posicoes,
            nomes=[*query.extra_select, *query.values_select, *query.annotation_select],
            conversores=compilador.get_converters([c for c, _, _ in compilador.select]),
        )
        if compilador.klass_info and not query.values_select:
            # Model instances, as django.db.models.query.ModelIterable builds them.
            info, select = compilador.klass_info, compilador.select
            inicio, fim = info["select_fields"][0], info["select_fields"][-1] + 1
            assert inicio == 0
            compilada.modelo = info["model"]
            compilada.campos = [c[0].target.attname for c in select[inicio:fim]]
            compilada.fim_dos_campos = fim
            compilada.relacionados = get_related_populators(
                info, select, connection.alias, consulta._fetch_mode
            )
            compilada.anotacoes = dict(compilador.annotation_col_map)
            compilada.prefetch = tuple(consulta._prefetch_related_lookups)
        return compilada

    def _executar(self, valores: tuple) -> tuple[_Sql, list[list]]:
        compilada = self._por_banco.get(connection.vendor)
        if compilada is None:
            compilada = self._por_banco[connection.vendor] = self._compilar(valores)
        parametros = list(compilada.parametros)
        for i, onde in compilada.posicoes.items():
            for j in onde:
                parametros[j] = valores[i]
        with connection.cursor() as cursor:
            cursor.execute(compilada.sql, parametros)
            linhas = cursor.fetchall()
        if compilada.conversores:
            # As SQLCompiler.apply_converters does, with this thread's connection.
            linhas = [list(linha) for linha in linhas]
            for linha in linhas:
                for posicao, (funcoes, expressao) in compilada.conversores.items():
                    valor = linha[posicao]
                    for funcao in funcoes:
                        valor = funcao(valor, expressao, connection)
                    linha[posicao] = valor
        return compilada, linhas

    def tuplas(self, *valores) -> list:
        """The rows for these values, as .values_list() gives them."""
        return self._executar(valores)[1]

    def linhas(self, *valores) -> list[dict]:
        """The rows for these values, as .values() gives them."""
        compilada, linhas = self._executar(valores)
        return [dict(zip(compilada.nomes, linha, strict=True)) for linha in linhas]

    def objetos(self, *valores) -> list:
        """The model instances for these values, as the QuerySet gives them:
        annotations as attributes, select_related's and prefetch_related's
        objects attached."""
        compilada, linhas = self._executar(valores)
        objetos = []
        for linha in linhas:
            objeto = compilada.modelo.from_db(
                connection.alias, compilada.campos, linha[: compilada.fim_dos_campos]
            )
            for relacionado in compilada.relacionados:
                relacionado.populate(linha, objeto)
            for nome, posicao in compilada.anotacoes.items():
                setattr(objeto, nome, linha[posicao])
            objetos.append(objeto)
        if compilada.prefetch:
            prefetch_related_objects(objetos, *compilada.prefetch)
        return objetos

"""Queries whose SQL is compiled once.

Building a query's SQL through the ORM (joins, subqueries, annotations) costs
0.3–2 ms of Python each time, while running it on the plan's tables costs a
tenth of that. A page rendered anew runs a few such queries of a fixed shape
with other values (the plan, the cycle): `Compilada` builds the query once per
database vendor with marker values in their place, keeps its SQL, and runs it
again with the real values, rows converted by Django's own converters.
"""

from collections.abc import Callable

from django.db import connection
from django.db.models import QuerySet

# Markers stand for the values in the SQL compiled once: ids no row has, and
# text no form accepts.
_MARCA_NUMERICA = 7_346_190_000


def _marca(i: int, exemplo):
    return f"\x00marca{i}" if isinstance(exemplo, str) else _MARCA_NUMERICA + i


class Compilada:
    """A query built by `construir(*valores)` (a QuerySet, usually
    .values()), compiled once per database vendor. The query's shape must not
    depend on the values: each is passed as a parameter (a lookup's value),
    never as a list whose length changes the SQL."""

    def __init__(self, construir: Callable[..., QuerySet]):
        self.construir = construir
        self._por_banco: dict[str, tuple] = {}

    def _compilar(self, valores: tuple) -> tuple:
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
        nomes = [*query.extra_select, *query.values_select, *query.annotation_select]
        conversores = compilador.get_converters([coluna for coluna, _, _ in compilador.select])
        return sql, list(parametros), posicoes, nomes, conversores

    def linhas(self, *valores) -> list[dict]:
        """The rows for these values, as .values() gives them."""
        compilada = self._por_banco.get(connection.vendor)
        if compilada is None:
            compilada = self._por_banco[connection.vendor] = self._compilar(valores)
        sql, parametros, posicoes, nomes, conversores = compilada
        parametros = list(parametros)
        for i, onde in posicoes.items():
            for j in onde:
                parametros[j] = valores[i]
        with connection.cursor() as cursor:
            cursor.execute(sql, parametros)
            linhas = cursor.fetchall()
        resultado = []
        for linha in linhas:
            linha = list(linha)
            # As SQLCompiler.apply_converters does, with this thread's connection.
            for posicao, (funcoes, expressao) in conversores.items():
                valor = linha[posicao]
                for funcao in funcoes:
                    valor = funcao(valor, expressao, connection)
                linha[posicao] = valor
            resultado.append(dict(zip(nomes, linha, strict=True)))
        return resultado

"""The panel's numbers, read from the database with a fixed number of queries.

The rules themselves live in plano/indicadores.py; this module only counts.
Activities are read grouped by everything the rules look at (situação, %,
weight, deadline), so the number of rows stays small however large the plan
grows. The rules run once per group, the group's weight standing for all its
activities: a weighted mean is the same whether n equal items are listed one
by one or as one item of n times the weight.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Exists, F, OuterRef, Q

from comum.sql_compilado import Compilada
from parceiros.models import Instituicao
from plano import indicadores
from plano.models import Atividade, Objetivo, Plano, Vinculo

from .models import Atualizacao, Ciclo


@dataclass(frozen=True)
class Contagem:
    """Reported-and-validated over expected, with the coverage rule applied."""

    validadas: int
    esperadas: int

    @property
    def percentual(self) -> Decimal | None:
        return indicadores.cobertura(self.validadas, self.esperadas)


@dataclass(frozen=True)
class CoberturaDaInstituicao(Contagem):
    instituicao: Instituicao


@dataclass(frozen=True)
class CoberturaDoCiclo(Contagem):
    ciclo: Ciclo
    por_instituicao: list[CoberturaDaInstituicao]

    def da_instituicao(self, instituicao_id: int) -> CoberturaDaInstituicao | None:
        return next((c for c in self.por_instituicao if c.instituicao.pk == instituicao_id), None)


def _publicadas_no_ciclo(ciclo_id):
    return Atualizacao.objects.publicadas().filter(ciclo_id=ciclo_id)


# cobertura_do_ciclo's two queries, compiled once (comum.sql_compilado): the
# current cycle's coverage is computed anew after every publication.
_COBERTURA_GERAL = Compilada(
    lambda plano_id, ciclo_id: (
        Atividade.objects.filter(acao__objetivo__plano_id=plano_id)
        .esperadas()
        # Uncorrelated IN subqueries: each runs once, however many activities.
        .filter(pk__in=Vinculo.objects.values("atividade_id"))
        .values(plano=F("acao__objetivo__plano_id"))
        .annotate(
            esperadas=Count("pk"),
            validadas=Count(
                "pk", filter=Q(pk__in=_publicadas_no_ciclo(ciclo_id).values("atividade_id"))
            ),
        )
    )
)
# Per institution, the plan's expected links grouped once: grouped from the
# institutions, PostgreSQL joined the plan's activities again for each of them
# (24 ms at 100 times the plan's size, against 10).
_COBERTURA_POR_INSTITUICAO = Compilada(
    lambda plano_id, ciclo_id: (
        Vinculo.objects.filter(atividade__acao__objetivo__plano_id=plano_id)
        .exclude(atividade__situacao__in=list(indicadores.FORA_DO_DENOMINADOR))
        .values(*(f"instituicao__{campo}" for campo in CAMPOS_DA_INSTITUICAO))
        .annotate(
            esperadas=Count("pk"),
            validadas=Count(
                "pk",
                filter=Q(
                    Exists(
                        _publicadas_no_ciclo(ciclo_id).filter(
                            atividade=OuterRef("atividade_id"),
                            instituicao=OuterRef("instituicao_id"),
                        )
                    )
                ),
            ),
        )
        .order_by("instituicao__sigla")
    )
)


def cobertura_do_ciclo(ciclo: Ciclo) -> CoberturaDoCiclo:
    """Reporting coverage of a cycle, overall and per institution (two queries).

    Following plano.indicadores.cobertura, an activity of the cycle's plan is
    *expected* to report when at least one institution is linked to it and its
    current situação is not cancelled or "não se aplica"
    (FORA_DO_DENOMINADOR). Overall, an expected activity counts as *validated*
    when any institution's report on it for this cycle was published. Per
    institution, each of its links to an expected activity is expected, and is
    validated when that institution's own report for the cycle was published.
    Institutions with nothing expected are left out of por_instituicao."""
    geral = _COBERTURA_GERAL.linhas(ciclo.plano_id, ciclo.pk)
    geral = geral[0] if geral else {"validadas": 0, "esperadas": 0}
    por_instituicao = _COBERTURA_POR_INSTITUICAO.linhas(ciclo.plano_id, ciclo.pk)
    return CoberturaDoCiclo(
        ciclo=ciclo,
        validadas=geral["validadas"],
        esperadas=geral["esperadas"],
        por_instituicao=[
            CoberturaDaInstituicao(
                instituicao=Instituicao.from_db(
                    None,
                    CAMPOS_DA_INSTITUICAO,
                    [linha[f"instituicao__{campo}"] for campo in CAMPOS_DA_INSTITUICAO],
                ),
                validadas=linha["validadas"],
                esperadas=linha["esperadas"],
            )
            for linha in por_instituicao
        ],
    )


# What the coverage tables show of an institution (in the model's field
# order, as Model.from_db reads them): any other field is read on access.
CAMPOS_DA_INSTITUICAO = [
    f.attname
    for f in Instituicao._meta.concrete_fields
    if f.attname in {"id", "sigla", "slug", "nome"}
]


# The activity fields a roll-up reads (Grupo.adicionar's keywords besides n
# and hoje): one list for the queries and for activities already loaded.
CAMPOS_DE_GRUPO = ("situacao", "percentual", "peso", "prazo")


@dataclass
class Grupo:
    """A set of activities (an objective, an institution, the whole plan):
    how many there are in each displayed situação, and their execution."""

    total: int = 0
    por_situacao: Counter = field(default_factory=Counter)
    itens: list[indicadores.Item] = field(default_factory=list)

    def adicionar(self, *, situacao, percentual, peso, prazo, n: int, hoje: date) -> None:
        self.total += n
        self.por_situacao[indicadores.situacao_exibida(situacao, prazo, hoje)] += n
        self.itens.append(indicadores.Item(situacao, percentual, peso * n))

    @classmethod
    def de_atividades(cls, atividades, hoje: date) -> "Grupo":
        """A group of activities already loaded, one by one."""
        grupo = cls()
        for atividade in atividades:
            grupo.adicionar(**{c: getattr(atividade, c) for c in CAMPOS_DE_GRUPO}, n=1, hoje=hoje)
        return grupo

    @classmethod
    def somar(cls, grupos) -> "Grupo":
        """The union of disjoint groups (the plan from its objectives)."""
        soma = cls()
        for grupo in grupos:
            soma.total += grupo.total
            soma.por_situacao.update(grupo.por_situacao)
            soma.itens += grupo.itens
        return soma

    @cached_property
    def execucao(self) -> Decimal | None:
        """The group's execution (plano.indicadores.execucao), computed once:
        read it when the group is complete."""
        return indicadores.execucao(self.itens)

    def situacoes(self) -> list[dict]:
        """Every displayed situação in the legend's order, with its count, its
        share of the total and where its segment starts in a stacked bar."""
        linhas, inicio = [], Decimal(0)
        for valor, rotulo in indicadores.SITUACOES_EXIBIDAS:
            n = self.por_situacao[valor]
            parte = (Decimal(100) * n / self.total if self.total else Decimal(0)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            linhas.append(
                {"valor": valor, "rotulo": rotulo, "n": n, "percentual": parte, "inicio": inicio}
            )
            inicio += parte
        return linhas


def _campos_de_grupo(caminho: str) -> dict:
    """The activity fields Grupo.adicionar takes, for .values() of a query
    that reaches the activities through `caminho`."""
    return {campo: F(caminho + campo) for campo in CAMPOS_DE_GRUPO}


@dataclass
class ResumoDoObjetivo(Grupo):
    codigo: str = ""
    texto: str = ""


# resumo_do_plano's two queries, compiled once (comum.sql_compilado): the
# objectives, and the plan's activities grouped by objective and by all the
# rules look at (without the objectives' texts among the grouping keys: at
# 100 times the plan's size, 3.7 ms of 14).
_OBJETIVOS = Compilada(
    lambda plano_id: (
        Objetivo.objects.filter(plano_id=plano_id)
        .order_by("numero")
        .values("pk", "codigo", "texto")
    )
)
_ATIVIDADES_AGRUPADAS = Compilada(
    lambda plano_id: (
        Atividade.objects.filter(acao__objetivo__plano_id=plano_id)
        .values("acao__objetivo_id", *CAMPOS_DE_GRUPO)
        .annotate(n=Count("pk"))
        .order_by()
    )
)


def objetivos_a_resumir(plano: Plano) -> dict[int, ResumoDoObjetivo]:
    """Each objective of the plan, by id, in code order, nothing counted yet
    (one query)."""
    return {
        pk: ResumoDoObjetivo(codigo=codigo, texto=texto)
        for pk, codigo, texto in _OBJETIVOS.tuplas(plano.pk)
    }


def resumo_do_plano(plano: Plano, hoje: date) -> tuple[Grupo, list[ResumoDoObjetivo]]:
    """The whole plan and each objective, in code order (two queries). An
    objective without activities is listed with nothing to measure."""
    objetivos = objetivos_a_resumir(plano)
    for objetivo, situacao, percentual, peso, prazo, n in _ATIVIDADES_AGRUPADAS.tuplas(plano.pk):
        objetivos[objetivo].adicionar(
            situacao=situacao, percentual=percentual, peso=peso, prazo=prazo, n=n, hoje=hoje
        )
    return Grupo.somar(objetivos.values()), list(objetivos.values())


def resumo_por_instituicao(plano: Plano, hoje: date) -> dict[int, Grupo]:
    """Each institution's linked activities of the plan, keyed by institution
    id (one query); institutions without links are absent."""
    linhas = (
        Vinculo.objects.filter(atividade__acao__objetivo__plano=plano)
        .values(
            "instituicao_id",
            **_campos_de_grupo("atividade__"),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    grupos: dict[int, Grupo] = {}
    for linha in linhas:
        grupo = grupos.setdefault(linha.pop("instituicao_id"), Grupo())
        grupo.adicionar(**linha, hoje=hoje)
    return grupos

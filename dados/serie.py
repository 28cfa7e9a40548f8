"""The plan through its cycles, for the open data: the rows of the `serie`
data set (each activity at the close of each cycle opened so far) and the
activities as at one cycle's close (`?ciclo=` on the activities' files and
API). Both read monitoramento.ciclos.serie_do_plano, the function behind the
painel's `?ciclo=`, so the open data gives the painel's numbers."""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from monitoramento.ciclos import (
    SituacaoNoCiclo,
    ciclos_para_escolha,
    plano_no_ciclo,
    serie_do_plano,
)
from monitoramento.models import Ciclo
from parceiros.models import Instituicao
from plano.filters import PRAZO_A_VENCER, PRAZO_VENCIDO, SEM_PRAZO
from plano.historico import vinculos_nas_datas
from plano.indicadores import ATRASADA
from plano.models import Atividade, Plano

from .parametros import ParametrosInvalidos, sem_nulos

# The activity filters whose meaning depends on the date and the deadline:
# with ?ciclo= they apply to the cycle's view (its evaluation date, the
# deadline then in force), not to today's.
FILTROS_DO_CICLO = ("situacao", "prazo")


@dataclass(frozen=True)
class NoCiclo:
    """An activity as at the close of a cycle (monitoramento.ciclos)."""

    ciclo: Ciclo
    data: date  # the evaluation date
    situacao: SituacaoNoCiclo

    @property
    def atrasada(self) -> bool:
        return self.situacao.exibida == ATRASADA


@dataclass(frozen=True)
class LinhaDaSerie(NoCiclo):
    plano: str = ""
    atividade: Mapping | None = None  # .values() of the activity
    instituicoes: tuple[str, ...] = ()  # identifiers linked on the evaluation date


def ciclos_da_serie(plano: Plano, hoje: date | None = None) -> list[Ciclo]:
    """The cycles opened so far, oldest first (one query)."""
    return ciclos_para_escolha(plano, hoje)[::-1]


def codigos_da_serie(plano: Plano) -> list[str]:
    """The codes ?ciclo= accepts: the cycles opened so far (one query)."""
    return [c.codigo for c in ciclos_da_serie(plano)]


def ciclo_dos_parametros(plano: Plano, params: Mapping | None, hoje=None) -> Ciclo | None:
    """The cycle ?ciclo= names among those opened so far (one query when
    given), None without it; any other value raises ParametrosInvalidos
    (a 400 naming the accepted codes)."""
    valor = params.get("ciclo") if params else None
    if valor is None:
        return None
    if erros := sem_nulos({"ciclo": valor}):
        raise ParametrosInvalidos(erros)
    ciclos = ciclos_da_serie(plano, hoje)
    ciclo = next((c for c in ciclos if c.codigo == valor.strip()), None)
    if ciclo is None:
        raise ParametrosInvalidos(
            {
                "ciclo": {
                    "valor": valor,
                    "mensagem": "Ciclo inexistente ou ainda não aberto.",
                    "valores_permitidos": [c.codigo for c in ciclos],
                }
            }
        )
    return ciclo


def sem_filtros_do_ciclo(params):
    """The parameters without those the cycle's view applies itself."""
    copia = params.copy()
    for nome in FILTROS_DO_CICLO:
        copia.pop(nome, None)
    return copia


def passa_nos_filtros_do_ciclo(no_ciclo: NoCiclo, filtros: Mapping) -> bool:
    """Whether the activity at the cycle's close passes the situação and
    prazo filters, as AtividadeFilter reads them today."""
    situacao, prazo, data = no_ciclo.situacao.exibida, no_ciclo.situacao.prazo, no_ciclo.data
    if filtros.get("situacao") and situacao != filtros["situacao"]:
        return False
    escolhido = filtros.get("prazo")
    if escolhido == PRAZO_VENCIDO:
        return prazo is not None and prazo < data
    if escolhido == PRAZO_A_VENCER:
        return prazo is not None and data <= prazo <= data + timedelta(days=365)
    if escolhido == SEM_PRAZO:
        return prazo is None
    return True


class VisaoDoCiclo:
    """The plan's activities at a cycle's close (three queries: activities,
    reports, deadlines' history), to mark the records of a data set with."""

    def __init__(self, plano: Plano, ciclo: Ciclo, hoje: date | None = None):
        atividades = Atividade.objects.do_plano(plano).values("pk", "prazo")
        self.visao = plano_no_ciclo(ciclo, atividades, hoje)

    def de(self, pk: int) -> NoCiclo:
        return NoCiclo(self.visao.ciclo, self.visao.data, self.visao.situacoes[pk])

    def que_passam(self, filtros: Mapping) -> list[int]:
        """The activities that pass the cycle's own filters."""
        return [
            pk for pk in self.visao.situacoes if passa_nos_filtros_do_ciclo(self.de(pk), filtros)
        ]

    def marcar(self, atividades: Iterable[Atividade]) -> Iterator[Atividade]:
        """Each activity with `no_ciclo` set, which the columns read."""
        for atividade in atividades:
            atividade.no_ciclo = self.de(atividade.pk)
            yield atividade


class Serie(Sequence):
    """The rows of the `serie` data set: one per activity per cycle opened so
    far, cycle by cycle, each activity in code order; optionally only some
    cycles or activities (the API's filters). Two queries up front (cycles,
    activities); the views are computed when rows are read, and a slice (a
    page of the API) computes only the cycles it covers: five queries more
    (reports and deadlines, serie_do_plano; links in force, three) and the
    institutions' identifiers, whatever the number of cycles and activities."""

    def __init__(
        self,
        plano: Plano,
        hoje: date | None = None,
        *,
        ciclo: str | None = None,
        objetivo: str | None = None,
        atividade: str | None = None,
    ):
        self.plano = plano
        self.hoje = hoje or timezone.localdate()
        self.ciclos = [
            c for c in ciclos_da_serie(plano, self.hoje) if ciclo is None or c.codigo == ciclo
        ]
        self.atividades = [
            a
            for a in Atividade.objects.do_plano(plano)
            .em_ordem()
            .values("pk", "codigo", "prazo", "peso", "acao__codigo", "acao__objetivo__codigo")
            if (objetivo is None or a["acao__objetivo__codigo"] == objetivo)
            and (atividade is None or a["codigo"] == atividade)
        ]

    def __len__(self) -> int:
        return len(self.ciclos) * len(self.atividades) if self.atividades else 0

    def _linhas(self, ciclos: list[Ciclo]) -> list[LinhaDaSerie]:
        if not ciclos or not self.atividades:
            return []
        visoes = serie_do_plano(ciclos, self.atividades, self.hoje)
        datas = sorted({v.data for v in visoes.values()})
        vinculos = vinculos_nas_datas(self.plano.pk, datas)
        slugs = dict(Instituicao.objects.values_list("pk", "slug"))
        linhas = []
        for ciclo in ciclos:
            visao = visoes[ciclo.pk]
            por_atividade: dict[int, list[str]] = {}
            for atividade_id, instituicao_id in vinculos[visao.data]:
                por_atividade.setdefault(atividade_id, []).append(slugs[instituicao_id])
            linhas.extend(
                LinhaDaSerie(
                    ciclo=ciclo,
                    data=visao.data,
                    situacao=visao.situacoes[atividade["pk"]],
                    plano=self.plano.sigla,
                    atividade=atividade,
                    instituicoes=tuple(sorted(por_atividade.get(atividade["pk"], ()))),
                )
                for atividade in self.atividades
            )
        return linhas

    def __iter__(self) -> Iterator[LinhaDaSerie]:
        return iter(self._linhas(self.ciclos))

    def __getitem__(self, indice):
        if not isinstance(indice, slice):
            return self[indice : indice + 1][0]
        inicio, fim, passo = indice.indices(len(self))
        if inicio >= fim:
            return []
        n = len(self.atividades)
        primeiro, ultimo = inicio // n, (fim - 1) // n
        linhas = self._linhas(self.ciclos[primeiro : ultimo + 1])
        return linhas[inicio - primeiro * n : fim - primeiro * n : passo]


def linhas_da_serie(plano: Plano, hoje: date | None = None) -> Serie:
    """Every row of the `serie` data set (Serie)."""
    return Serie(plano, hoje)

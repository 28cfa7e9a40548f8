"""The plan at the close of a cycle: the one function behind every view of
an earlier cycle (painel, plan and item pages, open data, semestral report).

Definitions (the methodology page states them, from DEFINICOES below):

- Each activity takes the situação and % of its latest published report whose
  cycle is X or earlier: latest cycle first, then latest validation.
- A correction published after X closed, for X or an earlier cycle, changes
  the view of X; `PlanoNoCiclo.corrigido_em` says when the latest one was.
- Lateness is judged on the evaluation date (the end of X's period,
  Ciclo.fim; today for a cycle still open or not yet ended), against the
  deadline in force on that date (prazos_em_vigor).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from plano.indicadores import Situacao, situacao_exibida
from plano.models import Atividade, Objetivo, Plano

from .indicadores import Grupo, ResumoDoObjetivo
from .models import Atualizacao, Ciclo

DEFINICOES = [
    "A situação e o % de cada atividade no fechamento de um ciclo são os do seu último relato "
    "publicado referente a esse ciclo ou a um anterior (primeiro o ciclo mais recente, depois a "
    "validação mais recente).",
    "Uma correção publicada depois, para esse ciclo ou um anterior, muda a visão do ciclo; a "
    "página informa a data da correção.",
    "O atraso é avaliado no último dia do período do ciclo, contra o prazo em vigor nessa data. "
    "Para um ciclo ainda aberto, a avaliação é feita na data de hoje.",
    "O prazo em vigor numa data é o último valor registrado no histórico até essa data. Definir o "
    "primeiro prazo de uma atividade (de vazio para uma data) não é uma alteração: esse prazo "
    "original vale desde o início. Sem histórico, vale o prazo atual.",
]


def data_de_avaliacao(ciclo: Ciclo, hoje: date | None = None) -> date:
    """The date a cycle's view is evaluated on: the end of its period, or
    today while it is open for reports or its period has not ended."""
    hoje = hoje or timezone.localdate()
    if ciclo.esta_aberto(hoje) or hoje < ciclo.fim:
        return hoje
    return ciclo.fim


def _dia(momento: datetime) -> date:
    return timezone.localtime(momento).date() if timezone.is_aware(momento) else momento.date()


@dataclass(frozen=True)
class Prazos:
    """An activity's deadlines as history records them."""

    em_vigor: date | None
    original: date | None


def prazos_em_vigor(plano_id: int, data: date, atuais: dict[int, date | None]) -> dict[int, Prazos]:
    """Each activity's deadline in force on `data` and its original deadline
    (the first non-empty one), from the activities' history (one query).

    `atuais` maps each activity to its current deadline, used where history
    records nothing. Setting a first deadline (empty -> date) is not a change:
    the original deadline holds from the start."""
    registros = defaultdict(list)
    for pk, prazo, quando in (
        Atividade.history.filter(acao__objetivo__plano_id=plano_id)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "prazo", "history_date")
        .iterator()
    ):
        registros[pk].append((prazo, _dia(quando)))
    resultado = {}
    for pk, atual in atuais.items():
        historia = registros.get(pk)
        if not historia:
            resultado[pk] = Prazos(atual, atual)
            continue
        original = next((p for p, _ in historia if p is not None), None)
        ate_a_data = [p for p, quando in historia if quando <= data]
        definido = any(p is not None for p in ate_a_data)
        em_vigor = ate_a_data[-1] if definido else original
        resultado[pk] = Prazos(em_vigor, original)
    return resultado


def prazos_originais(plano_id: int, atuais: dict[int, date | None]) -> dict[int, date | None]:
    """Each activity's original deadline (one query)."""
    hoje = timezone.localdate()
    return {pk: p.original for pk, p in prazos_em_vigor(plano_id, hoje, atuais).items()}


@dataclass(frozen=True)
class SituacaoNoCiclo:
    situacao: str  # stored code, "sem_informacao" without a published report
    percentual: int | None
    exibida: str  # with "atrasada", as on the evaluation date
    prazo: date | None = None  # in force on the evaluation date
    relato_no_ciclo: bool = False  # a report for this very cycle was published


@dataclass
class PlanoNoCiclo:
    ciclo: Ciclo
    data: date  # the evaluation date
    situacoes: dict[int, SituacaoNoCiclo] = field(default_factory=dict)
    corrigido_em: datetime | None = None  # latest correction published after the close


def plano_no_ciclo(ciclo: Ciclo, atividades, hoje: date | None = None) -> PlanoNoCiclo:
    """The plan at the close of `ciclo`, for the given activities (objects or
    dicts with pk and prazo): two queries, the published reports up to the
    cycle and the deadlines' history."""
    data = data_de_avaliacao(ciclo, hoje)
    atuais = {}
    for atividade in atividades:
        if isinstance(atividade, dict):
            atuais[atividade["pk"]] = atividade["prazo"]
        else:
            atuais[atividade.pk] = atividade.prazo
    ultimos, no_ciclo, corrigido_em = {}, set(), None
    for atividade_id, ciclo_id, situacao, percentual, validado_em in (
        Atualizacao.objects.publicadas()
        .filter(ciclo__plano_id=ciclo.plano_id, ciclo__inicio__lte=ciclo.inicio)
        .em_ordem_de_publicacao()
        .values_list("atividade_id", "ciclo_id", "situacao", "percentual", "validado_em")
        .iterator()
    ):
        ultimos[atividade_id] = (situacao, percentual)
        if ciclo_id == ciclo.pk:
            no_ciclo.add(atividade_id)
        if validado_em and _dia(validado_em) > ciclo.encerramento and data == ciclo.fim:
            corrigido_em = max(corrigido_em or validado_em, validado_em)
    prazos = prazos_em_vigor(ciclo.plano_id, data, atuais)
    resultado = PlanoNoCiclo(ciclo=ciclo, data=data, corrigido_em=corrigido_em)
    for pk in atuais:
        situacao, percentual = ultimos.get(pk, (Situacao.SEM_INFORMACAO, None))
        prazo = prazos[pk].em_vigor
        resultado.situacoes[pk] = SituacaoNoCiclo(
            situacao,
            percentual,
            situacao_exibida(situacao, prazo, data),
            prazo,
            pk in no_ciclo,
        )
    return resultado


def situacoes_no_ciclo(ciclo: Ciclo, atividades, hoje: date | None = None):
    """Each activity's situation at the close of the cycle (plano_no_ciclo)."""
    return plano_no_ciclo(ciclo, atividades, hoje).situacoes


def resumo_no_ciclo(
    plano: Plano, ciclo: Ciclo, hoje: date | None = None
) -> tuple[Grupo, list[ResumoDoObjetivo], PlanoNoCiclo]:
    """resumo_do_plano as the plan stood at the close of `ciclo` (four
    queries: objectives, activities, reports, deadlines' history)."""
    objetivos = {
        pk: ResumoDoObjetivo(codigo=codigo, texto=texto)
        for pk, codigo, texto in Objetivo.objects.filter(plano=plano)
        .order_by("numero")
        .values_list("pk", "codigo", "texto")
    }
    atividades = list(
        Atividade.objects.do_plano(plano).values("pk", "prazo", "peso", "acao__objetivo_id")
    )
    visao = plano_no_ciclo(ciclo, atividades, hoje)
    for atividade in atividades:
        s = visao.situacoes[atividade["pk"]]
        objetivos[atividade["acao__objetivo_id"]].adicionar(
            situacao=s.situacao,
            percentual=s.percentual,
            peso=atividade["peso"],
            prazo=s.prazo,
            n=1,
            hoje=visao.data,
        )
    return Grupo.somar(objetivos.values()), list(objetivos.values()), visao


def ciclo_pedido(plano: Plano, codigo: str | None, hoje: date | None = None) -> Ciclo | None:
    """The cycle `?ciclo=` names among those already opened (one query), None
    without the parameter; raises Ciclo.DoesNotExist for any other value."""
    if not codigo:
        return None
    hoje = hoje or timezone.localdate()
    return Ciclo.objects.select_related("plano").get(
        plano=plano, codigo=codigo.strip()[:10], abertura__lte=hoje
    )


def ciclos_para_escolha(plano: Plano, hoje: date | None = None) -> list[Ciclo]:
    """The cycles a visitor can pick: those opened on or before today, latest first."""
    hoje = hoje or timezone.localdate()
    return list(Ciclo.objects.filter(plano=plano, abertura__lte=hoje).order_by("-inicio"))

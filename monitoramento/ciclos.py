"""The plan at the close of a cycle: the one function behind every view of
an earlier cycle (painel, plan and item pages, open data, semestral report).

Definitions (the methodology page states them, from DEFINICOES below):

- Each activity takes the situação and % of its latest published report whose
  cycle is X or earlier: latest cycle first, then latest validation.
- A correction published after X closed, for X or an earlier cycle, changes
  the view of X; `PlanoNoCiclo.corrigido_em` says when the latest one was.
- Lateness is judged on the evaluation date (the end of X's period,
  Ciclo.fim; today for a cycle still open or not yet ended), against the
  deadline in force on that date (plano.historico.prazos_nas_datas).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, DateTimeField, Q, Value, When
from django.utils import timezone

from comum.datas import conversor_de_dias
from comum.sql_compilado import Compilada
from parceiros.models import Instituicao
from plano.historico import POUCAS_ATIVIDADES, prazos_nas_datas, vinculos_nas_datas
from plano.indicadores import FORA_DO_DENOMINADOR, Situacao, situacao_exibida
from plano.models import Atividade, Plano

from .indicadores import (
    CoberturaDaInstituicao,
    CoberturaDoCiclo,
    Grupo,
    ResumoDoObjetivo,
    objetivos_a_resumir,
)
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
    "As instituições que deviam relatar num ciclo são as vinculadas às atividades na data de "
    "avaliação do ciclo: um vínculo criado junto com a atividade vale desde o início; um "
    "acrescentado depois vale a partir do dia em que foi criado, e um removido, até o dia da "
    "remoção.",
]


def data_de_avaliacao(ciclo: Ciclo, hoje: date | None = None) -> date:
    """The date a cycle's view is evaluated on: the end of its period, or
    today while it is open for reports or its period has not ended."""
    hoje = hoje or timezone.localdate()
    if ciclo.esta_aberto(hoje) or hoje < ciclo.fim:
        return hoje
    return ciclo.fim


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


def serie_do_plano(
    ciclos: list[Ciclo], atividades, hoje: date | None = None, relatos=None
) -> dict[int, PlanoNoCiclo]:
    """The plan at the close of each of `ciclos` (of one plan), keyed by cycle
    id, for the given activities (objects, or dicts with pk and prazo). Two
    queries whatever the number of cycles: the published reports up to the
    latest cycle, and the deadlines' history; one when the caller already
    holds those activities' published reports (`relatos`, with their cycles,
    as an activity's page does)."""
    if not ciclos:
        return {}
    ciclos = sorted(ciclos, key=lambda c: c.inicio)
    plano_id = ciclos[0].plano_id
    atuais = {}
    for atividade in atividades:
        if isinstance(atividade, dict):
            atuais[atividade["pk"]] = atividade["prazo"]
        else:
            atuais[atividade.pk] = atividade.prazo
    datas = {c.pk: data_de_avaliacao(c, hoje) for c in ciclos}
    visoes = {c.pk: PlanoNoCiclo(ciclo=c, data=datas[c.pk]) for c in ciclos}
    # Reports in publication order (cycle, then validation), in one pass: the
    # latest per activity so far; a cycle's view is that state just before the
    # first report of a later cycle.
    ultimo: dict[int, tuple] = {}
    ultimos: dict[int, dict] = {}
    proximo = 0  # the next cycle whose view is still to take
    no_ciclo = {c.pk: set() for c in ciclos}
    # Closed cycles, whose views a correction published after their close changes.
    fechados = [(c.inicio, c.encerramento, visoes[c.pk]) for c in ciclos if datas[c.pk] == c.fim]
    dia_local = conversor_de_dias()
    if relatos is None:
        linhas = _relatos_publicados(plano_id, ciclos[-1], atuais, fechados)
    else:
        # Their validation time: the loop tells the corrections apart.
        linhas = [
            (r.atividade_id, r.ciclo_id, r.ciclo.inicio, r.situacao, r.percentual, r.validado_em)
            for r in sorted(relatos, key=lambda r: (r.ciclo.inicio, r.validado_em, r.pk))
            if r.ciclo.inicio <= ciclos[-1].inicio
        ]
    for atividade_id, ciclo_id, inicio, situacao, percentual, validado_em in linhas:
        if atividade_id not in atuais:
            continue
        while proximo < len(ciclos) and ciclos[proximo].inicio < inicio:
            ultimos[ciclos[proximo].pk] = dict(ultimo)
            proximo += 1
        ultimo[atividade_id] = (situacao, percentual)
        if ciclo_id in no_ciclo:
            no_ciclo[ciclo_id].add(atividade_id)
        if validado_em:
            dia = dia_local(validado_em)
            for inicio_do_ciclo, encerramento, visao in fechados:
                if inicio <= inicio_do_ciclo and dia > encerramento:
                    visao.corrigido_em = max(visao.corrigido_em or validado_em, validado_em)
    for c in ciclos[proximo:]:
        ultimos[c.pk] = ultimo
    prazos = prazos_nas_datas(plano_id, sorted(set(datas.values())), atuais)
    sem_relato = (Situacao.SEM_INFORMACAO, None)
    for c in ciclos:
        visao, ultimos_do_ciclo, relatadas = visoes[c.pk], ultimos[c.pk], no_ciclo[c.pk]
        prazos_na_data = prazos[visao.data]
        # Frozen values, shared by the activities that are alike in the
        # cycle: a plan of 7,500 has a few hundred distinct ones.
        iguais: dict[tuple, SituacaoNoCiclo] = {}
        for pk in atuais:
            situacao, percentual = ultimos_do_ciclo.get(pk, sem_relato)
            chave = (situacao, percentual, prazos_na_data[pk].em_vigor, pk in relatadas)
            s = iguais.get(chave)
            if s is None:
                s = iguais[chave] = SituacaoNoCiclo(
                    situacao,
                    percentual,
                    situacao_exibida(situacao, chave[2], visao.data),
                    chave[2],
                    chave[3],
                )
            visao.situacoes[pk] = s
    return visoes


def _relatos_publicados(plano_id: int, ultimo: Ciclo, atuais: dict, fechados):
    """serie_do_plano's reports, in publication order: activity, cycle, its
    start, situação, % and, when it may be a correction, its validation time."""
    relatos = Atualizacao.objects.publicadas().filter(
        ciclo__plano_id=plano_id, ciclo__inicio__lte=ultimo.inicio
    )
    if len(atuais) <= POUCAS_ATIVIDADES:
        # A few activities need their own reports, not the plan's.
        relatos = relatos.filter(atividade_id__in=list(atuais))
    return (
        relatos.em_ordem_de_publicacao()
        .annotate(correcao=_correcao(fechados))
        .values_list(
            "atividade_id", "ciclo_id", "ciclo__inicio", "situacao", "percentual", "correcao"
        )
        .iterator()
    )


def _correcao(fechados):
    """The report's validation time when it may be a correction of one of the
    closed cycles (`fechados`: for that cycle or an earlier one, validated
    after the local day the cycle closed), else NULL: a comparison in SQL, so
    that only those rows' moments are turned into Python values."""
    if not fechados:
        return Value(None, output_field=DateTimeField())
    depois_de_algum = Q()
    for inicio, encerramento, _ in fechados:
        limite = timezone.make_aware(datetime.combine(encerramento + timedelta(days=1), time.min))
        depois_de_algum |= Q(ciclo__inicio__lte=inicio, validado_em__gte=limite)
    return Case(When(depois_de_algum, then="validado_em"), output_field=DateTimeField())


_ATIVIDADES_A_AVALIAR = Compilada(
    lambda plano_id: Atividade.objects.do_plano(plano_id).values(
        "pk", "prazo", "peso", "acao__objetivo_id"
    )
)


def atividades_a_avaliar(plano_id: int) -> list[dict]:
    """The plan's activities as serie_do_plano and the roll-ups read them: id,
    deadline, weight and objective (one query, its SQL compiled once)."""
    return _ATIVIDADES_A_AVALIAR.linhas(plano_id)


def plano_no_ciclo(ciclo: Ciclo, atividades, hoje: date | None = None) -> PlanoNoCiclo:
    """The plan at the close of `ciclo` (serie_do_plano for one cycle; two queries)."""
    return serie_do_plano([ciclo], atividades, hoje)[ciclo.pk]


def situacoes_no_ciclo(ciclo: Ciclo, atividades, hoje: date | None = None):
    """Each activity's situation at the close of the cycle (plano_no_ciclo)."""
    return plano_no_ciclo(ciclo, atividades, hoje).situacoes


def resumo_no_ciclo(
    plano: Plano, ciclo: Ciclo, hoje: date | None = None
) -> tuple[Grupo, list[ResumoDoObjetivo], PlanoNoCiclo]:
    """resumo_do_plano as the plan stood at the close of `ciclo` (four
    queries: objectives, activities, reports, deadlines' history)."""
    objetivos = objetivos_a_resumir(plano)
    atividades = atividades_a_avaliar(plano.pk)
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


def cobertura_nos_ciclos(
    ciclos: list[Ciclo], hoje: date | None = None, visoes: dict[int, PlanoNoCiclo] | None = None
) -> dict[int, CoberturaDoCiclo]:
    """Reporting coverage of each of `ciclos` (of one plan) as it stood at
    its close, keyed by cycle id: monitoramento.indicadores.cobertura_do_ciclo's
    rule, with each activity's situação at the close (serie_do_plano) and the
    links in force on the evaluation date (plano.historico.vinculos_nas_datas).
    Eight queries, whatever the number of cycles: activities, reports and
    deadlines (serie_do_plano: none if `visoes` gives its result), links
    (three), the reports published for the cycles, the institutions."""
    if not ciclos:
        return {}
    plano_id = ciclos[0].plano_id
    if visoes is None:
        atividades = atividades_a_avaliar(plano_id)
        visoes = serie_do_plano(ciclos, atividades, hoje)
    vinculos = vinculos_nas_datas(plano_id, sorted({v.data for v in visoes.values()}))
    publicados = set(
        Atualizacao.objects.publicadas()
        .filter(ciclo__in=[c.pk for c in ciclos])
        .values_list("ciclo_id", "atividade_id", "instituicao_id")
    )
    instituicoes = Instituicao.objects.in_bulk(
        {instituicao for links in vinculos.values() for _, instituicao in links}
    )
    relatos_do_ciclo = defaultdict(set)
    for c, a, i in publicados:
        relatos_do_ciclo[c].add((a, i))
    resultado = {}
    for ciclo in ciclos:
        visao = visoes[ciclo.pk]
        relataram = relatos_do_ciclo[ciclo.pk]
        com_relato = {a for a, _ in relataram}
        esperados = [
            (a, i)
            for a, i in vinculos[visao.data]
            if visao.situacoes[a].situacao not in FORA_DO_DENOMINADOR
        ]
        atividades_esperadas = {a for a, _ in esperados}
        por_instituicao = {}
        for a, i in esperados:
            validadas, esperadas = por_instituicao.get(i, (0, 0))
            por_instituicao[i] = (validadas + ((a, i) in relataram), esperadas + 1)
        resultado[ciclo.pk] = CoberturaDoCiclo(
            ciclo=ciclo,
            validadas=len(atividades_esperadas & com_relato),
            esperadas=len(atividades_esperadas),
            por_instituicao=[
                CoberturaDaInstituicao(
                    instituicao=instituicoes[i], validadas=validadas, esperadas=esperadas
                )
                for i, (validadas, esperadas) in sorted(
                    por_instituicao.items(), key=lambda item: instituicoes[item[0]].sigla
                )
            ],
        )
    return resultado


def ciclo_pedido(plano: Plano, codigo: str | None, hoje: date | None = None) -> Ciclo | None:
    """The cycle `?ciclo=` names among those already opened (one query), None
    without the parameter; raises Ciclo.DoesNotExist for any other value."""
    if not codigo:
        return None
    hoje = hoje or timezone.localdate()
    return Ciclo.objects.select_related("plano").get(
        plano=plano, codigo=codigo.strip()[:10], abertura__lte=hoje
    )


# Every public page reads them (one plan has a dozen): its SQL compiled once.
_CICLOS = Compilada(lambda plano_id: Ciclo.objects.filter(plano_id=plano_id).order_by("-inicio"))


def ciclos_para_escolha(plano: Plano, hoje: date | None = None) -> list[Ciclo]:
    """The cycles a visitor can pick: those opened on or before today, latest first."""
    hoje = hoje or timezone.localdate()
    return [ciclo for ciclo in _CICLOS.objetos(plano.pk) if ciclo.abertura <= hoje]

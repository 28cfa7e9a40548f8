"""The painel's trends: the plan's execution and the reporting coverage at
the close of every cycle opened so far, in order, by the rules of
monitoramento.ciclos, so that each cycle's point is exactly what the painel
shows with ?ciclo= for that cycle (which reads it from here).

The methodology page states the rule, from DEFINICOES_DA_TENDENCIA below.
"""

import logging
import pickle
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from django.db import DatabaseError, transaction

from comum.sql_compilado import Compilada
from plano.models import Plano

from .ciclos import (
    PlanoNoCiclo,
    atividades_a_avaliar,
    cobertura_nos_ciclos,
    data_de_avaliacao,
    serie_do_plano,
)
from .indicadores import CoberturaDoCiclo, Grupo, ResumoDoObjetivo, objetivos_a_resumir
from .models import Ciclo, HistoriaGuardada

logger = logging.getLogger(__name__)

DEFINICOES_DA_TENDENCIA = [
    "Os gráficos “Execução por ciclo” e “Cobertura dos relatos por ciclo” do painel mostram, "
    "para cada ciclo já aberto, em ordem, os mesmos números que o painel mostra quando esse "
    "ciclo é escolhido em “Mostrar o plano”: a execução ponderada do plano e de cada objetivo "
    "específico e a cobertura dos relatos, geral e por instituição, no fechamento do ciclo.",
    "O ponto de um ciclo ainda aberto, ou cujo período ainda não terminou, é avaliado na data de "
    "hoje e muda com cada relato publicado; o de um ciclo encerrado só muda com uma correção "
    "publicada depois do encerramento.",
    "Quando há objetivos ou instituições demais para um gráfico legível, o gráfico mostra os que "
    "têm mais atividades e a tabela ao lado traz todos, com cada número do gráfico.",
]


@dataclass(frozen=True)
class PontoDaTendencia:
    """The plan at the close of one cycle: resumo_no_ciclo's and
    cobertura_nos_ciclos's results for it."""

    ciclo: Ciclo
    visao: PlanoNoCiclo
    geral: Grupo
    objetivos: list[ResumoDoObjetivo]
    cobertura: CoberturaDoCiclo


def tendencias_do_plano(
    plano: Plano, ciclos: list[Ciclo], hoje: date | None = None
) -> list[PontoDaTendencia]:
    """One point per cycle of `ciclos` (of `plano`; the painel passes those
    opened so far), in the order of their periods. Nine queries whatever the
    number of cycles, activities and reports: objectives, activities, the
    reports and the deadlines' history (serie_do_plano), then the coverage
    (cobertura_nos_ciclos: links' history (three), the cycles' published
    reports, the institutions)."""
    ciclos = sorted(ciclos, key=lambda c: c.inicio)
    if not ciclos:
        return []
    objetivos = objetivos_a_resumir(plano)
    atividades = atividades_a_avaliar(plano.pk)
    visoes = serie_do_plano(ciclos, atividades, hoje)
    coberturas = cobertura_nos_ciclos(ciclos, hoje, visoes)
    pontos = []
    for ciclo in ciclos:
        visao = visoes[ciclo.pk]
        # Activities grouped by everything the rules look at, as
        # indicadores.resumo_do_plano does: the same numbers, one rule call
        # per group instead of one per activity.
        grupos = Counter()
        for atividade in atividades:
            s = visao.situacoes[atividade["pk"]]
            objetivo = atividade["acao__objetivo_id"]
            grupos[objetivo, s.situacao, s.percentual, atividade["peso"], s.prazo] += 1
        resumos = {
            pk: ResumoDoObjetivo(codigo=o.codigo, texto=o.texto) for pk, o in objetivos.items()
        }
        for (objetivo, situacao, percentual, peso, prazo), n in grupos.items():
            resumos[objetivo].adicionar(
                situacao=situacao,
                percentual=percentual,
                peso=peso,
                prazo=prazo,
                n=n,
                hoje=visao.data,
            )
        pontos.append(
            PontoDaTendencia(
                ciclo=ciclo,
                visao=visao,
                geral=Grupo.somar(resumos.values()),
                objetivos=list(resumos.values()),
                cobertura=coberturas[ciclo.pk],
            )
        )
    return pontos


def encerrados(ciclos: list[Ciclo], hoje: date) -> list[Ciclo]:
    """The leading cycles, in the order of their periods, whose point is
    final: closed for reports and evaluated at the end of their period
    (data_de_avaliacao). Such a point no longer depends on the date, and
    changes only with an edit of the plan's history or a correction (a report
    published for that cycle or an earlier one, after its close)."""
    fechados = []
    for ciclo in sorted(ciclos, key=lambda c: c.inicio):
        if data_de_avaliacao(ciclo, hoje) != ciclo.fim:
            break
        fechados.append(ciclo)
    return fechados


def _resumido(grupo):
    """The group with its execution computed and without its items."""
    resumido = replace(grupo, itens=[])
    resumido.execucao = grupo.execucao
    return resumido


def sem_situacoes(ponto: PontoDaTendencia) -> PontoDaTendencia:
    """The point as the painel keeps it: without each activity's situation and
    each group's items, their numbers computed (a few objects per objective
    instead of one per activity)."""
    return replace(
        ponto,
        visao=replace(ponto.visao, situacoes={}),
        geral=_resumido(ponto.geral),
        objetivos=[_resumido(o) for o in ponto.objetivos],
    )


def ponto_atual(
    ciclo: Ciclo, hoje: date, geral: Grupo, objetivos: list[ResumoDoObjetivo], cobertura
) -> PontoDaTendencia:
    """The point of the latest opened cycle while it is still evaluated today:
    the plan's current numbers (monitoramento.indicadores), which are by
    construction its latest published reports (none is ever published for a
    cycle not yet opened), today's deadlines and links. The painel takes it
    from there instead of reading every report again."""
    return PontoDaTendencia(
        ciclo=ciclo,
        visao=PlanoNoCiclo(ciclo=ciclo, data=hoje),
        geral=geral,
        objetivos=objetivos,
        cobertura=cobertura,
    )


_HISTORIA = Compilada(
    lambda chave: HistoriaGuardada.objects.filter(chave=chave).values_list("conteudo")
)


def historia_guardada(
    plano: Plano, chave: str, calcular: Callable[[], object], *, guardar: bool = True
):
    """calcular()'s value, kept in the database under `chave` (which must
    name everything it depends on and the deployed code), for every app
    server and across restarts: one query when it is there. Otherwise it is
    computed and, if `guardar`, replaces the plan's rows (two more queries;
    another server may have kept the same meanwhile). Keeping is a
    saving, never a condition: a row that does not load is computed anew,
    and a write that fails is logged and the value served all the same."""
    linhas = _HISTORIA.tuplas(chave)
    if linhas:
        try:
            return pickle.loads(linhas[0][0])  # noqa: S301 - written below, from our own objects
        except Exception:  # noqa: BLE001 - any unpickling error is a miss
            logger.warning("história guardada ilegível", extra={"chave": chave}, exc_info=True)
    valor = calcular()
    if not guardar:
        return valor
    conteudo = pickle.dumps(valor, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with transaction.atomic():
            HistoriaGuardada.objects.filter(plano=plano).delete()
            HistoriaGuardada.objects.bulk_create(
                [HistoriaGuardada(plano=plano, chave=chave, conteudo=conteudo)],
                ignore_conflicts=True,
            )
    except DatabaseError:
        logger.warning("história não guardada", extra={"chave": chave}, exc_info=True)
    return valor

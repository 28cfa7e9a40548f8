"""The painel and the institutional pages (sobre, metodologia, acessibilidade,
privacidade)."""

import hashlib
import json
import re
from datetime import timedelta
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.db.models import Subquery
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from comum.sql_compilado import Compilada
from dados.versao import momentos_da_historia, plano_com_versao, versao_da_historia
from monitoramento.ciclos import DEFINICOES, ciclos_para_escolha
from monitoramento.indicadores import cobertura_do_ciclo, resumo_do_plano
from monitoramento.models import Atualizacao, Ciclo
from monitoramento.tendencias import (
    DEFINICOES_DA_TENDENCIA,
    encerrados,
    historia_guardada,
    ponto_atual,
    sem_situacoes,
    tendencias_do_plano,
)
from plano import indicadores
from plano.historico import alteracoes_de_texto, prazos_alterados
from plano.indicadores import Item, Situacao
from plano.templatetags.numeros import percentual_e_barra

from .plano import plano_padrao
from .tendencias import cobertura_por_ciclo, execucao_por_ciclo, html_da_tendencia

ULTIMOS_RELATOS = 5
# The data version moves with every saved change and every publication, but
# two transactions committing out of order could leave a version that an older
# snapshot was rendered under: an entry lives at most this long.
PAINEL_EM_CACHE_SEGUNDOS = 300
# For the same reason, the closed cycles' history is kept in the database
# (for good) only once its newest moment is this old: by then every
# transaction that began before it has committed.
HISTORIA_ASSENTADA_SEGUNDOS = 300
TEXTOS_DO_PLANO = settings.BASE_DIR / "fixtures" / "sobre_i_paecm.json"


CODIGO_DE_CICLO = re.compile(r"^[0-9A-Za-z._-]{1,10}$")


def painel(request):
    # Queries: 1. the plan with its data version (dados.versao). The painel's
    # numbers depend only on the public data, on the date and on ?ciclo=, so
    # their HTML is kept in the "paginas" cache under all three; on a miss,
    # 2. the cycles opened so far (the selector; the first is the current
    # one); 3-4. the objectives and the activities grouped by objective,
    # situação, %, weight and deadline (the current numbers); 5-6. the
    # current cycle's coverage, overall and per institution; 7. when a cycle
    # is closed, the latest report published for one (_historia: the closed
    # cycles' trend points and how many deadlines changed are kept under it
    # and the history's version; when they are not, 8-17. the plan at the
    # close of each closed cycle (monitoramento.tendencias: objectives,
    # activities, reports, deadlines' history, links' history (three), the
    # cycles' published reports, institutions) and the deadlines changed (the
    # activities' history)); then the latest published reports: 8 queries
    # when the history is kept in the process, 9 when it is read from the
    # database (historia_guardada), 23 when it is computed and kept there. A
    # cycle still open besides the current one (rare: the previous one, while
    # late reports are accepted) is computed apart.
    hoje = timezone.localdate()
    codigo = request.GET.get("ciclo", "").strip()
    if codigo and not CODIGO_DE_CICLO.match(codigo):
        raise Http404("Ciclo não encontrado.")
    plano = plano_com_versao()
    versao = plano.ultima_alteracao.isoformat() if plano.ultima_alteracao else "-"
    chave = f"painel:{plano.pk}:{versao}:{hoje.isoformat()}:{codigo}"
    conteudo = caches["paginas"].get(chave)
    if conteudo is None:
        conteudo = render_to_string("paginas/_painel.html", _numeros_do_painel(plano, hoje, codigo))
        caches["paginas"].set(chave, conteudo, PAINEL_EM_CACHE_SEGUNDOS)
    return render(request, "painel.html", {"plano": plano, "conteudo": conteudo})


# The painel's fixed queries, compiled once (comum.sql_compilado): the latest
# report published for a closed cycle (the leading cycles up to the given
# one), and the latest reports, of the plan or of one cycle.
_ULTIMA_CORRECAO = Compilada(
    lambda plano_id, ciclo_id: (
        Atualizacao.objects.publicadas()
        .filter(
            ciclo__plano_id=plano_id,
            ciclo__inicio__lte=Subquery(Ciclo.objects.filter(pk=ciclo_id).values("inicio")),
        )
        .order_by("-validado_em")
        .values_list("validado_em")[:1]
    )
)
_RECENTES = Compilada(
    lambda plano_id: Atualizacao.objects.recentes_do_plano(plano_id)[:ULTIMOS_RELATOS]
)
_RECENTES_DO_CICLO = Compilada(
    lambda plano_id, ciclo_id: Atualizacao.objects.recentes_do_plano(plano_id).filter(
        ciclo_id=ciclo_id
    )[:ULTIMOS_RELATOS]
)


def _historia(plano, ciclos, hoje) -> tuple[list, int]:
    """The trend points of the closed cycles (monitoramento.tendencias.encerrados)
    and how many deadlines changed: they move only with an edit of the plan's
    history (dados.versao.versao_da_historia), a report published for one of
    those cycles (a correction) or a deploy (the rules are code), so they are
    kept under all three, in the process ("paginas") and, once settled
    (HISTORIA_ASSENTADA_SEGUNDOS), in the database for every server and
    restart (historia_guardada): a publication in the open cycle renders the
    painel without reading every report again."""
    fechados = encerrados(ciclos, hoje)
    correcao, ultima = "-", None
    if fechados:
        linhas = _ULTIMA_CORRECAO.tuplas(plano.pk, fechados[-1].pk)
        ultima = linhas[0][0] if linhas else None
        correcao = ultima.isoformat() if ultima else "-"
    ids = ",".join(str(c.pk) for c in fechados)
    versao = f"{settings.BUILD_ID}:{versao_da_historia(plano)}:{correcao}:{ids}"
    chave = f"historia:{plano.pk}:" + hashlib.sha256(versao.encode()).hexdigest()[:32]
    guardada = caches["paginas"].get(chave)
    if guardada is None:
        momentos = [m for m in [*momentos_da_historia(plano), ultima] if m]
        idade = (timezone.now() - max(momentos)).total_seconds() if momentos else None
        guardada = historia_guardada(
            plano,
            chave,
            lambda: (
                [sem_situacoes(p) for p in tendencias_do_plano(plano, fechados, hoje)],
                prazos_alterados(plano),
            ),
            guardar=idade is None or idade > HISTORIA_ASSENTADA_SEGUNDOS,
        )
        caches["paginas"].set(chave, guardada, PAINEL_EM_CACHE_SEGUNDOS)
    return guardada


def _linhas_dos_objetivos(objetivos) -> SafeString:
    """The rows of the painel's "Execução por objetivo específico" table,
    built in Python: a plan 100 times larger has 400 objectives."""
    return mark_safe(  # noqa: S308 - every text escaped
        "".join(
            f'\n      <tr>\n        <th scope="row"><a href="/plano/{escape(o.codigo)}/">'
            f'<span class="codigo">{escape(o.codigo)}</span> {escape(o.texto)}</a></th>\n'
            f'        <td class="numero">{o.total}</td>\n'
            f'        <td class="barra-celula">{percentual_e_barra(o.execucao)}</td>\n'
            "      </tr>\n    "
            for o in objetivos
        )
    )


def _tendencia(figura, tendencias, codigo: str) -> str:
    """A trend section (paginas.tendencias), none before the first cycle."""
    return html_da_tendencia(figura(tendencias, codigo), tendencias) if tendencias else ""


def _numeros_do_painel(plano, hoje, codigo: str = "") -> dict:
    ciclos = ciclos_para_escolha(plano, hoje)
    ciclo = ciclos[0] if ciclos else None
    geral, objetivos = resumo_do_plano(plano, hoje)
    cobertura = cobertura_do_ciclo(ciclo) if ciclo else None
    tendencias, alterados = _historia(plano, ciclos, hoje)
    abertos = [c for c in reversed(ciclos) if c not in {p.ciclo for p in tendencias}]
    if abertos == [ciclo]:
        tendencias = [*tendencias, ponto_atual(ciclo, hoje, geral, objetivos, cobertura)]
    elif abertos:
        tendencias = [*tendencias, *tendencias_do_plano(plano, abertos, hoje)]
    visao = None
    data = hoje
    if codigo:
        ponto = next((p for p in tendencias if p.ciclo.codigo == codigo), None)
        if ponto is None:
            raise Http404("Ciclo não encontrado.")
        ciclo, visao = ponto.ciclo, ponto.visao
        geral, objetivos, cobertura = ponto.geral, ponto.objetivos, ponto.cobertura
        data = visao.data
        ultimos = _RECENTES_DO_CICLO.objetos(plano.pk, ciclo.pk)
    else:
        ultimos = _RECENTES.objetos(plano.pk)
    return {
        "plano": plano,
        "geral": geral,
        "linhas_dos_objetivos": _linhas_dos_objetivos(objetivos),
        "sem_relato": geral.por_situacao[Situacao.SEM_INFORMACAO],
        "prazos_alterados": alterados,
        "tempo_decorrido": indicadores.tempo_decorrido(plano.inicio, plano.fim, data),
        "ciclo": ciclo,
        "ciclos": ciclos,
        "visao": visao,
        "ciclo_aberto": ciclo is not None and ciclo.esta_aberto(hoje),
        "cobertura": cobertura,
        "ultimos_relatos": ultimos,
        "ultima_atualizacao": ultimos[0].validado_em if ultimos else None,
        "hoje": data,
        "tendencia_da_execucao": _tendencia(execucao_por_ciclo, tendencias, codigo),
        "tendencia_da_cobertura": _tendencia(cobertura_por_ciclo, tendencias, codigo),
    }


# The worked example of the methodology page: (item, whether its report for
# the cycle was validated). The page runs the real rules on it.
EXEMPLO = [
    (Item(Situacao.CONCLUIDA, 100), True),
    (Item(Situacao.EM_ANDAMENTO, 40, Decimal(2)), True),
    (Item(Situacao.NAO_INICIADA, 0), False),
    (Item(Situacao.SEM_INFORMACAO, None), False),
    (Item(Situacao.CANCELADA, 30), True),
]


def _rotulos(situacoes) -> list[str]:
    """Labels of a set of situations, in the legend's order."""
    return [rotulo for valor, rotulo in indicadores.SITUACOES_EXIBIDAS if valor in situacoes]


def metodologia(request):
    # Queries: 1. the plan (its period, for the elapsed time).
    hoje = timezone.localdate()
    plano = plano_padrao()
    fora = indicadores.FORA_DO_DENOMINADOR
    esperadas = [validada for item, validada in EXEMPLO if item.situacao not in fora]
    vencido = hoje - timedelta(days=1)
    return render(
        request,
        "paginas/metodologia.html",
        {
            "plano": plano,
            "relataveis": [s.label for s in indicadores.SITUACOES_RELATAVEIS],
            "sem_informacao": Situacao.SEM_INFORMACAO.label,
            "fora_do_denominador": _rotulos(fora),
            "podem_atrasar": _rotulos(indicadores.PODEM_ATRASAR),
            "percentual_fixo": [
                (indicadores.ROTULOS[s], p) for s, p in indicadores.PERCENTUAL_FIXO.items()
            ],
            "atraso": [
                (rotulo, indicadores.ROTULOS[indicadores.situacao_exibida(valor, vencido, hoje)])
                for valor, rotulo in indicadores.SITUACOES_EXIBIDAS
                if valor != indicadores.ATRASADA
            ],
            "exemplo": [
                {
                    "rotulo": indicadores.ROTULOS[item.situacao],
                    "item": item,
                    # An item alone: its own % if it counts, None if left out.
                    "considerado": indicadores.execucao([item]),
                    "validada": validada,
                }
                for item, validada in EXEMPLO
            ],
            "exemplo_execucao": indicadores.execucao(item for item, _ in EXEMPLO),
            "exemplo_esperadas": len(esperadas),
            "exemplo_validadas": sum(esperadas),
            "exemplo_cobertura": indicadores.cobertura(sum(esperadas), len(esperadas)),
            "tempo_decorrido": indicadores.tempo_decorrido(plano.inicio, plano.fim, hoje),
            "definicoes_do_ciclo": DEFINICOES,
            "definicoes_da_tendencia": DEFINICOES_DA_TENDENCIA,
            "hoje": hoje,
            "migalhas": [("Metodologia", None)],
        },
    )


@cache
def textos_do_plano() -> list[dict]:
    """The ministry's introduction to the plan, verbatim, by section."""
    return json.loads(TEXTOS_DO_PLANO.read_text(encoding="utf-8"))


def sobre(request):
    # Queries: 1. the plan (source, license, dates); 2-4. the history of the
    # objectives', actions' and activities' texts (alteracoes_de_texto).
    plano = plano_padrao()
    return render(
        request,
        "paginas/sobre.html",
        {
            "plano": plano,
            "secoes": textos_do_plano(),
            "alteracoes": alteracoes_de_texto(plano),
            "migalhas": [("Sobre o plano", None)],
        },
    )


def acessibilidade(request):
    return render(request, "paginas/acessibilidade.html", {"migalhas": [("Acessibilidade", None)]})


def privacidade(request):
    return render(request, "paginas/privacidade.html", {"migalhas": [("Privacidade", None)]})

"""Every number the painel shows can be recomputed from the open data alone.

With the demo loaded and weights other than 1, the test reads ONLY the CSV
files a visitor downloads (atividades.csv, atividades.csv?ciclo=, serie.csv,
vinculos.csv, relatos.csv, ciclos.csv), recomputes the painel's numbers with
the methodology's rules written out here, and compares them with the
painel's own functions and with the numbers printed on / and /?ciclo=.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from monitoramento.ciclos import cobertura_nos_ciclos, resumo_no_ciclo
from monitoramento.demo import carregar_demo
from monitoramento.indicadores import cobertura_do_ciclo, resumo_do_plano
from monitoramento.models import Ciclo
from plano.models import Atividade

from .leitores import ler_csv

# The methodology, as a reader of the data would write it down.
FORA = {"cancelada", "nao_se_aplica"}  # out of every denominator
PESOS = {"1.1.1": Decimal(3), "1.2.1": Decimal("0.5"), "3.5.1": Decimal("2.25")}


def um_decimal(valor: Decimal) -> Decimal:
    return valor.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def execucao(linhas) -> Decimal | None:
    """Weighted mean of %, cancelled and "não se aplica" left out, no report = 0."""
    medidas = [li for li in linhas if li["situacao"] not in FORA]
    pesos = sum(Decimal(li["peso"]) for li in medidas)
    if not pesos:
        return None
    soma = sum(Decimal(li["peso"]) * Decimal(li["percentual"] or 0) for li in medidas)
    return um_decimal(soma / pesos)


def cobertura(validadas: int, esperadas: int) -> Decimal | None:
    return um_decimal(Decimal(100) * validadas / esperadas) if esperadas else None


@dataclass
class Numeros:
    execucao: Decimal | None
    por_objetivo: dict[str, Decimal | None]
    por_situacao: dict[str, int]
    atrasadas: int
    sem_relato: int
    validadas: int
    esperadas: int
    # sigla -> (validadas, esperadas), institutions with something expected
    por_instituicao: dict[str, tuple[int, int]] = field(default_factory=dict)


def recalcular(atividades, vinculos, relatos, ciclo: str) -> Numeros:
    """The painel's numbers from rows with atividade_codigo, objetivo_codigo,
    situacao (as displayed), percentual, peso, atrasada; `vinculos` maps each
    activity code to the institutions (sigla) expected to report on it."""
    por_objetivo = defaultdict(list)
    for linha in atividades:
        por_objetivo[linha["objetivo_codigo"]].append(linha)
    relataram = {
        (r["atividade_codigo"], r["instituicao_sigla"]) for r in relatos if r["ciclo"] == ciclo
    }
    com_relato = {a for a, _ in relataram}
    esperadas = [
        li["atividade_codigo"]
        for li in atividades
        if vinculos.get(li["atividade_codigo"]) and li["situacao"] not in FORA
    ]
    por_instituicao = defaultdict(lambda: [0, 0])
    for codigo in esperadas:
        for sigla in vinculos[codigo]:
            por_instituicao[sigla][0] += (codigo, sigla) in relataram
            por_instituicao[sigla][1] += 1
    return Numeros(
        execucao=execucao(atividades),
        por_objetivo={o: execucao(linhas) for o, linhas in por_objetivo.items()},
        por_situacao=dict(Counter(li["situacao"] for li in atividades)),
        atrasadas=sum(li["atrasada"] == "true" for li in atividades),
        sem_relato=sum(li["situacao"] == "sem_informacao" for li in atividades),
        validadas=len(set(esperadas) & com_relato),
        esperadas=len(esperadas),
        por_instituicao={s: tuple(n) for s, n in sorted(por_instituicao.items())},
    )


def do_painel(geral, objetivos, cobertura_) -> Numeros:
    """The same numbers from the painel's functions."""
    return Numeros(
        execucao=geral.execucao,
        por_objetivo={o.codigo: o.execucao for o in objetivos},
        por_situacao={s: n for s, n in geral.por_situacao.items() if n},
        atrasadas=geral.por_situacao["atrasada"],
        sem_relato=geral.por_situacao["sem_informacao"],
        validadas=cobertura_.validadas,
        esperadas=cobertura_.esperadas,
        por_instituicao={
            c.instituicao.sigla: (c.validadas, c.esperadas) for c in cobertura_.por_instituicao
        },
    )


def pct(valor: Decimal | None) -> str:
    """How the painel prints a percentage."""
    if valor is None:
        return "não calculável"
    return f"{valor:.1f}".replace(".", ",") + "&nbsp;%"


def trecho(html: str, id_: str, fim: str) -> str:
    inicio = html.index(f'id="{id_}"')
    return html[inicio : html.index(fim, inicio)]


def conferir_html(html: str, numeros: Numeros) -> None:
    """Every recomputed number is printed where the painel prints it."""
    geral = trecho(html, "execucao-geral", "</li>")
    assert f'<span class="valor">{pct(numeros.execucao)}</span>' in geral
    n = numeros.sem_relato
    assert (
        f"{n} atividades sem relato publicado contam" in geral
        if n != 1
        else "1 atividade sem relato publicado conta" in geral
    )
    situacoes = dict(
        re.findall(
            r'<tr data-situacao="(\w+)">.*?<td class="numero">(\d+)</td>',
            trecho(html, "tabela-situacao", "</table>"),
            re.S,
        )
    )
    assert {s: int(v) for s, v in situacoes.items() if v != "0"} == numeros.por_situacao
    assert int(situacoes.get("atrasada", 0)) == numeros.atrasadas
    objetivos = re.findall(
        r'<span class="codigo">(\w+)</span>.*?<td class="barra-celula">(.*?)(?:<|$)',
        trecho(html, "tabela-objetivos", "</table>"),
        re.S,
    )
    assert len(objetivos) == len(numeros.por_objetivo) > 0
    assert dict(objetivos) == {o: pct(v) for o, v in numeros.por_objetivo.items()}
    cobertura_geral = trecho(html, "cobertura-geral", "</li>")
    assert f"{numeros.validadas} de {numeros.esperadas} atividades esperadas" in cobertura_geral
    assert pct(cobertura(numeros.validadas, numeros.esperadas)) in cobertura_geral
    linhas = re.findall(
        r'<a href="/parceiros/[\w-]+/">([^<]+)</a></th>\s*<td class="numero">(\d+)</td>\s*'
        r'<td class="numero">(\d+)</td>\s*<td class="barra-celula">(.*?)<',
        trecho(html, "tabela-cobertura", "</table>"),
    )
    assert linhas, "the coverage table lists the institutions"
    assert {s: (int(v), int(e)) for s, v, e, _ in linhas} == numeros.por_instituicao
    for _sigla, validadas, esperadas, impresso in linhas:
        assert impresso == pct(cobertura(int(validadas), int(esperadas)))


@pytest.fixture
def demo_com_pesos(plano):
    carregar_demo()
    for codigo, peso in PESOS.items():
        atividade = Atividade.objects.get(codigo=codigo)
        atividade.peso = peso
        atividade._change_reason = "Peso revisto."
        atividade.save()
    return plano


def baixar_csv(client, caminho: str) -> list[dict]:
    resposta = client.get(caminho)
    assert resposta.status_code == 200, caminho
    return ler_csv(b"".join(resposta.streaming_content))


def test_numeros_atuais_do_painel_saem_dos_arquivos_abertos(client, demo_com_pesos):
    atividades = baixar_csv(client, "/dados/atividades.csv")
    vinculos = defaultdict(list)
    for v in baixar_csv(client, "/dados/vinculos.csv"):
        vinculos[v["atividade_codigo"]].append(v["instituicao_sigla"])
    relatos = baixar_csv(client, "/dados/relatos.csv")
    hoje = atividades[0]["data_de_avaliacao"]
    # The painel's coverage is of the latest cycle opened so far.
    abertos = [c for c in baixar_csv(client, "/dados/ciclos.csv") if c["abertura"] <= hoje]
    atual = max(abertos, key=lambda c: c["inicio"])["ciclo"]
    assert {Decimal(li["peso"]) for li in atividades} >= set(PESOS.values())

    numeros = recalcular(atividades, vinculos, relatos, atual)

    geral, objetivos = resumo_do_plano(demo_com_pesos, date.fromisoformat(hoje))
    cobertura_ = cobertura_do_ciclo(Ciclo.objects.get(plano=demo_com_pesos, codigo=atual))
    assert numeros == do_painel(geral, objetivos, cobertura_)
    conferir_html(client.get("/").content.decode(), numeros)
    # Not trivially equal: the weights move the execution, something is late.
    sem_pesos = execucao([{**li, "peso": "1"} for li in atividades])
    assert sem_pesos != numeros.execucao
    assert numeros.atrasadas > 0 and numeros.validadas > 0


@pytest.mark.parametrize("qual", [0, 1, 2])
def test_numeros_de_cada_ciclo_saem_dos_arquivos_abertos(client, demo_com_pesos, qual):
    """Both files give the cycle's view: atividades.csv?ciclo= and serie.csv."""
    plano = demo_com_pesos
    ciclo = Ciclo.objects.filter(plano=plano).order_by("inicio")[qual]
    relatos = baixar_csv(client, "/dados/relatos.csv")
    serie = [li for li in baixar_csv(client, "/dados/serie.csv") if li["ciclo"] == ciclo.codigo]
    # The links in force at the cycle's close: the serie's instituicoes column
    # (identifiers), with the siglas from instituicoes.csv.
    siglas = {i["instituicao"]: i["sigla"] for i in baixar_csv(client, "/dados/instituicoes.csv")}
    vinculos = {
        li["atividade_codigo"]: [siglas[i] for i in li["instituicoes"].split("; ") if i]
        for li in serie
    }
    do_ciclo = baixar_csv(client, f"/dados/atividades.csv?ciclo={ciclo.codigo}")
    pela_serie = recalcular(
        [{**li, "situacao": li["situacao_exibida"]} for li in serie],
        vinculos,
        relatos,
        ciclo.codigo,
    )
    pelas_atividades = recalcular(do_ciclo, vinculos, relatos, ciclo.codigo)
    assert pela_serie == pelas_atividades
    # The serie's own flag gives the overall coverage without relatos.csv.
    esperadas = [li for li in serie if li["instituicoes"] and li["situacao"] not in FORA]
    assert pela_serie.validadas == sum(
        li["relato_publicado_no_ciclo"] == "true" for li in esperadas
    )

    geral, objetivos, visao = resumo_no_ciclo(plano, ciclo)
    cobertura_ = cobertura_nos_ciclos([ciclo], visoes={ciclo.pk: visao})[ciclo.pk]
    assert pela_serie == do_painel(geral, objetivos, cobertura_)
    conferir_html(client.get(f"/?ciclo={ciclo.codigo}").content.decode(), pela_serie)


def test_um_ciclo_anterior_difere_do_atual_nos_arquivos(client, demo_com_pesos):
    """The cycle's view is not today's view relabelled."""
    primeiro = Ciclo.objects.filter(plano=demo_com_pesos).order_by("inicio").first()
    atual = {li["atividade_codigo"]: li for li in baixar_csv(client, "/dados/atividades.csv")}
    antigo = {
        li["atividade_codigo"]: li
        for li in baixar_csv(client, f"/dados/atividades.csv?ciclo={primeiro.codigo}")
    }
    mudaram = {
        c
        for c in atual
        if (atual[c]["situacao"], atual[c]["percentual"])
        != (antigo[c]["situacao"], antigo[c]["percentual"])
    }
    assert "1.1.1" in mudaram and len(mudaram) >= 5


def tabela_de_tendencia(html: str, id_: str) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """(cycle code, evaluation date) of each column, and each row's cells by name."""
    tabela = trecho(html, id_, "</table>")
    colunas = re.findall(r'\?ciclo=([\w.]+)">[\w.]+</a> .*?<time datetime="([\d-]+)"', tabela)
    linhas = {}
    for cabeca, resto in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', tabela, re.S):
        nome = re.sub(r"<[^>]+>", "", cabeca).strip()
        linhas[nome] = [
            re.sub(r"\s+", " ", c).strip()
            for c in re.findall(r'<td class="numero">(.*?)</td>', resto, re.S)
        ]
    return colunas, linhas


def test_tendencias_do_painel_saem_da_serie(client, demo_com_pesos):
    """The painel's trend tables (execution and coverage at each cycle's
    close) from serie.csv, relatos.csv and instituicoes.csv alone."""
    serie = baixar_csv(client, "/dados/serie.csv")
    relatos = baixar_csv(client, "/dados/relatos.csv")
    siglas = {i["instituicao"]: i["sigla"] for i in baixar_csv(client, "/dados/instituicoes.csv")}
    ciclos = list(dict.fromkeys(li["ciclo"] for li in serie))
    por_ciclo = {}
    for ciclo in ciclos:
        linhas = [
            {**li, "situacao": li["situacao_exibida"]} for li in serie if li["ciclo"] == ciclo
        ]
        vinculos = {
            li["atividade_codigo"]: [siglas[i] for i in li["instituicoes"].split("; ") if i]
            for li in linhas
        }
        por_ciclo[ciclo] = (
            linhas[0]["data_de_avaliacao"],
            recalcular(linhas, vinculos, relatos, ciclo),
        )

    html = client.get("/").content.decode()
    colunas, execucao_ = tabela_de_tendencia(html, "tabela-execucao-por-ciclo")
    assert colunas == [(c, por_ciclo[c][0]) for c in ciclos]
    esperado = {"Execução do plano": [pct(por_ciclo[c][1].execucao) for c in ciclos]}
    for objetivo in por_ciclo[ciclos[-1]][1].por_objetivo:
        esperado[f"Objetivo {objetivo}"] = [
            pct(por_ciclo[c][1].por_objetivo[objetivo]) for c in ciclos
        ]
    assert execucao_ == esperado

    def celula(validadas: int, esperadas: int) -> str:
        return f'{pct(cobertura(validadas, esperadas))} <span class="contagem">({validadas} de {esperadas})</span>'

    colunas, cobertura_ = tabela_de_tendencia(html, "tabela-cobertura-por-ciclo")
    assert [c for c, _ in colunas] == ciclos
    esperado = {
        "Cobertura geral": [
            celula(por_ciclo[c][1].validadas, por_ciclo[c][1].esperadas) for c in ciclos
        ]
    }
    for sigla in sorted({s for c in ciclos for s in por_ciclo[c][1].por_instituicao}):
        esperado[sigla] = [
            celula(*por_ciclo[c][1].por_instituicao[sigla])
            if sigla in por_ciclo[c][1].por_instituicao
            else "—"
            for c in ciclos
        ]
    assert cobertura_ == esperado
    assert len(esperado) > 2  # the overall row and at least two institutions

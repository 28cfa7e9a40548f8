"""The painel's two trend charts, from monitoramento.tendencias: execution per
cycle (the plan and each objective) and reporting coverage per cycle (overall
and each institution), each with the table of every number it plots."""

from monitoramento.tendencias import PontoDaTendencia

from .graficos import MAXIMO_DE_SERIES, Serie, grafico_de_linhas, mais_relevantes

ROTULO_GERAL = "Geral"
CARACTERES_DO_ROTULO = 11  # an end label longer than this is cut (the table has it whole)


def _rotulo(texto: str) -> str:
    if len(texto) <= CARACTERES_DO_ROTULO:
        return texto
    return texto[: CARACTERES_DO_ROTULO - 1].rstrip() + "…"


def _figura(pontos, linhas: list[dict], pesos: list[int], destaque: str, **textos) -> dict:
    """A trend section: the chart of the overall row and of the heaviest
    others (as many as the chart has styles for), its caption, and the table
    of every row. `textos`: id, titulo (the heading), nome (the chart's
    accessible name), cada (one other row, "cada objetivo"), mais (which rows
    are drawn when not all are, "os {n} objetivos …"), tabela (the table's
    caption), primeira (its first column's heading). `destaque`: the code of
    the cycle the painel shows (?ciclo=), marked on the chart."""
    series = [Serie(_rotulo(linha["rotulo"]), linha["valores"], linha["nome"]) for linha in linhas]
    desenhadas = [series[0], *mais_relevantes(series[1:], pesos, MAXIMO_DE_SERIES - 1)]
    for linha, serie in zip(linhas, series, strict=True):
        linha["serie"] = serie if serie in desenhadas else None
    grafico = grafico_de_linhas([p.ciclo.codigo for p in pontos], desenhadas, destaque)
    legenda = (
        f"Eixo vertical: de 0\u00a0% (base) a {grafico['escala']}\u00a0% (linha superior); "
        "um ponto por ciclo, "
        f"em ordem. Linha contínua com círculos: {linhas[0]['nome'].lower()} ({ROTULO_GERAL}); "
        f"{textos['cada']} tem o seu traço e o seu marcador, com o nome escrito na ponta da linha "
        "(o mesmo traço aparece ao lado do nome, na tabela)."
    )
    if destaque:
        legenda += f" A linha vertical marca o ciclo {destaque}, mostrado nesta página."
    if len(desenhadas) < len(series):
        legenda += " O gráfico mostra " + textos["mais"].format(n=len(desenhadas) - 1) + "."
    return {
        **textos,
        "grafico": grafico,
        "linhas": linhas,
        "legenda": legenda,
    }


def execucao_por_ciclo(pontos: list[PontoDaTendencia], destaque: str = "") -> dict:
    """The plan's execution and each objective's at each cycle's close;
    objectives drawn: those with the most activities."""
    objetivos = pontos[-1].objetivos if pontos else []
    linhas = [
        {
            "rotulo": ROTULO_GERAL,
            "nome": "Execução do plano",
            "valores": [p.geral.execucao for p in pontos],
        },
        *(
            {
                "rotulo": f"Obj. {objetivo.codigo}",
                "nome": f"Objetivo {objetivo.codigo}",
                "url": f"/plano/{objetivo.codigo}/",
                "valores": [p.objetivos[i].execucao for p in pontos],
            }
            for i, objetivo in enumerate(objetivos)
        ),
    ]
    for linha in linhas:
        linha["celulas"] = [{"presente": True, "valor": v} for v in linha["valores"]]
    return _figura(
        pontos,
        linhas,
        [o.total for o in objetivos],
        destaque,
        id="execucao",
        titulo="Execução por ciclo",
        nome="Execução ponderada do plano e de cada objetivo específico no fechamento de cada ciclo",
        cada="cada objetivo específico",
        mais="os {n} objetivos com mais atividades; a tabela traz todos",
        tabela="Execução no fechamento de cada ciclo: o plano (geral) e cada objetivo específico",
        primeira="Execução",
    )


def cobertura_por_ciclo(pontos: list[PontoDaTendencia], destaque: str = "") -> dict:
    """Coverage overall and of each institution expected to report in any
    cycle (by sigla), at each cycle's close; institutions drawn: those with
    the most expected reports over all the cycles."""
    instituicoes, por_ciclo = {}, []
    for p in pontos:
        por_ciclo.append({c.instituicao.pk: c for c in p.cobertura.por_instituicao})
        instituicoes.update({c.instituicao.pk: c.instituicao for c in p.cobertura.por_instituicao})
    ordem = sorted(instituicoes.values(), key=lambda i: i.sigla)
    linhas = [
        {
            "rotulo": ROTULO_GERAL,
            "nome": "Cobertura geral",
            "contagens": [p.cobertura for p in pontos],
        },
        *(
            {
                "rotulo": i.sigla,
                "nome": i.sigla,
                "url": f"/parceiros/{i.slug}/",
                "contagens": [c.get(i.pk) for c in por_ciclo],
            }
            for i in ordem
        ),
    ]
    for linha in linhas:
        linha["valores"] = [c.percentual if c else None for c in linha["contagens"]]
        linha["celulas"] = [
            {"presente": c is not None, "valor": v, "contagem": c}
            for c, v in zip(linha["contagens"], linha["valores"], strict=True)
        ]
    return _figura(
        pontos,
        linhas,
        [sum(c[i.pk].esperadas for c in por_ciclo if i.pk in c) for i in ordem],
        destaque,
        id="cobertura",
        titulo="Cobertura dos relatos por ciclo",
        nome="Cobertura dos relatos, geral e por instituição, no fechamento de cada ciclo",
        cada="cada instituição",
        mais="as {n} instituições com mais relatos esperados; a tabela traz todas",
        tabela="Cobertura dos relatos no fechamento de cada ciclo, geral e por instituição: o % "
        "e, entre parênteses, os relatos validados e os esperados (—: nada esperado da "
        "instituição no ciclo)",
        primeira="Cobertura",
    )

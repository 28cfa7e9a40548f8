"""The painel's two trend charts, from monitoramento.tendencias: execution per
cycle (the plan and each objective) and reporting coverage per cycle (overall
and each institution), each with the table of every number it plots."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from monitoramento.tendencias import PontoDaTendencia
from plano.templatetags.numeros import percentual

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


def _celula(c: dict) -> str:
    if not c["presente"]:
        return '<td class="numero">—</td>'
    contagem = c.get("contagem")
    texto = percentual(c["valor"])
    if contagem:
        texto += f' <span class="contagem">({contagem.validadas} de {contagem.esperadas})</span>'
    return f'<td class="numero">{texto}</td>'


def _linha(linha: dict) -> str:
    s = linha["serie"]
    amostra = ""
    if s:
        traco = f' stroke-dasharray="{s.traco}"' if s.traco else ""
        amostra = (
            f'<svg class="amostra-serie serie-{s.estilo}" viewBox="0 0 30 10" aria-hidden="true">'
            f'<line class="linha" x1="0" x2="30" y1="5" y2="5"{traco}/>'
            f'<path class="marca marca-{s.marcador}" d="{s.amostra}"/></svg>'
        )
    nome = escape(linha["nome"])
    if linha.get("url"):
        nome = f'<a href="{escape(linha["url"])}">{nome}</a>'
    celulas = "".join(_celula(c) for c in linha["celulas"])
    return (
        f'\n      <tr>\n        <th scope="row">{amostra}{nome}</th>\n        {celulas}\n'
        "      </tr>\n    "
    )


def _serie_no_grafico(s: Serie) -> str:
    traco = f' stroke-dasharray="{s.traco}"' if s.traco else ""
    trechos = "".join(f'<polyline class="linha" points="{t}"{traco}/>' for t in s.trechos)
    marcas = "".join(f'<path class="marca marca-{s.marcador}" d="{p["marca"]}"/>' for p in s.pontos)
    guia = ""
    if s.guia:
        x1, y1, x2, y2 = s.guia
        guia = f'<line class="guia" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>'
    return (
        f'<g class="serie serie-{s.estilo}">\n      {trechos}\n      {marcas}\n      {guia}\n'
        f'      <text class="rotulo-serie" x="{s.rotulo_x}" y="{s.rotulo_y}">'
        f"{escape(s.rotulo)}</text>\n    </g>\n    "
    )


def _grafico(f: dict) -> str:
    """The line chart (paginas.graficos.grafico_de_linhas's geometry) with its
    accessible name, description and caption; the table after it carries
    every number."""
    g, id_ = f["grafico"], f"grafico-{f['id']}"
    descricao = "".join(
        escape(s.nome)
        + ": "
        + (
            "; ".join(f"{percentual(p['valor'])} em {escape(p['ciclo'])}" for p in s.pontos)
            or "não calculável"
        )
        + ". "
        for s in g["series"]
    )
    eixos = "".join(
        f'<line class="eixo{classe}" x1="{g["esquerda"]}" x2="{g["direita"]}" y1="{y}" y2="{y}"/>'
        f"\n    "
        for classe, y in (("", g["base"]), (" grade", g["meio"]), (" grade", g["topo"]))
    )
    escalas = "".join(
        f'<text class="escala" x="{g["esquerda"]}" y="{y}" dx="-6" dy="4">{rotulo}%</text>\n    '
        for y, rotulo in ((g["base"], 0), (g["meio"], g["metade"]), (g["topo"], g["escala"]))
    )
    ciclos = ""
    for c in g["ciclos"]:
        destaque = " destacado" if c["destaque"] else ""
        if c["destaque"]:
            ciclos += (
                f'<line class="marco-ciclo" x1="{c["x"]}" x2="{c["x"]}" y1="{g["topo"]}" '
                f'y2="{g["base"]}"/>'
            )
        if c["escrito"]:
            ciclos += (
                f'<text class="ciclo{destaque}" x="{c["x"]}" y="{g["base"]}" dy="18">'
                f"{escape(c['codigo'])}</text>"
            )
    series = "".join(_serie_no_grafico(s) for s in g["series"])
    return (
        f'<figure class="grafico-tendencia" id="{id_}">\n'
        f'  <svg class="grafico-linhas" viewBox="0 0 {g["largura"]} {g["altura"]}" role="img" '
        f'aria-labelledby="{id_}-titulo" aria-describedby="{id_}-descricao">\n'
        f'    <title id="{id_}-titulo">{escape(f["nome"])}</title>\n'
        f'    <desc id="{id_}-descricao">{descricao}Todos os números estão na tabela a seguir.'
        f"</desc>\n    {eixos}{escalas}{ciclos}\n    {series}\n  </svg>\n"
        f"  <figcaption>{escape(f['legenda'])}</figcaption>\n</figure>\n"
    )


def html_da_tendencia(f: dict, pontos: list[PontoDaTendencia]) -> SafeString:
    """A trend section of the painel (execucao_por_ciclo's or
    cobertura_por_ciclo's `f`): its heading, the chart, and the table of every
    number it plots, one row per series. Built in Python, not with templates:
    at 100 times the plan's size the table has a row per objective and a
    cell per cycle, and the templates cost more than the painel's queries."""
    id_ = f["id"]
    cabecalhos = "".join(
        f'<th scope="col" class="numero"><a href="/?ciclo={escape(p.ciclo.codigo)}">'
        f"{escape(p.ciclo.codigo)}</a> "
        f'<span class="avaliado">avaliado em <time datetime="{p.visao.data:%Y-%m-%d}">'
        f"{p.visao.data:%d/%m/%Y}</time></span></th>"
        for p in pontos
    )
    linhas = "".join(_linha(linha) for linha in f["linhas"])
    return mark_safe(  # noqa: S308 - every value written is escaped above
        f'<section class="secao-painel" aria-labelledby="titulo-{id_}-por-ciclo">\n'
        f'  <h2 id="titulo-{id_}-por-ciclo">{escape(f["titulo"])}</h2>\n'
        f"  {_grafico(f)}\n"
        f'  <div class="tabela-rolavel" tabindex="0" role="region" '
        f'aria-labelledby="tabela-{id_}-por-ciclo-titulo">\n'
        f'  <table class="tabela-dados tabela-tendencia" id="tabela-{id_}-por-ciclo">\n'
        f'    <caption id="tabela-{id_}-por-ciclo-titulo">{escape(f["tabela"])}</caption>\n'
        f'    <thead><tr><th scope="col">{escape(f["primeira"])}</th>{cabecalhos}</tr></thead>\n'
        f"    <tbody>\n    {linhas}\n    </tbody>\n  </table>\n  </div>\n</section>\n"
    )

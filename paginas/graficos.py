"""Line charts of percentages per cycle, drawn in SVG (paginas.tendencias)
from the geometry computed here.

One function for every such chart: a box 0-100 % high, the cycles spaced
evenly along it, one line per series. A series is told apart by its dash
pattern, its marker's shape and a label written at its end, never by colour
alone, so it keeps its meaning in forced colours, in grayscale and on paper.
A value of None (nothing to measure) is a gap in the line. The table beside
every chart carries the same numbers.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from math import ceil

# Drawn at about 1:1 on a 360 px phone (text stays 12 px), up to 1.5 times
# that on a desktop (static/css/tendencias.css).
LARGURA, ALTURA = 320, 200
ESQUERDA, DIREITA, TOPO, BASE = 36, 84, 12, 170  # room for the axis and the labels
# The top of the vertical axis: the first of these at or above every value,
# so that a plan still near 0 % shows its movement; the axis says which.
ESCALAS = (20, 50, 100)
ALTURA_DO_ROTULO = 15  # the least vertical distance between two end labels
LARGURA_DO_CICLO = 44  # below this, only every k-th cycle is written on the axis
# One style per series, in order: dash pattern (SVG stroke-dasharray, "" for
# a solid line) and marker shape. The first is the overall series.
ESTILOS = [
    ("", "circulo"),
    ("7 3", "quadrado"),
    ("2 3", "triangulo"),
    ("9 3 2 3", "losango"),
    ("4 4", "xis"),
    ("1 2", "circulo-vazado"),
]
MAXIMO_DE_SERIES = len(ESTILOS)


@dataclass(eq=False)
class Serie:
    rotulo: str  # written at the line's end: short (a code, a sigla)
    valores: list[Decimal | None]  # one per cycle, in the cycles' order
    nome: str = ""  # in full, for the description
    trechos: list[str] = field(default_factory=list)
    pontos: list[dict] = field(default_factory=list)
    estilo: int = 0
    traco: str = ""
    marcador: str = ""
    amostra: str = ""  # the marker, centred in a 30 x 10 legend swatch
    rotulo_x: float = 0
    rotulo_y: float = 0
    guia: tuple | None = None  # x1, y1, x2, y2 of the leader to the label


def marca(forma: str, x: float, y: float, r: float = 4) -> str:
    """The SVG path of a marker of `forma` (ESTILOS) centred on x, y."""
    if forma.startswith("circulo"):
        return f"M{x - r:g},{y:g}a{r:g},{r:g} 0 1,0 {2 * r:g},0a{r:g},{r:g} 0 1,0 {-2 * r:g},0z"
    if forma == "quadrado":
        r *= 0.85
        return f"M{x - r:g},{y - r:g}h{2 * r:g}v{2 * r:g}h{-2 * r:g}z"
    if forma == "triangulo":
        return f"M{x:g},{y - r * 1.15:g}L{x + r:g},{y + r * 0.75:g}L{x - r:g},{y + r * 0.75:g}z"
    if forma == "losango":
        r *= 1.15
        return f"M{x:g},{y - r:g}L{x + r:g},{y:g}L{x:g},{y + r:g}L{x - r:g},{y:g}z"
    return (
        f"M{x - r:g},{y - r:g}L{x + r:g},{y + r:g}M{x + r:g},{y - r:g}L{x - r:g},{y + r:g}"  # xis
    )


def _y(valor, escala: int) -> float:
    return round(BASE - (BASE - TOPO) * float(valor) / escala, 1)


def _afastar(series: list[Serie]) -> None:
    """Move the end labels apart vertically, keeping their order, so that no
    two overlap and all stay inside the box."""
    ordem = sorted(series, key=lambda s: s.rotulo_y)
    for anterior, serie in zip(ordem, ordem[1:], strict=False):
        serie.rotulo_y = max(serie.rotulo_y, anterior.rotulo_y + ALTURA_DO_ROTULO)
    limite = BASE + 4
    for serie in reversed(ordem):
        serie.rotulo_y = min(serie.rotulo_y, limite)
        limite = serie.rotulo_y - ALTURA_DO_ROTULO


def grafico_de_linhas(ciclos: list[str], series: list[Serie], destaque: str = "") -> dict:
    """The geometry of a line chart of `series` over `ciclos` (their codes),
    at most MAXIMO_DE_SERIES series (the caller picks which: see
    mais_relevantes); the cycle `destaque` is marked by a vertical line."""
    assert len(series) <= MAXIMO_DE_SERIES
    n = len(ciclos)
    largura_util = LARGURA - ESQUERDA - DIREITA
    passo = largura_util / max(n - 1, 1)
    xs = [
        round(ESQUERDA + i * passo if n > 1 else ESQUERDA + largura_util / 2, 1) for i in range(n)
    ]
    salto = max(1, ceil(LARGURA_DO_CICLO / passo)) if n > 1 else 1
    valores = [v for serie in series for v in serie.valores if v is not None]
    escala = next((e for e in ESCALAS if all(v <= e for v in valores)), ESCALAS[-1])
    for i, serie in enumerate(series):
        serie.estilo = i
        serie.traco, serie.marcador = ESTILOS[i]
        serie.amostra = marca(serie.marcador, 15, 5, 3.5)
        trecho = []
        for x, valor, ciclo in zip(xs, serie.valores, ciclos, strict=True):
            if valor is None:
                if trecho:
                    serie.trechos.append(" ".join(trecho))
                trecho = []
                continue
            y = _y(valor, escala)
            trecho.append(f"{x},{y}")
            serie.pontos.append(
                {
                    "x": x,
                    "y": y,
                    "valor": valor,
                    "ciclo": ciclo,
                    "marca": marca(serie.marcador, x, y),
                }
            )
        if trecho:
            serie.trechos.append(" ".join(trecho))
        serie.rotulo_x = LARGURA - DIREITA + 16
        serie.rotulo_y = (serie.pontos[-1]["y"] if serie.pontos else BASE) + 4
    _afastar(series)
    for serie in series:
        # A leader from the line's last point to its label, which may have
        # moved away from it.
        if serie.pontos:
            ultimo = serie.pontos[-1]
            serie.guia = (ultimo["x"] + 6, ultimo["y"], serie.rotulo_x - 3, serie.rotulo_y - 4)
    return {
        "largura": LARGURA,
        "altura": ALTURA,
        "esquerda": ESQUERDA,
        "direita": LARGURA - DIREITA,
        "topo": TOPO,
        "base": BASE,
        "meio": _y(escala / 2, escala),
        "escala": escala,
        "metade": escala // 2,
        "ciclos": [
            {
                "x": x,
                "codigo": codigo,
                "escrito": (n - 1 - i) % salto == 0 or codigo == destaque,
                "destaque": codigo == destaque,
            }
            for i, (x, codigo) in enumerate(zip(xs, ciclos, strict=True))
        ],
        "series": series,
    }


def mais_relevantes(series: list[Serie], pesos: list[int], limite: int) -> list[Serie]:
    """The `limite` series of the largest weight (ties: in their order), in
    their original order: those a chart draws when there are too many."""
    if len(series) <= limite:
        return series
    escolhidas = sorted(range(len(series)), key=lambda i: (-pesos[i], i))[:limite]
    return [series[i] for i in sorted(escolhidas)]

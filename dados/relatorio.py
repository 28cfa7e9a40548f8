"""The semestral report: one XLSX workbook per cycle, in two versions.

Sheets: "Resumo" (activities per situação, execution per objective and per
action, reporting coverage per institution), "Gráficos" (native bar charts
of those tables, pointing at their cells), "Plano" (the ministry's table
with each activity's situation and the cycle's published reports), the
cycle's reports and "Evidências" (each evidence link, clickable).

The internal version (the admin, the relatorio_semestral command) holds
every report of the cycle, unpublished ones marked, with the names of who
wrote and validated them and the validation comments: "Uso interno" on every
sheet. The public version (/dados/, closed cycles only) holds the published
reports alone, and no name of a person nor any validation comment; its bytes
depend only on the data version, as every open-data file's (dados.pacote).

Numbers follow plano.indicadores, with each activity as the plan stood at
the close of the cycle (monitoramento.ciclos.plano_no_ciclo, the function
behind every public view of a cycle): "atrasada" judged on the evaluation
date the summary states, against the deadline in force on that date.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.writer.excel import ExcelWriter

from comum.celulas import limpar_celula
from comum.enderecos import absoluto
from monitoramento.ciclos import data_de_avaliacao, situacoes_no_ciclo
from monitoramento.indicadores import Grupo, cobertura_do_ciclo
from monitoramento.models import Atualizacao, Ciclo
from plano.indicadores import ROTULOS, SITUACOES_EXIBIDAS
from plano.models import Atividade

from .conjuntos import link_da_evidencia, siglas_dos_parceiros
from .formatos import AUTOR, COR_CABECALHO, ZipDeDataFixa, em_utc, hora_local

FORMATO_DATA = "DD/MM/YYYY"
FORMATO_DATA_HORA = "DD/MM/YYYY HH:MM"
FORMATO_PERCENTUAL = "0.0"
FONTE_CABECALHO = Font(bold=True, color="FFFFFF")
FUNDO_CABECALHO = PatternFill("solid", start_color=COR_CABECALHO)
QUEBRA = Alignment(wrap_text=True, vertical="top")
FUNDO_NAO_PUBLICADO = PatternFill("solid", start_color="FFF5C2")
TITULO = Font(bold=True, size=14)
SECAO = Font(bold=True, size=12)
LINK = Font(color="0563C1", underline="single")


def linhas_de_cobertura(ciclo: Ciclo) -> list[dict]:
    """The cycle's reporting coverage per institution, then the total, as the
    summary sheet lists it: the same numbers as the painel, from
    monitoramento.indicadores.cobertura_do_ciclo."""
    resultado = cobertura_do_ciclo(ciclo)
    linhas = [
        {
            "instituicao": c.instituicao.sigla,
            "nome": c.instituicao.nome,
            "esperadas": c.esperadas,
            "validadas": c.validadas,
            "cobertura": c.percentual,
        }
        for c in resultado.por_instituicao
    ]
    linhas.append(
        {
            "instituicao": "Total",
            "nome": "Atividades com ao menos um relato publicado",
            "esperadas": resultado.esperadas,
            "validadas": resultado.validadas,
            "cobertura": resultado.percentual,
        }
    )
    return linhas


def celula(
    folha,
    valor,
    *,
    formato: str = "",
    fonte=None,
    fundo=None,
    link: str = "",
    quebra: bool = True,
):
    """One styled cell; text is always stored as text, never as a formula, and
    wraps within its column unless `quebra` is false (a line that runs over
    the empty cells to its right)."""
    if isinstance(valor, Decimal):
        valor = float(valor)
    elif isinstance(valor, datetime):
        valor = hora_local(valor)
        formato = formato or FORMATO_DATA_HORA
    elif isinstance(valor, date):
        formato = formato or FORMATO_DATA
    elif isinstance(valor, str):
        valor = limpar_celula(valor)
    resultado = WriteOnlyCell(folha, value=valor)
    if isinstance(valor, str):
        resultado.data_type = "s"
        if quebra:
            resultado.alignment = QUEBRA
    if formato:
        resultado.number_format = formato
    if fonte:
        resultado.font = fonte
    if fundo:
        resultado.fill = fundo
    if link:
        resultado.hyperlink = link
        resultado.font = LINK
    return resultado


def cabecalho(folha, titulos: list[str]) -> list:
    return [celula(folha, t, fonte=FONTE_CABECALHO, fundo=FUNDO_CABECALHO) for t in titulos]


# Printed on every page of every sheet of the internal version: it holds
# names, unpublished reports and validation comments.
USO_INTERNO = "Uso interno · CGETP"
VERSAO_PUBLICA = "Versão pública"
# Each data sheet's first row states it; its header is the second row.
LINHA_DO_CABECALHO = 2


@dataclass(frozen=True)
class Destino:
    """For whom a workbook is written: CGETP, or the public (see the module)."""

    publico: bool
    marca: str  # top right of the summary: "Uso interno · CGETP" or "Versão pública"
    # At the top of every data sheet and in the header of every printed page.
    cabecalho: str


def destino_do_relatorio(ciclo: Ciclo, *, publico: bool) -> Destino:
    if not publico:
        return Destino(publico=False, marca=USO_INTERNO, cabecalho=USO_INTERNO)
    avaliacao = data_de_avaliacao(ciclo)
    return Destino(
        publico=True,
        marca=VERSAO_PUBLICA,
        cabecalho=f"{VERSAO_PUBLICA} · ciclo {ciclo.codigo}, avaliado em {avaliacao:%d/%m/%Y}",
    )


def linha_de_aviso(folha, destino: Destino, aviso: str) -> list:
    """The line at the top of a data sheet: for whom the workbook is ("Uso
    interno", or the public version and its cycle), then what the sheet holds."""
    return [celula(folha, f"{destino.cabecalho}. {aviso}", fonte=SECAO, quebra=False)]


def preparar_impressao(
    folha, destino: Destino, *, titulos: str = "", paginas_de_altura: int = 0
) -> None:
    """Print setup of a sheet: A4 landscape, fit to the page's width (and to
    `paginas_de_altura` pages tall, when given), the `titulos` rows repeated
    on every page, for whom it is ("Uso interno", or the public version) in
    the header and page numbers in the footer."""
    folha.page_setup.orientation = "landscape"
    folha.page_setup.paperSize = "9"  # A4
    folha.sheet_properties.pageSetUpPr.fitToPage = True
    folha.page_setup.fitToWidth = 1
    folha.page_setup.fitToHeight = paginas_de_altura
    if titulos:
        folha.print_title_rows = titulos
    for cabecalho_ in (folha.oddHeader, folha.evenHeader):
        cabecalho_.center.text = destino.cabecalho
        cabecalho_.center.font = "Arial,Bold"
    for rodape in (folha.oddFooter, folha.evenFooter):
        rodape.left.text = "&A"
        rodape.right.text = "Página &P de &N"


def nova_folha(livro, destino: Destino, titulo: str, larguras: list[int], **impressao):
    folha = livro.create_sheet(titulo)
    for coluna, largura in enumerate(larguras, start=1):
        folha.column_dimensions[get_column_letter(coluna)].width = largura
    preparar_impressao(folha, destino, **impressao)
    return folha


def tabela(
    livro,
    destino: Destino,
    titulo: str,
    titulos: list[str],
    linhas,
    *,
    aviso: str,
    larguras: list[int],
    formatos=None,
    filtro: bool = True,
):
    """A data sheet: the line of `destino` with `aviso`, then the styled
    header, both frozen and repeated on every printed page; a filter over
    every column of the table unless `filtro` is false (a sheet with merged
    cells: a filter over them breaks). Each row is a list of values, then
    optionally a dict of cell options by column ("*" for all) for cells
    needing a link or a fill. Returns the sheet."""
    folha = nova_folha(livro, destino, titulo, larguras, titulos=f"1:{LINHA_DO_CABECALHO}")
    folha.freeze_panes = f"A{LINHA_DO_CABECALHO + 1}"
    folha.append(linha_de_aviso(folha, destino, aviso))
    folha.append(cabecalho(folha, titulos))
    formatos = formatos or {}
    ultima = LINHA_DO_CABECALHO
    for ultima, valores in enumerate(linhas, start=LINHA_DO_CABECALHO + 1):  # noqa: B007
        opcoes = valores.pop() if isinstance(valores[-1], dict) else {}
        folha.append(
            [
                celula(
                    folha,
                    v,
                    formato=formatos.get(i, ""),
                    **(opcoes.get("*", {}) | opcoes.get(i, {})),
                )
                for i, v in enumerate(valores, start=1)
            ]
        )
    if filtro:
        ultima_coluna = get_column_letter(len(titulos))
        folha.auto_filter.ref = f"A{LINHA_DO_CABECALHO}:{ultima_coluna}{ultima}"
    return folha


@dataclass(frozen=True)
class ColunaDoRelatorio:
    """A column of a sheet listing reports (or their evidence): `valor` takes
    the row's objects. An `interna` column (names, states, comments) is left
    out of the public version."""

    titulo: str
    largura: int
    valor: Callable
    formato: str = ""
    interna: bool = False


def tabela_de_colunas(
    livro, destino: Destino, titulo: str, colunas, registros, *, aviso: str, opcoes
) -> None:
    """A data sheet of `colunas` (those of `destino`'s version), a row per
    tuple of `registros`; `opcoes(*registro)` gives its cells' options by
    title (see tabela)."""
    colunas = [c for c in colunas if not (c.interna and destino.publico)]
    indices = {c.titulo: i for i, c in enumerate(colunas, start=1)}

    def linhas():
        for registro in registros:
            por_titulo = opcoes(*registro)
            yield [
                *(c.valor(*registro) for c in colunas),
                {indices.get(t, t): o for t, o in por_titulo.items() if t in indices or t == "*"},
            ]

    tabela(
        livro,
        destino,
        titulo,
        [c.titulo for c in colunas],
        linhas(),
        aviso=aviso,
        larguras=[c.largura for c in colunas],
        formatos={i: c.formato for i, c in enumerate(colunas, start=1) if c.formato},
    )


def secao(
    folha, linha: int, titulo: str, titulos: list[str], linhas: list[list], formatos=None
) -> tuple[int, int]:
    """A titled table on the summary sheet, its title on row `linha`, then a
    blank row. Returns the first and last rows of the table's body."""
    folha.append([celula(folha, titulo, fonte=SECAO)])
    folha.append(cabecalho(folha, titulos))
    for valores in linhas:
        folha.append(
            [
                celula(folha, v, formato=(formatos or {}).get(i, ""))
                for i, v in enumerate(valores, 1)
            ]
        )
    folha.append([])
    return linha + 2, linha + 1 + len(linhas)


def notas_do_resumo(ciclo: Ciclo, destino: Destino, momento: datetime | None) -> list[str]:
    """The lines under the summary's title: the period, the evaluation date,
    and when it was generated (internal) or the data's date, what the public
    version leaves out and where it comes from (public: never "now", so the
    same data gives the same bytes)."""
    notas = [
        f"Período de {ciclo.inicio:%d/%m/%Y} a {ciclo.fim:%d/%m/%Y}.",
        f"Situações avaliadas em {data_de_avaliacao(ciclo):%d/%m/%Y}, "
        "com o prazo em vigor nessa data.",
    ]
    if not destino.publico:
        notas.append(f"Gerado em {timezone.localtime():%d/%m/%Y %H:%M}. Percentuais de 0 a 100.")
        return notas
    notas += [
        "Versão pública: só os relatos validados e publicados pela CGETP, sem nomes de "
        "pessoas nem comentários da validação.",
        f"Dados de {hora_local(momento):%d/%m/%Y %H:%M} (horário de Brasília): a última "
        "alteração. Percentuais de 0 a 100.",
        f"Fonte: Painel de Monitoramento do {ciclo.plano.sigla}, dados abertos em "
        f"{absoluto(reverse('dados:index'))}",
    ]
    return notas


def folha_resumo(
    livro, destino: Destino, ciclo: Ciclo, atividades, situacoes, coberturas, notas
) -> dict:
    """The summary sheet. Returns, for each table a chart draws ("situacoes",
    "objetivos", "cobertura"), the first and last rows of its body, without
    the total."""
    # The summary prints on at most two pages (LibreOffice's PDF export is
    # tested), unless that would shrink it past reading (see below).
    folha = nova_folha(
        livro, destino, "Resumo", [16, 60, 16, 16, 18], titulos="1:1", paginas_de_altura=2
    )
    folha.freeze_panes = "A2"
    titulo = f"{ciclo.plano.sigla} · Relatório semestral do ciclo {ciclo.codigo}"
    # One line each, running over the empty cells to their right.
    folha.append(
        [
            celula(folha, titulo, fonte=TITULO, quebra=False),
            None,
            None,
            celula(folha, destino.marca, fonte=SECAO, quebra=False),
        ]
    )
    for nota in notas:
        folha.append([celula(folha, nota, quebra=False)])
    folha.append([])

    # The painel's roll-up (monitoramento.indicadores.Grupo), judged on the
    # cycle's last day; objectives and actions in the plan's order.
    geral, por_objetivo, por_acao = Grupo(), {}, {}
    for atividade in atividades:
        s = situacoes[atividade.pk]
        for grupo in (
            geral,
            por_objetivo.setdefault(atividade.acao.objetivo, Grupo()),
            por_acao.setdefault(atividade.acao, Grupo()),
        ):
            grupo.adicionar(
                situacao=s.situacao,
                percentual=s.percentual,
                peso=atividade.peso,
                prazo=s.prazo,
                n=1,
                hoje=data_de_avaliacao(ciclo),
            )
    intervalos = {}
    # Labels only: the first column, for codes elsewhere, stays empty here.
    intervalos["situacoes"] = secao(
        folha,
        len(notas) + 3,  # after the title, the notes and a blank row
        "Atividades por situação",
        ["", "Situação", "Atividades", "% das atividades"],
        [
            [
                None,
                rotulo,
                geral.por_situacao[codigo],
                percentual(geral.por_situacao[codigo], geral),
            ]
            for codigo, rotulo in SITUACOES_EXIBIDAS
        ]
        + [[None, "Total", geral.total, percentual(geral.total, geral)]],
        {4: FORMATO_PERCENTUAL},
    )
    linha = intervalos["situacoes"][1] + 2
    for chave, titulo, nivel, grupos in (
        ("objetivos", "Execução por objetivo específico (%)", "Objetivo específico", por_objetivo),
        ("acoes", "Execução por ação prioritária (%)", "Ação prioritária", por_acao),
    ):
        intervalos[chave] = secao(
            folha,
            linha,
            titulo,
            ["Código", nivel, "Atividades", "Execução (%)"],
            [[i.codigo, i.texto, g.total, g.execucao] for i, g in grupos.items()],
            {4: FORMATO_PERCENTUAL},
        )
        linha = intervalos[chave][1] + 2
    intervalos["situacoes"] = (intervalos["situacoes"][0], intervalos["situacoes"][1] - 1)
    primeira, ultima = secao(
        folha,
        linha,
        "Cobertura dos relatos por instituição (%)",
        ["Instituição", "Nome", "Atividades esperadas", "Relatos publicados", "Cobertura (%)"],
        [
            [c["instituicao"], c["nome"], c["esperadas"], c["validadas"], c["cobertura"]]
            for c in coberturas
        ],
        {5: FORMATO_PERCENTUAL},
    )
    intervalos["cobertura"] = (primeira, ultima - 1)  # without the total
    if ultima > LINHAS_EM_DUAS_PAGINAS:
        # A plan far larger than the real one: as many pages as it takes, at
        # the page's width. (The page setup is written after the rows.)
        folha.page_setup.fitToHeight = 0
    return intervalos


# About the most rows two landscape A4 pages hold with the text still legible.
LINHAS_EM_DUAS_PAGINAS = 120


def percentual(parte: int, grupo: Grupo) -> float | None:
    return round(100 * parte / grupo.total, 1) if grupo.total else None


# The charts of "Gráficos", each drawn from a table of "Resumo": (key of the
# table, title, category axis, value axis, column of the categories, column of
# the values, bars upright or lying, values in percent).
GRAFICOS = (
    ("situacoes", "Atividades por situação", "Situação", "Atividades", 2, 3, "col", False),
    (
        "objetivos",
        "Execução por objetivo específico",
        "Objetivo específico",
        "Execução (%)",
        1,
        4,
        "bar",
        True,
    ),
    (
        "cobertura",
        "Cobertura dos relatos por instituição",
        "Instituição",
        "Cobertura (%)",
        1,
        5,
        "bar",
        True,
    ),
)
ALTURA_DA_LINHA_CM = 0.53  # a row of the default height


def grafico(resumo, intervalo, titulo, eixo_x, eixo_y, categorias, valores, tipo, percentual):
    """A native bar chart of one table of the summary: its series points at
    the summary's cells, so the chart and the table never disagree."""
    primeira, ultima = intervalo
    resultado = BarChart()
    resultado.type = tipo
    resultado.title = titulo
    resultado.x_axis.title = eixo_x
    resultado.y_axis.title = eixo_y
    # openpyxl 3.1 hides the axes unless told otherwise.
    resultado.x_axis.delete = False
    resultado.y_axis.delete = False
    dados = Reference(resumo, min_col=valores, min_row=primeira - 1, max_row=ultima)
    resultado.add_data(dados, titles_from_data=True)  # the header names the series
    resultado.set_categories(
        Reference(resumo, min_col=categorias, min_row=primeira, max_row=ultima)
    )
    resultado.legend = None
    resultado.dataLabels = DataLabelList()
    resultado.dataLabels.showVal = True
    resultado.y_axis.scaling.min = 0
    if percentual:
        resultado.y_axis.scaling.max = 100
    if tipo == "bar":
        # Lying bars read top-down in the table's order.
        resultado.x_axis.scaling.orientation = "maxMin"
    n = ultima - primeira + 1
    resultado.width = 24
    resultado.height = max(7.5, 0.6 * n + 3) if tipo == "bar" else 9
    return resultado


def folha_graficos(livro, destino: Destino, resumo, intervalos: dict) -> None:
    """The summary's situations, execution per objective and coverage per
    institution as bar charts, one under the other."""
    folha = nova_folha(livro, destino, "Gráficos", [16], titulos=f"1:{LINHA_DO_CABECALHO}")
    folha.append(linha_de_aviso(folha, destino, 'Gráficos das tabelas da folha "Resumo".'))
    folha.append([celula(folha, "Gráficos do resumo", fonte=TITULO, quebra=False)])
    linha = LINHA_DO_CABECALHO + 2
    for chave, *opcoes in GRAFICOS:
        if intervalos[chave][1] < intervalos[chave][0]:
            continue  # an empty table: nothing to draw
        desenho = grafico(resumo, intervalos[chave], *opcoes)
        folha.add_chart(desenho, f"A{linha}")
        linha += int(desenho.height / ALTURA_DA_LINHA_CM) + 2


def _por_instituicao(relatos, campo: str) -> str:
    textos = [(r.instituicao.sigla, getattr(r, campo)) for r in relatos if getattr(r, campo)]
    if len(textos) == 1:
        return textos[0][1]
    return "\n\n".join(f"{sigla}: {texto}" for sigla, texto in textos)


def folha_plano(livro, destino: Destino, atividades, situacoes, relatos_publicados) -> None:
    """The ministry's table (an objective's and an action's cell span their
    activities), followed by the cycle's situation and published reports. The
    evidence cell links to the first evidence; each one is on "Evidências"."""
    titulos = [
        "Objetivo específico",
        "Ação prioritária",
        "Atividade",
        "Parceiros",
        "Situação",
        "% executado",
        "O que foi feito no período",
        "Restrições e providências",
        "Evidências",
        "Validado em",
    ]
    grupos = {1: [], 2: []}  # column -> [first row, last row] of each group

    def linhas():
        anterior = None
        for linha, atividade in enumerate(atividades, start=LINHA_DO_CABECALHO + 1):
            acao, objetivo = atividade.acao, atividade.acao.objetivo
            novo_objetivo = anterior is None or anterior.acao.objetivo_id != objetivo.pk
            nova_acao = anterior is None or anterior.acao_id != acao.pk
            for coluna, novo in ((1, novo_objetivo), (2, nova_acao)):
                if novo:
                    grupos[coluna].append([linha, linha])
                else:
                    grupos[coluna][-1][1] = linha
            anterior = atividade
            s = situacoes[atividade.pk]
            relatos = relatos_publicados.get(atividade.pk, [])
            evidencias = [e for r in relatos for e in r.evidencias.all()]
            links = [link_da_evidencia(e.url, e.pk) for e in evidencias]
            validacoes = [r.validado_em for r in relatos]
            yield [
                f"{objetivo.codigo} {objetivo.texto}" if novo_objetivo else None,
                f"{acao.codigo} {acao.texto}" if nova_acao else None,
                f"{atividade.codigo} {atividade.texto}",
                siglas_dos_parceiros(atividade) or "A definir",
                ROTULOS[s.exibida],
                s.percentual,
                _por_instituicao(relatos, "realizado"),
                _por_instituicao(relatos, "restricoes"),
                "\n".join(f"{e.titulo}: {link}" for e, link in zip(evidencias, links, strict=True)),
                max(validacoes) if validacoes else None,
                {9: {"link": links[0]}} if links else {},
            ]

    aviso = "Somente os relatos publicados"
    aviso += "." if destino.publico else f'; todos os relatos estão em "{RELATOS_DO_CICLO}".'
    folha = tabela(
        livro,
        destino,
        "Plano",
        titulos,
        linhas(),
        aviso=aviso,
        larguras=[40, 40, 50, 18, 16, 12, 60, 50, 50, 18],
        formatos={6: "0", 10: FORMATO_DATA_HORA},
        filtro=False,  # the objective and action cells are merged
    )
    # All at once: MultiCellRange.add() checks each new range against every
    # earlier one (quadratic: 7 s for the 3,000 merges of a 100x plan), and
    # these, one column's groups each, never overlap.
    mescladas = [
        CellRange(f"{get_column_letter(coluna)}{inicio}:{get_column_letter(coluna)}{fim}")
        for coluna, intervalos in grupos.items()
        for inicio, fim in intervalos
        if fim > inicio
    ]
    folha.merged_cells = MultiCellRange({*folha.merged_cells.ranges, *mescladas})


def nome_de(usuario) -> str:
    return (usuario.get_full_name() or usuario.username) if usuario else ""


AVISO_NAO_PUBLICADOS = "não estão no painel e têm fundo amarelo."


def marca_de_nao_publicado(relato) -> dict:
    """Cell options marking a row of a report not (yet) published."""
    if relato.estado == Atualizacao.Estado.PUBLICADA:
        return {}
    return {"*": {"fundo": FUNDO_NAO_PUBLICADO}}


# The reports' sheet of each version.
RELATOS_DO_CICLO = "Relatos do ciclo"
RELATOS_PUBLICADOS = "Relatos publicados"
PUBLICADA = Atualizacao.Estado.PUBLICADA
COLUNAS_DOS_RELATOS = (
    ColunaDoRelatorio("Atividade", 12, lambda r: r.atividade.codigo),
    ColunaDoRelatorio("Instituição", 16, lambda r: r.instituicao.sigla),
    ColunaDoRelatorio("Versão", 8, lambda r: r.versao),
    ColunaDoRelatorio("Estado", 22, lambda r: r.get_estado_display(), interna=True),
    ColunaDoRelatorio(
        "Publicado", 11, lambda r: "Sim" if r.estado == PUBLICADA else "Não", interna=True
    ),
    ColunaDoRelatorio("Situação", 16, lambda r: ROTULOS[r.situacao]),
    ColunaDoRelatorio("% executado", 12, lambda r: r.percentual, "0"),
    ColunaDoRelatorio("O que foi feito no período", 60, lambda r: r.realizado),
    ColunaDoRelatorio("Restrições e providências", 50, lambda r: r.restricoes),
    ColunaDoRelatorio("Evidências", 11, lambda r: len(r.evidencias.all())),
    ColunaDoRelatorio("Autor", 22, lambda r: nome_de(r.autor), interna=True),
    ColunaDoRelatorio("Enviado em", 18, lambda r: r.enviado_em, FORMATO_DATA_HORA, interna=True),
    ColunaDoRelatorio("Validador", 22, lambda r: nome_de(r.validador), interna=True),
    ColunaDoRelatorio("Validado em", 18, lambda r: r.validado_em, FORMATO_DATA_HORA),
    ColunaDoRelatorio(
        "Comentário da validação", 40, lambda r: r.comentario_validacao, interna=True
    ),
)
COLUNAS_DAS_EVIDENCIAS = (
    ColunaDoRelatorio("Atividade", 12, lambda r, e: r.atividade.codigo),
    ColunaDoRelatorio("Instituição", 16, lambda r, e: r.instituicao.sigla),
    ColunaDoRelatorio("Estado do relato", 22, lambda r, e: r.get_estado_display(), interna=True),
    ColunaDoRelatorio("Título", 50, lambda r, e: e.titulo),
    ColunaDoRelatorio("Tipo", 16, lambda r, e: e.get_tipo_display()),
    ColunaDoRelatorio("Data", 14, lambda r, e: e.data),
    ColunaDoRelatorio("Link", 60, lambda r, e: link_da_evidencia(e.url, e.pk)),
)


def folha_relatos(livro, destino: Destino, relatos) -> None:
    """The cycle's reports: every one in the internal version (those not
    published on a yellow background), the published ones in the public one."""
    if destino.publico:
        titulo, aviso = RELATOS_PUBLICADOS, "Relatos validados e publicados pela CGETP."
    else:
        titulo = RELATOS_DO_CICLO
        aviso = f"Contém nomes e relatos não publicados: esses {AVISO_NAO_PUBLICADOS}"
    tabela_de_colunas(
        livro,
        destino,
        titulo,
        COLUNAS_DOS_RELATOS,
        ((r,) for r in relatos),
        aviso=aviso,
        opcoes=marca_de_nao_publicado,
    )


def folha_evidencias(livro, destino: Destino, relatos) -> None:
    if destino.publico:
        aviso = "Evidências dos relatos publicados."
    else:
        aviso = f"Inclui evidências de relatos não publicados: essas {AVISO_NAO_PUBLICADOS}"
    tabela_de_colunas(
        livro,
        destino,
        "Evidências",
        COLUNAS_DAS_EVIDENCIAS,
        ((r, e) for r in relatos for e in r.evidencias.all()),
        aviso=aviso,
        opcoes=lambda r, e: (
            {"Link": {"link": link_da_evidencia(e.url, e.pk)}} | marca_de_nao_publicado(r)
        ),
    )


def gerar_relatorio(
    ciclo: Ciclo,
    arquivo: IO[bytes] | str,
    *,
    autor: str = AUTOR,
    publico: bool = False,
    momento: datetime | None = None,
) -> None:
    """Write the cycle's workbook to a path or binary file: the internal
    version, or with `publico` the public one, stamped with `momento` (the
    data version's, dados.pacote.momento_dos_dados) instead of "now"."""
    if publico and momento is None:
        raise ValueError("The public version is stamped with the data version's moment.")
    destino = destino_do_relatorio(ciclo, publico=publico)
    atividades = list(Atividade.objects.para_plano().do_plano(ciclo.plano_id))
    situacoes = situacoes_no_ciclo(ciclo, atividades)
    relatos = Atualizacao.objects.para_relatorio(ciclo)
    relatos = list(relatos.publicadas() if publico else relatos)
    publicados = defaultdict(list)
    for relato in relatos:
        if relato.estado == PUBLICADA:
            publicados[relato.atividade_id].append(relato)

    # Write-only mode: rows go to disk as they are made, so a cycle of a plan
    # a hundred times larger still fits in a request.
    livro = Workbook(write_only=True)
    livro.properties.title = f"Relatório semestral {ciclo.plano.sigla} · ciclo {ciclo.codigo}"
    if publico:
        livro.properties.title += f" · {VERSAO_PUBLICA.lower()}"
    livro.properties.creator = limpar_celula(autor)
    livro.properties.subject = f"Monitoramento do {ciclo.plano.nome}"
    notas = notas_do_resumo(ciclo, destino, momento)
    intervalos = folha_resumo(
        livro, destino, ciclo, atividades, situacoes, linhas_de_cobertura(ciclo), notas
    )
    folha_graficos(livro, destino, livro["Resumo"], intervalos)
    folha_plano(livro, destino, atividades, situacoes, publicados)
    folha_relatos(livro, destino, relatos)
    folha_evidencias(livro, destino, relatos)
    if not publico:
        livro.save(arquivo)
        return
    # openpyxl's save stamps the properties and every zip entry with "now".
    livro.properties.created = livro.properties.modified = em_utc(momento)
    ExcelWriter(livro, ZipDeDataFixa(arquivo, momento)).save()


def ciclos_com_relatorio_publico(plano):
    """The cycles with a public report: the plan's closed ones, oldest first
    (one query)."""
    return Ciclo.objects.filter(plano=plano).encerrados().select_related("plano")


def endereco_do_relatorio_publico(ciclo: Ciclo) -> str:
    return reverse("dados:relatorio_publico", args=[ciclo.plano.slug, ciclo.codigo])


def caminho_do_relatorio_publico(ciclo: Ciclo) -> str:
    """Its address relative to /dados/: the data package's path (and its
    name inside dados-abertos.zip)."""
    return endereco_do_relatorio_publico(ciclo).removeprefix(reverse("dados:index"))


def nome_do_arquivo(ciclo: Ciclo, *, publico: bool = False) -> str:
    versao = "publico-" if publico else ""
    return f"relatorio-semestral-{versao}{ciclo.plano.slug}-{ciclo.codigo}.xlsx"

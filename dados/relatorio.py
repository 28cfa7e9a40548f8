"""The staff's semestral report: one XLSX workbook per cycle.

Sheets: "Resumo" (activities per situação, execution per objective and per
action, reporting coverage per institution), "Gráficos" (native bar charts
of those tables, pointing at their cells), "Plano" (the ministry's table
with each activity's situation and the cycle's published reports),
"Relatos do ciclo" (every report of the cycle, unpublished ones marked) and
"Evidências" (each evidence link, clickable).

Numbers follow plano.indicadores, with each activity as the plan stood at
the close of the cycle (monitoramento.ciclos.plano_no_ciclo, the function
behind every public view of a cycle): "atrasada" judged on the evaluation
date the summary states, against the deadline in force on that date.
"""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from comum.celulas import limpar_celula
from monitoramento.ciclos import data_de_avaliacao, situacoes_no_ciclo
from monitoramento.indicadores import Grupo, cobertura_do_ciclo
from monitoramento.models import Atualizacao, Ciclo
from plano.indicadores import ROTULOS, SITUACOES_EXIBIDAS
from plano.models import Atividade

from .conjuntos import link_da_evidencia, siglas_dos_parceiros
from .formatos import AUTOR, COR_CABECALHO, hora_local

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


# Printed on every page of every sheet: the report holds names, unpublished
# reports and validation comments.
USO_INTERNO = "Uso interno · CGETP"
# Each data sheet's first row states it; its header is the second row.
LINHA_DO_CABECALHO = 2


def aviso_de_uso_interno(folha, aviso: str) -> list:
    """The line at the top of a data sheet: "Uso interno", then what the
    sheet holds that is not public."""
    return [celula(folha, f"{USO_INTERNO}. {aviso}", fonte=SECAO, quebra=False)]


def preparar_impressao(folha, *, titulos: str = "", paginas_de_altura: int = 0) -> None:
    """Print setup of a sheet: A4 landscape, fit to the page's width (and to
    `paginas_de_altura` pages tall, when given), the `titulos` rows repeated
    on every page, "Uso interno" in the header and page numbers in the footer."""
    folha.page_setup.orientation = "landscape"
    folha.page_setup.paperSize = "9"  # A4
    folha.sheet_properties.pageSetUpPr.fitToPage = True
    folha.page_setup.fitToWidth = 1
    folha.page_setup.fitToHeight = paginas_de_altura
    if titulos:
        folha.print_title_rows = titulos
    for cabecalho_ in (folha.oddHeader, folha.evenHeader):
        cabecalho_.center.text = USO_INTERNO
        cabecalho_.center.font = "Arial,Bold"
    for rodape in (folha.oddFooter, folha.evenFooter):
        rodape.left.text = "&A"
        rodape.right.text = "Página &P de &N"


def nova_folha(livro, titulo: str, larguras: list[int], **impressao):
    folha = livro.create_sheet(titulo)
    for coluna, largura in enumerate(larguras, start=1):
        folha.column_dimensions[get_column_letter(coluna)].width = largura
    preparar_impressao(folha, **impressao)
    return folha


def tabela(
    livro,
    titulo: str,
    titulos: list[str],
    linhas,
    *,
    aviso: str,
    larguras: list[int],
    formatos=None,
    filtro: bool = True,
):
    """A data sheet: the "Uso interno" line with `aviso`, then the styled
    header, both frozen and repeated on every printed page; a filter over
    every column of the table unless `filtro` is false (a sheet with merged
    cells: a filter over them breaks). Each row is a list of values, then
    optionally a dict of cell options by column ("*" for all) for cells
    needing a link or a fill. Returns the sheet."""
    folha = nova_folha(livro, titulo, larguras, titulos=f"1:{LINHA_DO_CABECALHO}")
    folha.freeze_panes = f"A{LINHA_DO_CABECALHO + 1}"
    folha.append(aviso_de_uso_interno(folha, aviso))
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


def folha_resumo(livro, ciclo: Ciclo, atividades, situacoes, coberturas) -> dict:
    """The summary sheet. Returns, for each table a chart draws ("situacoes",
    "objetivos", "cobertura"), the first and last rows of its body, without
    the total."""
    # The summary prints on at most two pages (LibreOffice's PDF export is
    # tested), unless that would shrink it past reading (see below).
    folha = nova_folha(livro, "Resumo", [16, 60, 16, 16, 18], titulos="1:1", paginas_de_altura=2)
    folha.freeze_panes = "A2"
    titulo = f"{ciclo.plano.sigla} · Relatório semestral do ciclo {ciclo.codigo}"
    # One line each, running over the empty cells to their right.
    folha.append(
        [
            celula(folha, titulo, fonte=TITULO, quebra=False),
            None,
            None,
            celula(folha, USO_INTERNO, fonte=SECAO, quebra=False),
        ]
    )
    notas = (
        f"Período de {ciclo.inicio:%d/%m/%Y} a {ciclo.fim:%d/%m/%Y}.",
        f"Situações avaliadas em {data_de_avaliacao(ciclo):%d/%m/%Y}, "
        "com o prazo em vigor nessa data.",
        f"Gerado em {timezone.localtime():%d/%m/%Y %H:%M}. Percentuais de 0 a 100.",
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


def folha_graficos(livro, resumo, intervalos: dict) -> None:
    """The summary's situations, execution per objective and coverage per
    institution as bar charts, one under the other."""
    folha = nova_folha(livro, "Gráficos", [16], titulos=f"1:{LINHA_DO_CABECALHO}")
    folha.append(aviso_de_uso_interno(folha, 'Gráficos das tabelas da folha "Resumo".'))
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


def folha_plano(livro, atividades, situacoes, relatos_publicados) -> None:
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

    folha = tabela(
        livro,
        "Plano",
        titulos,
        linhas(),
        aviso='Somente os relatos publicados; todos os relatos estão em "Relatos do ciclo".',
        larguras=[40, 40, 50, 18, 16, 12, 60, 50, 50, 18],
        formatos={6: "0", 10: FORMATO_DATA_HORA},
        filtro=False,  # the objective and action cells are merged
    )
    for coluna, intervalos in grupos.items():
        letra = get_column_letter(coluna)
        for inicio, fim in intervalos:
            if fim > inicio:
                folha.merged_cells.add(f"{letra}{inicio}:{letra}{fim}")


def nome_de(usuario) -> str:
    return (usuario.get_full_name() or usuario.username) if usuario else ""


AVISO_NAO_PUBLICADOS = "não estão no painel e têm fundo amarelo."


def marca_de_nao_publicado(relato) -> dict:
    """Cell options marking a row of a report not (yet) published."""
    if relato.estado == Atualizacao.Estado.PUBLICADA:
        return {}
    return {"*": {"fundo": FUNDO_NAO_PUBLICADO}}


def folha_relatos(livro, relatos) -> None:
    """Every report of the cycle; those not published have a yellow background."""
    titulos = [
        "Atividade",
        "Instituição",
        "Versão",
        "Estado",
        "Publicado",
        "Situação",
        "% executado",
        "O que foi feito no período",
        "Restrições e providências",
        "Evidências",
        "Autor",
        "Enviado em",
        "Validador",
        "Validado em",
        "Comentário da validação",
    ]
    publicada = Atualizacao.Estado.PUBLICADA
    tabela(
        livro,
        "Relatos do ciclo",
        titulos,
        (
            [
                r.atividade.codigo,
                r.instituicao.sigla,
                r.versao,
                r.get_estado_display(),
                "Sim" if r.estado == publicada else "Não",
                ROTULOS[r.situacao],
                r.percentual,
                r.realizado,
                r.restricoes,
                len(r.evidencias.all()),
                nome_de(r.autor),
                r.enviado_em,
                nome_de(r.validador),
                r.validado_em,
                r.comentario_validacao,
                marca_de_nao_publicado(r),
            ]
            for r in relatos
        ),
        aviso=f"Contém nomes e relatos não publicados: esses {AVISO_NAO_PUBLICADOS}",
        larguras=[12, 16, 8, 22, 11, 16, 12, 60, 50, 11, 22, 18, 22, 18, 40],
        formatos={7: "0", 12: FORMATO_DATA_HORA, 14: FORMATO_DATA_HORA},
    )


def folha_evidencias(livro, relatos) -> None:
    tabela(
        livro,
        "Evidências",
        ["Atividade", "Instituição", "Estado do relato", "Título", "Tipo", "Data", "Link"],
        (
            [
                r.atividade.codigo,
                r.instituicao.sigla,
                r.get_estado_display(),
                e.titulo,
                e.get_tipo_display(),
                e.data,
                link_da_evidencia(e.url, e.pk),
                {7: {"link": link_da_evidencia(e.url, e.pk)}} | marca_de_nao_publicado(r),
            ]
            for r in relatos
            for e in r.evidencias.all()
        ),
        aviso=f"Inclui evidências de relatos não publicados: essas {AVISO_NAO_PUBLICADOS}",
        larguras=[12, 16, 22, 50, 16, 14, 60],
    )


def gerar_relatorio(ciclo: Ciclo, arquivo: IO[bytes] | str, *, autor: str = AUTOR) -> None:
    """Write the cycle's workbook to a path or binary file."""
    atividades = list(Atividade.objects.para_plano().do_plano(ciclo.plano_id))
    situacoes = situacoes_no_ciclo(ciclo, atividades)
    relatos = list(Atualizacao.objects.para_relatorio(ciclo))
    publicados = defaultdict(list)
    for relato in relatos:
        if relato.estado == Atualizacao.Estado.PUBLICADA:
            publicados[relato.atividade_id].append(relato)

    # Write-only mode: rows go to disk as they are made, so a cycle of a plan
    # a hundred times larger still fits in a request.
    livro = Workbook(write_only=True)
    livro.properties.title = f"Relatório semestral {ciclo.plano.sigla} · ciclo {ciclo.codigo}"
    livro.properties.creator = limpar_celula(autor)
    livro.properties.subject = f"Monitoramento do {ciclo.plano.nome}"
    intervalos = folha_resumo(livro, ciclo, atividades, situacoes, linhas_de_cobertura(ciclo))
    folha_graficos(livro, livro["Resumo"], intervalos)
    folha_plano(livro, atividades, situacoes, publicados)
    folha_relatos(livro, relatos)
    folha_evidencias(livro, relatos)
    livro.save(arquivo)


def nome_do_arquivo(ciclo: Ciclo) -> str:
    return f"relatorio-semestral-{ciclo.plano.slug}-{ciclo.codigo}.xlsx"

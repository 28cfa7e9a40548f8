"""The staff's semestral report: one XLSX workbook per cycle.

Sheets: "Resumo" (activities per situação, execution per objective and per
action, reporting coverage per institution), "Plano" (the ministry's table
with each activity's situation and the cycle's published reports),
"Relatos do ciclo" (every report of the cycle, unpublished ones marked) and
"Evidências" (each evidence link, clickable).

Numbers follow plano.indicadores: an activity's situation at a cycle is the
one of its latest published report up to that cycle (the rule
monitoramento.services applies today), "atrasada" judged on the cycle's
last day.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from monitoramento.models import Atualizacao, Ciclo
from plano.indicadores import (
    FORA_DO_DENOMINADOR,
    ROTULOS,
    SITUACOES_EXIBIDAS,
    Item,
    Situacao,
    cobertura,
    execucao,
    situacao_exibida,
)
from plano.models import Atividade

from .exports import (
    AUTOR,
    FONTE_CABECALHO,
    FUNDO_CABECALHO,
    QUEBRA,
    hora_local,
    sem_caracteres_ilegais,
)

FORMATO_DATA = "DD/MM/YYYY"
FORMATO_DATA_HORA = "DD/MM/YYYY HH:MM"
FORMATO_PERCENTUAL = "0.0"
FUNDO_NAO_PUBLICADO = PatternFill("solid", start_color="FFF5C2")
TITULO = Font(bold=True, size=14)
SECAO = Font(bold=True, size=12)
LINK = Font(color="0563C1", underline="single")


@dataclass(frozen=True)
class SituacaoNoCiclo:
    situacao: str  # stored code, "sem_informacao" without a published report
    percentual: int | None
    exibida: str  # with "atrasada", as on the cycle's last day


def situacoes_no_ciclo(ciclo: Ciclo, atividades) -> dict[int, SituacaoNoCiclo]:
    """Each activity's situation at the end of the cycle: its latest published
    report of this cycle or an earlier one (latest cycle, then latest validation)."""
    ultimos = {}
    for atividade_id, situacao, percentual in (
        Atualizacao.objects.publicadas()
        .filter(ciclo__plano_id=ciclo.plano_id, ciclo__inicio__lte=ciclo.inicio)
        .order_by("ciclo__inicio", "validado_em", "pk")
        .values_list("atividade_id", "situacao", "percentual")
        .iterator()
    ):
        ultimos[atividade_id] = (situacao, percentual)
    resultado = {}
    for atividade in atividades:
        situacao, percentual = ultimos.get(atividade.pk, (Situacao.SEM_INFORMACAO, None))
        resultado[atividade.pk] = SituacaoNoCiclo(
            situacao, percentual, situacao_exibida(situacao, atividade.prazo, ciclo.fim)
        )
    return resultado


def cobertura_do_ciclo(
    ciclo: Ciclo, atividades, situacoes: dict[int, SituacaoNoCiclo]
) -> list[dict]:
    """Reporting coverage per institution, then the total, by the rule of
    plano.indicadores.cobertura: an activity is expected to report when it has
    a linked institution and is neither cancelled nor "não se aplica"; it
    counts as reported when its report for the cycle was published. Per
    institution, an activity counts when that institution's report was
    published. (To be unified with monitoramento.indicadores.cobertura_do_ciclo.)"""
    publicados = set(
        Atualizacao.objects.publicadas()
        .filter(ciclo=ciclo)
        .values_list("atividade_id", "instituicao_id")
    )
    atividades_publicadas = {atividade_id for atividade_id, _ in publicados}
    por_instituicao = defaultdict(lambda: [0, 0])
    total = [0, 0]
    for atividade in atividades:
        vinculos = atividade.vinculos.all()
        if not vinculos or situacoes[atividade.pk].situacao in FORA_DO_DENOMINADOR:
            continue
        total[0] += 1
        total[1] += atividade.pk in atividades_publicadas
        for vinculo in vinculos:
            contagem = por_instituicao[vinculo.instituicao]
            contagem[0] += 1
            contagem[1] += (atividade.pk, vinculo.instituicao_id) in publicados
    linhas = [
        {
            "instituicao": instituicao.sigla,
            "nome": instituicao.nome,
            "esperadas": esperadas,
            "validadas": validadas,
            "cobertura": cobertura(validadas, esperadas),
        }
        for instituicao, (esperadas, validadas) in sorted(
            por_instituicao.items(), key=lambda par: par[0].sigla
        )
    ]
    linhas.append(
        {
            "instituicao": "Total",
            "nome": "Atividades com ao menos um relato publicado",
            "esperadas": total[0],
            "validadas": total[1],
            "cobertura": cobertura(total[1], total[0]),
        }
    )
    return linhas


def valor_da_celula(valor):
    if isinstance(valor, Decimal):
        return float(valor)
    if isinstance(valor, datetime):
        return hora_local(valor)
    if isinstance(valor, str):
        return sem_caracteres_ilegais(valor)
    return valor


def escrever(folha, linha: int, coluna: int, valor, *, formato: str = ""):
    """Write one cell; text is always stored as text, never as a formula."""
    celula = folha.cell(row=linha, column=coluna, value=valor_da_celula(valor))
    if isinstance(valor, str):
        celula.data_type = "s"
    if formato:
        celula.number_format = formato
    elif isinstance(valor, datetime):
        celula.number_format = FORMATO_DATA_HORA
    elif isinstance(valor, date):
        celula.number_format = FORMATO_DATA
    return celula


def cabecalho(folha, linha: int, titulos: list[str]) -> None:
    for coluna, titulo in enumerate(titulos, start=1):
        celula = escrever(folha, linha, coluna, titulo)
        celula.font = FONTE_CABECALHO
        celula.fill = FUNDO_CABECALHO
        celula.alignment = QUEBRA


def larguras(folha, valores: list[int]) -> None:
    for coluna, largura in enumerate(valores, start=1):
        folha.column_dimensions[get_column_letter(coluna)].width = largura


def tabela(
    folha,
    titulos: list[str],
    linhas,
    *,
    larguras_: list[int],
    formatos: dict[int, str] | None = None,
):
    """A data sheet: styled header frozen in row 1, filter, wrapped text."""
    cabecalho(folha, 1, titulos)
    larguras(folha, larguras_)
    folha.freeze_panes = "A2"
    n = 1
    for n, valores in enumerate(linhas, start=2):  # noqa: B007 - n is the last row
        for coluna, valor in enumerate(valores, start=1):
            celula = escrever(folha, n, coluna, valor, formato=(formatos or {}).get(coluna, ""))
            celula.alignment = QUEBRA
    folha.auto_filter.ref = f"A1:{get_column_letter(len(titulos))}{n}"
    return n


def secao(
    folha, linha: int, titulo: str, titulos: list[str], linhas: list[list], formatos=None
) -> int:
    """A titled table on the summary sheet; returns the next free row."""
    escrever(folha, linha, 1, titulo).font = SECAO
    cabecalho(folha, linha + 1, titulos)
    for i, valores in enumerate(linhas, start=linha + 2):
        for coluna, valor in enumerate(valores, start=1):
            escrever(folha, i, coluna, valor, formato=(formatos or {}).get(coluna, ""))
    return linha + len(linhas) + 3


def folha_resumo(folha, ciclo: Ciclo, atividades, situacoes, coberturas) -> None:
    folha.title = "Resumo"
    larguras(folha, [16, 60, 16, 16, 18])
    escrever(
        folha, 1, 1, f"{ciclo.plano.sigla} · Relatório semestral do ciclo {ciclo.codigo}"
    ).font = TITULO
    escrever(
        folha,
        2,
        1,
        f"Período de {ciclo.inicio:%d/%m/%Y} a {ciclo.fim:%d/%m/%Y}. "
        f"Gerado em {timezone.localtime():%d/%m/%Y %H:%M}. Percentuais de 0 a 100.",
    )
    folha.freeze_panes = "A3"

    contagem = defaultdict(int)
    for s in situacoes.values():
        contagem[s.exibida] += 1
    linha = secao(
        folha,
        4,
        "Atividades por situação",
        ["Código", "Situação", "Atividades"],
        [[codigo, rotulo, contagem[codigo]] for codigo, rotulo in SITUACOES_EXIBIDAS]
        + [["", "Total", len(situacoes)]],
    )

    por_objetivo, por_acao = defaultdict(list), defaultdict(list)
    for atividade in atividades:
        s = situacoes[atividade.pk]
        item = Item(s.situacao, s.percentual, atividade.peso)
        por_objetivo[atividade.acao.objetivo].append(item)
        por_acao[atividade.acao].append(item)
    formato = {4: FORMATO_PERCENTUAL}
    linha = secao(
        folha,
        linha,
        "Execução por objetivo específico (%)",
        ["Código", "Objetivo específico", "Atividades", "Execução (%)"],
        [[o.codigo, o.texto, len(itens), execucao(itens)] for o, itens in por_objetivo.items()],
        formato,
    )
    linha = secao(
        folha,
        linha,
        "Execução por ação prioritária (%)",
        ["Código", "Ação prioritária", "Atividades", "Execução (%)"],
        [[a.codigo, a.texto, len(itens), execucao(itens)] for a, itens in por_acao.items()],
        formato,
    )
    secao(
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
    for linha_ in folha.iter_rows(min_row=4, max_col=2):
        linha_[1].alignment = QUEBRA


def _por_instituicao(relatos, campo: str) -> str:
    textos = [(r.instituicao.sigla, getattr(r, campo)) for r in relatos if getattr(r, campo)]
    if len(textos) == 1:
        return textos[0][1]
    return "\n\n".join(f"{sigla}: {texto}" for sigla, texto in textos)


def folha_plano(folha, atividades, situacoes, relatos_publicados) -> None:
    """The ministry's table (objective and action cells span their
    activities), followed by the cycle's situation and reports."""
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

    def linhas():
        for atividade in atividades:
            s = situacoes[atividade.pk]
            relatos = relatos_publicados.get(atividade.pk, [])
            evidencias = [e for r in relatos for e in r.evidencias.all()]
            validacoes = [r.validado_em for r in relatos]
            yield [
                f"{atividade.acao.objetivo.codigo} {atividade.acao.objetivo.texto}",
                f"{atividade.acao.codigo} {atividade.acao.texto}",
                f"{atividade.codigo} {atividade.texto}",
                "; ".join(v.instituicao.sigla for v in atividade.vinculos.all()) or "A definir",
                ROTULOS[s.exibida],
                s.percentual,
                _por_instituicao(relatos, "realizado"),
                _por_instituicao(relatos, "restricoes"),
                "\n".join(f"{e.titulo}: {link_absoluto(e)}" for e in evidencias),
                max(validacoes) if validacoes else None,
            ]

    ultima = tabela(
        folha,
        titulos,
        linhas(),
        larguras_=[40, 40, 50, 18, 16, 12, 60, 50, 50, 18],
        formatos={6: "0", 10: FORMATO_DATA_HORA},
    )
    # Evidence cells link to their first evidence; each one is on "Evidências".
    for i, atividade in enumerate(atividades, start=2):
        relatos = relatos_publicados.get(atividade.pk, [])
        evidencias = [e for r in relatos for e in r.evidencias.all()]
        if evidencias:
            celula = folha.cell(row=i, column=9)
            celula.hyperlink = link_absoluto(evidencias[0])
            celula.font = LINK
    mesclar_grupos(folha, atividades, ultima)


def mesclar_grupos(folha, atividades, ultima: int) -> None:
    """Merge each objective's and each action's cells over their activities."""
    for coluna, chave in ((1, lambda a: a.acao.objetivo_id), (2, lambda a: a.acao_id)):
        inicio = 2
        for i in range(2, ultima + 1):
            fim_do_grupo = i == ultima or chave(atividades[i - 1]) != chave(atividades[i - 2])
            if fim_do_grupo and i > inicio:
                folha.merge_cells(
                    start_row=inicio, start_column=coluna, end_row=i, end_column=coluna
                )
            if fim_do_grupo:
                inicio = i + 1


def link_absoluto(evidencia) -> str:
    href = evidencia.href
    return href if href.startswith("http") else f"{settings.SITE_URL}{href}"


def nome_de(usuario) -> str:
    return (usuario.get_full_name() or usuario.username) if usuario else ""


def folha_relatos(folha, relatos) -> None:
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
        folha,
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
            ]
            for r in relatos
        ),
        larguras_=[12, 16, 8, 22, 11, 16, 12, 60, 50, 11, 22, 18, 22, 18, 40],
        formatos={7: "0", 12: FORMATO_DATA_HORA, 14: FORMATO_DATA_HORA},
    )
    for i, r in enumerate(relatos, start=2):
        if r.estado != publicada:
            for celula in folha[i]:
                celula.fill = FUNDO_NAO_PUBLICADO


def folha_evidencias(folha, relatos) -> None:
    evidencias = [(r, e) for r in relatos for e in r.evidencias.all()]
    tabela(
        folha,
        ["Atividade", "Instituição", "Estado do relato", "Título", "Tipo", "Data", "Link"],
        (
            [
                r.atividade.codigo,
                r.instituicao.sigla,
                r.get_estado_display(),
                e.titulo,
                e.get_tipo_display(),
                e.data,
                link_absoluto(e),
            ]
            for r, e in evidencias
        ),
        larguras_=[12, 16, 22, 50, 16, 14, 60],
    )
    for i, (_r, e) in enumerate(evidencias, start=2):
        celula = folha.cell(row=i, column=7)
        celula.hyperlink = link_absoluto(e)
        celula.font = LINK


def gerar_relatorio(ciclo: Ciclo, arquivo: IO[bytes] | str, *, autor: str = AUTOR) -> None:
    """Write the cycle's workbook to a path or binary file."""
    atividades = list(
        Atividade.objects.para_plano().filter(acao__objetivo__plano_id=ciclo.plano_id)
    )
    situacoes = situacoes_no_ciclo(ciclo, atividades)
    relatos = list(Atualizacao.objects.para_relatorio(ciclo))
    publicados = defaultdict(list)
    for relato in relatos:
        if relato.estado == Atualizacao.Estado.PUBLICADA:
            publicados[relato.atividade_id].append(relato)

    livro = Workbook()
    livro.properties.title = f"Relatório semestral {ciclo.plano.sigla} · ciclo {ciclo.codigo}"
    livro.properties.creator = autor
    livro.properties.subject = f"Monitoramento do {ciclo.plano.nome}"
    folha_resumo(
        livro.active, ciclo, atividades, situacoes, cobertura_do_ciclo(ciclo, atividades, situacoes)
    )
    folha_plano(livro.create_sheet("Plano"), atividades, situacoes, publicados)
    folha_relatos(livro.create_sheet("Relatos do ciclo"), relatos)
    folha_evidencias(livro.create_sheet("Evidências"), relatos)
    for folha in livro.worksheets:
        folha.page_setup.orientation = "landscape"
    livro.save(arquivo)


def nome_do_arquivo(ciclo: Ciclo) -> str:
    return f"relatorio-semestral-{ciclo.plano.slug}-{ciclo.codigo}.xlsx"

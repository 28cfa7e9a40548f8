"""The semestral workbook as a ministry document: labels people read, the
evaluation date, "Uso interno" on every sheet, filters only on plain tables,
print setup, and native charts. Every check opens the file back with openpyxl."""

import re
import zipfile

from openpyxl import load_workbook
from openpyxl.worksheet.cell_range import CellRange

from monitoramento.ciclos import data_de_avaliacao
from monitoramento.models import Atualizacao, TipoEvidencia
from plano.indicadores import SITUACOES_EXIBIDAS
from plano.models import Objetivo
from tests import factories

from .leitores import converter_com_libreoffice
from .test_relatorio import gerar

CODIGOS = (
    {codigo for codigo, _ in SITUACOES_EXIBIDAS}
    | set(Atualizacao.Estado.values)
    | set(TipoEvidencia.values)
)
AMARELO = "FFF5C2"


def textos(folha) -> list[str]:
    return [c.value for linha in folha.iter_rows() for c in linha if isinstance(c.value, str)]


def test_nenhum_codigo_de_maquina_so_rotulos(historico, tmp_path):
    livro = load_workbook(gerar(tmp_path))
    for folha in livro.worksheets:
        vistos = {t for t in textos(folha) if t.strip() in CODIGOS}
        assert not vistos, (folha.title, vistos)
    resumo = textos(livro["Resumo"])
    for _, rotulo in SITUACOES_EXIBIDAS:
        assert rotulo in resumo
    assert {"Rascunho", "Enviada à CGETP", "Publicada"} <= set(textos(livro["Relatos do ciclo"]))


def test_resumo_diz_a_data_da_avaliacao(historico, tmp_path):
    ciclo = historico["ciclos"][1]
    notas = [c.value for linha in load_workbook(gerar(tmp_path))["Resumo"]["A1:A5"] for c in linha]
    esperado = f"Situações avaliadas em {data_de_avaliacao(ciclo):%d/%m/%Y}"
    assert any(esperado in (n or "") for n in notas), notas
    assert any(
        f"Período de {ciclo.inicio:%d/%m/%Y} a {ciclo.fim:%d/%m/%Y}" in (n or "") for n in notas
    )


def test_uso_interno_no_topo_de_cada_folha_e_nao_publicados_marcados(historico, tmp_path):
    livro = load_workbook(gerar(tmp_path))
    for folha in livro.worksheets:
        primeira = [c.value for c in folha[1] if c.value]
        assert any("Uso interno" in v for v in primeira), folha.title
        assert "Uso interno" in folha.oddHeader.center.text, folha.title
        assert "Uso interno" in folha.evenHeader.center.text, folha.title
    for nome, coluna in (("Relatos do ciclo", 5), ("Evidências", 3)):
        folha = livro[nome]
        # The line at the top says how they are marked.
        assert "não publicados" in folha["A1"].value and "fundo amarelo" in folha["A1"].value
        estados = {}
        for linha in folha.iter_rows(min_row=3):
            valor = linha[coluna - 1].value
            publicado = valor in ("Sim", "Publicada")
            estados[publicado] = True
            for c in linha:
                assert c.fill.start_color.rgb.endswith(AMARELO) != publicado, (nome, c.coordinate)
        assert estados == {True: True, False: True}, nome  # both kinds are there


def test_filtro_so_em_tabela_simples_com_cabecalho_sem_mesclas(historico, tmp_path):
    livro = load_workbook(gerar(tmp_path))
    com_filtro = []
    for folha in livro.worksheets:
        if not folha.auto_filter.ref:
            continue
        com_filtro.append(folha.title)
        filtro = CellRange(folha.auto_filter.ref)
        assert not folha.merged_cells.ranges, folha.title
        cabecalho = [c.value for c in folha[filtro.min_row]]
        assert all(cabecalho[: filtro.max_col]), (folha.title, cabecalho)
        assert filtro.max_row == folha.max_row and filtro.max_col == folha.max_column
    assert com_filtro == ["Relatos do ciclo", "Evidências"]


def test_impressao_de_cada_folha(historico, tmp_path):
    livro = load_workbook(gerar(tmp_path))
    for folha in livro.worksheets:
        configuracao = folha.page_setup
        assert configuracao.orientation == "landscape", folha.title
        assert configuracao.paperSize == 9, folha.title  # A4
        assert folha.sheet_properties.pageSetUpPr.fitToPage, folha.title
        assert configuracao.fitToWidth == 1, folha.title
        # As many pages tall as needed; the summary at most two.
        assert configuracao.fitToHeight == (2 if folha.title == "Resumo" else 0), folha.title
        assert folha.print_title_rows, folha.title
        assert folha.oddFooter.right.text == "Página &P de &N", folha.title
        assert folha.evenFooter.right.text == "Página &P de &N", folha.title
        assert folha.oddFooter.left.text == "&A", folha.title
        for coluna in range(1, folha.max_column + 1):
            letra = folha.cell(row=1, column=coluna).column_letter
            assert folha.column_dimensions[letra].width >= 8, (folha.title, letra)
    # Long texts wrap inside their column.
    plano = livro["Plano"]
    assert plano["C3"].alignment.wrap_text and plano["G3"].alignment.wrap_text
    # The lines at the top run over the empty cells: no tall wrapped rows.
    assert not plano["A1"].alignment.wrap_text
    assert not livro["Resumo"]["A1"].alignment.wrap_text


def texto_de(titulo) -> str:
    return "".join(r.t for p in titulo.tx.rich.p for r in (p.r or []))


def celulas_de(livro, referencia: str) -> list:
    folha, intervalo = referencia.rsplit("!", 1)
    r = CellRange(intervalo.replace("$", ""))
    return [
        c.value
        for linha in livro[folha.strip("'")].iter_rows(r.min_row, r.max_row, r.min_col, r.max_col)
        for c in linha
    ]


def test_graficos_nativos_apontam_para_as_tabelas_do_resumo(historico, tmp_path):
    livro = load_workbook(gerar(tmp_path))
    graficos = {texto_de(g.title): g for g in livro["Gráficos"]._charts}
    assert list(graficos) == [
        "Atividades por situação",
        "Execução por objetivo específico",
        "Cobertura dos relatos por instituição",
    ]
    dados = {}
    for titulo, grafico in graficos.items():
        assert grafico.tagname == "barChart", titulo
        (serie,) = grafico.series
        assert serie.val.numRef.f.startswith("'Resumo'!"), titulo
        categorias = celulas_de(livro, serie.cat.numRef.f)
        valores = celulas_de(livro, serie.val.numRef.f)
        assert len(categorias) == len(valores) and None not in categorias, titulo
        assert "Total" not in categorias, titulo
        dados[titulo] = dict(zip(categorias, valores, strict=True))
        # The series is named by the table's header cell.
        assert celulas_de(livro, serie.tx.strRef.f) == [texto_de(grafico.y_axis.title)], titulo

    situacoes = graficos["Atividades por situação"]
    assert (texto_de(situacoes.x_axis.title), texto_de(situacoes.y_axis.title)) == (
        "Situação",
        "Atividades",
    )
    assert list(dados["Atividades por situação"]) == [r for _, r in SITUACOES_EXIBIDAS]
    assert dados["Atividades por situação"]["Em andamento"] == 1
    assert dados["Atividades por situação"]["Sem informação"] == 73

    objetivos = dados["Execução por objetivo específico"]
    assert list(objetivos) == list(
        Objetivo.objects.filter(plano=historico["ciclos"][1].plano).values_list("codigo", flat=True)
    )
    assert objetivos["1"] == 9.1
    assert texto_de(graficos["Execução por objetivo específico"].x_axis.title) == (
        "Objetivo específico"
    )

    cobertura = dados["Cobertura dos relatos por instituição"]
    assert cobertura["PF"] == 25.0
    assert texto_de(graficos["Cobertura dos relatos por instituição"].y_axis.title) == (
        "Cobertura (%)"
    )


def test_libreoffice_le_os_graficos_com_titulos_e_celulas_do_resumo(historico, tmp_path):
    ods = converter_com_libreoffice(gerar(tmp_path), "ods", tmp_path)
    with zipfile.ZipFile(ods) as pacote:
        objetos = sorted(
            pacote.read(n).decode()
            for n in pacote.namelist()
            if re.fullmatch(r"Object \d+/content\.xml", n)
        )
    graficos = {}
    for conteudo in objetos:
        textos_ = re.findall(r"<text:p>([^<]*)</text:p>", conteudo)
        intervalos = re.findall(r'table:cell-range-address="([^"]+)"', conteudo)
        assert 'chart:class="chart:bar"' in conteudo
        graficos[textos_[1]] = (textos_[2:4], intervalos)
    assert {titulo: eixos for titulo, (eixos, _) in graficos.items()} == {
        "Atividades por situação": ["Situação", "Atividades"],
        "Execução por objetivo específico": ["Objetivo específico", "Execução (%)"],
        "Cobertura dos relatos por instituição": ["Instituição", "Cobertura (%)"],
    }
    for _, intervalos in graficos.values():
        assert intervalos and all(i.startswith("Resumo.") for i in intervalos), intervalos


def test_resumo_de_um_plano_muito_maior_nao_e_espremido_em_duas_paginas(plano, tmp_path):
    factories.criar_ciclo(plano=plano, codigo="2025.2")
    real = load_workbook(gerar(tmp_path))["Resumo"]
    assert real.page_setup.fitToHeight == 2
    factories.ampliar_plano(plano=plano, fator=10)  # 280 actions: hundreds of rows
    grande = load_workbook(gerar(tmp_path))["Resumo"]
    assert grande.max_row > real.max_row * 4
    assert grande.page_setup.fitToHeight == 0  # as many pages as it takes
    assert grande.page_setup.fitToWidth == 1

"""The staff's semestral workbook: command, admin page, and what it holds."""

import csv
import io
from datetime import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dados.relatorio import gerar_relatorio, linhas_de_cobertura
from monitoramento.models import Atualizacao
from monitoramento.services import atualizar_situacao_da_atividade
from plano.models import Atividade
from tests import factories

from .conftest import FORMULAS
from .leitores import converter_com_libreoffice


def gerar(tmp_path, ciclo="2025.2"):
    arquivo = tmp_path / "relatorio.xlsx"
    call_command("relatorio_semestral", ciclo, "-o", str(arquivo))
    return arquivo


def linhas_de(folha) -> list[list]:
    return [[c.value for c in linha] for linha in folha.iter_rows()]


def test_comando_gera_as_quatro_folhas_com_titulo_e_autor(historico, tmp_path):
    livro = load_workbook(gerar(tmp_path))
    assert livro.sheetnames == ["Resumo", "Gráficos", "Plano", "Relatos do ciclo", "Evidências"]
    assert livro.properties.title == "Relatório semestral I PAECM · ciclo 2025.2"
    assert livro.properties.creator
    for nome in ("Plano", "Relatos do ciclo", "Evidências"):
        folha = livro[nome]
        assert folha.freeze_panes == "A3"
        # "Plano" merges its objective and action cells: no filter there.
        assert (folha.auto_filter.ref or "A2:").startswith("A2:")
        assert folha["A1"].value.startswith("Uso interno")
        assert folha["A2"].font.bold
        assert folha.column_dimensions["A"].width >= 12


def test_resumo_conta_situacoes_execucao_e_cobertura(historico, tmp_path):
    resumo = linhas_de(load_workbook(gerar(tmp_path))["Resumo"])
    por_rotulo = {linha[1]: linha[2] for linha in resumo if linha[1] and linha[2] is not None}
    assert por_rotulo["Em andamento"] == 1
    assert por_rotulo["Concluída"] == 1
    assert por_rotulo["Sem informação"] == 73
    objetivo_1 = next(linha for linha in resumo if linha[0] == "1" and linha[2] == 16)
    # (45 + 100) / 16 activities of objective 1
    assert objetivo_1[3] == 9.1
    pf = next(linha for linha in resumo if linha[0] == "PF")
    # PF is linked to 1.1.1-1.1.3 and 1.2.1; only its 1.1.1 report was published in 2025.2.
    assert pf[2:] == [4, 1, 25.0]
    total = next(linha for linha in resumo if linha[0] == "Total" and linha[1].startswith("Ativ"))
    assert total[2:] == [4, 2, 50.0]


def test_plano_na_tabela_do_ministerio_com_o_relato_do_ciclo(historico, tmp_path):
    folha = load_workbook(gerar(tmp_path))["Plano"]
    assert folha.max_row == 2 + 75
    linha = {c.column_letter: c for c in folha[3]}
    assert linha["C"].value.startswith("1.1.1 ")
    assert linha["E"].value == "Em andamento"
    assert linha["F"].value == 45 and linha["F"].data_type == "n"
    assert linha["G"].value == FORMULAS["realizado"] and linha["G"].data_type == "s"
    assert linha["I"].hyperlink.target == "https://example.org/relatorio.pdf"
    assert isinstance(linha["J"].value, datetime)
    # Objective 1 spans its 16 activities, action 1.1 its 4.
    assert "A3:A18" in {str(r) for r in folha.merged_cells.ranges}
    assert "B3:B6" in {str(r) for r in folha.merged_cells.ranges}


def test_relatos_do_ciclo_incluem_nao_publicados_marcados(historico, tmp_path):
    folha = load_workbook(gerar(tmp_path))["Relatos do ciclo"]
    linhas = linhas_de(folha)[2:]
    assert len(linhas) == 5
    estados = {(linha[0], linha[1]): (linha[3], linha[4]) for linha in linhas}
    assert estados[("1.1.2", "PF")] == ("Rascunho", "Não")
    assert estados[("1.1.1", "MPF")] == ("Devolvida para correção", "Não")
    assert estados[("1.1.1", "PF")] == ("Publicada", "Sim")
    rascunho = next(i for i, linha in enumerate(linhas, start=3) if linha[3] == "Rascunho")
    assert folha.cell(row=rascunho, column=1).fill.start_color.rgb.endswith("FFF5C2")
    evidencias = load_workbook(gerar(tmp_path))["Evidências"]
    assert evidencias.max_row == 2 + 3
    assert evidencias["G3"].hyperlink.target.startswith("http")


def test_libreoffice_abre_o_relatorio(historico, tmp_path):
    convertido = converter_com_libreoffice(
        gerar(tmp_path), "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path
    )
    # The first sheet, as LibreOffice computed it.
    linhas = list(csv.reader(convertido.read_text(encoding="utf-8").splitlines()))
    assert linhas[0][0] == "I PAECM · Relatório semestral do ciclo 2025.2"
    assert ["PF", "Polícia Federal", "4", "1", "25.0"] in linhas


def test_cobertura_exclui_canceladas_e_sem_parceiros(historico):
    ciclo = historico["ciclos"][1]
    total = linhas_de_cobertura(ciclo)[-1]
    assert (total["esperadas"], total["validadas"]) == (4, 2)
    atividades = list(Atividade.objects.para_plano().filter(acao__objetivo__plano=ciclo.plano))
    pf = atividades[0].vinculos.get(instituicao__sigla="PF").instituicao
    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.3"),
        instituicao=pf,
        ciclo=historico["ciclos"][0],
        autor=factories.criar_usuario(instituicao=pf),
        estado="publicada",
        situacao="cancelada",
        percentual=0,
    )
    atualizar_situacao_da_atividade(atividade=Atividade.objects.get(codigo="1.1.3"))
    assert linhas_de_cobertura(ciclo)[-1]["esperadas"] == 3


def test_pagina_do_admin_baixa_o_relatorio_para_a_equipe(client, historico, equipe):
    client.force_login(equipe)
    assert "/admin/relatorio-semestral/" in client.get("/admin/").content.decode()
    pagina = client.get("/admin/relatorio-semestral/")
    assert pagina.status_code == 200 and "2025.2" in pagina.content.decode()
    ciclo = historico["ciclos"][1]
    resposta = client.get(f"/admin/relatorio-semestral/?ciclo={ciclo.pk}")
    assert resposta.status_code == 200
    assert "relatorio-semestral-i-paecm-2025.2.xlsx" in resposta["Content-Disposition"]
    livro = load_workbook(io.BytesIO(b"".join(resposta.streaming_content)))
    assert livro.properties.creator == equipe.username


def test_relatorio_fechado_a_parceiros_e_a_quem_nao_le_relatos(client, historico, parceiro_pf):
    assert client.get("/admin/relatorio-semestral/").status_code == 302
    client.force_login(parceiro_pf)
    assert client.get("/admin/relatorio-semestral/").status_code == 302
    sem_permissao = factories.criar_usuario(username="staff.sem.permissao", is_staff=True)
    client.force_login(sem_permissao)
    assert client.get("/admin/relatorio-semestral/").status_code == 403


def test_impressao_paisagem_ajustada_com_titulos_paginas_e_uso_interno(historico, tmp_path):
    livro = load_workbook(gerar(tmp_path))
    for folha in livro.worksheets:
        assert folha.page_setup.orientation == "landscape", folha.title
        assert folha.sheet_properties.pageSetUpPr.fitToPage, folha.title
        assert folha.page_setup.fitToWidth == 1, folha.title
        assert folha.print_title_rows == ("$1:$1" if folha.title == "Resumo" else "$1:$2")
        assert "Uso interno" in folha.oddHeader.center.text, folha.title
        assert "&P" in folha.oddFooter.right.text, folha.title
    assert livro["Resumo"].page_setup.fitToHeight == 2
    assert "Uso interno" in [c.value for c in livro["Resumo"][1] if c.value][-1]


def test_sem_filtro_sobre_celulas_mescladas(historico, tmp_path):
    livro = load_workbook(gerar(tmp_path))
    for folha in livro.worksheets:
        if folha.merged_cells.ranges:
            assert folha.auto_filter.ref is None, folha.title
    assert livro["Plano"].merged_cells.ranges  # the ministry's table keeps its merges
    assert livro["Relatos do ciclo"].auto_filter.ref


def test_resumo_impresso_pelo_libreoffice_em_no_maximo_duas_paginas(historico, tmp_path):
    import re

    livro = load_workbook(gerar(tmp_path))
    for folha in livro.worksheets[1:]:
        livro.remove(folha)
    resumo = tmp_path / "resumo.xlsx"
    livro.save(resumo)
    pdf = converter_com_libreoffice(resumo, "pdf", tmp_path).read_bytes()
    paginas = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= paginas <= 2, paginas


@pytest.mark.demorado
def test_relatorio_custa_as_mesmas_consultas_com_100_vezes_os_dados(plano, pf):
    ciclos = [factories.criar_ciclo(plano=plano, codigo=c) for c in ("2025.1", "2025.2")]

    def medir() -> tuple[int, int]:
        # One evidence, so the evidence query is counted too.
        factories.criar_evidencia(atualizacao=Atualizacao.objects.filter(ciclo=ciclos[0]).first())
        arquivo = io.BytesIO()
        with CaptureQueriesContext(connection) as ctx:
            gerar_relatorio(ciclos[0], arquivo)
        arquivo.seek(0)
        plano_ = load_workbook(arquivo, read_only=True)["Plano"]
        return len(ctx.captured_queries), sum(1 for _ in plano_.iter_rows())

    factories.relatar_todas(plano=plano, instituicao=pf, ciclos=ciclos[:1])
    antes, linhas = medir()
    assert linhas == 2 + 75
    factories.ampliar_plano(plano=plano, fator=100)
    Atualizacao.objects.all().delete()
    factories.relatar_todas(plano=plano, instituicao=pf, ciclos=ciclos)
    depois, linhas = medir()
    assert linhas == 2 + 7_500
    # The activities, the cycle's situations, reports and evidence, and the
    # coverage: a fixed number of queries, whatever the plan's size.
    assert depois == antes == 8, (antes, depois)

"""Importing the plan from a spreadsheet: preview, errors, all-or-nothing,
the log and the history."""

import csv
import hashlib
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from parceiros.models import Instituicao
from plano.models import Acao, Atividade, ImportacaoDoPlano, Objetivo, Vinculo

from .conftest import CSV, confirmar, exportar, importar, planilha_xlsx, previa


def estado_do_plano() -> list:
    """Everything an import can change, to compare before and after."""
    return [
        list(Objetivo.objects.values_list("codigo", "texto").order_by("pk")),
        list(Acao.objects.values_list("codigo", "texto", "objetivo_id").order_by("pk")),
        list(
            Atividade.objects.values_list("codigo", "texto", "prazo", "peso", "acao_id").order_by(
                "pk"
            )
        ),
        list(Vinculo.objects.values_list("atividade_id", "instituicao_id", "papel").order_by("pk")),
    ]


def linhas_exportadas(client, plano) -> list[list]:
    folha = load_workbook(io.BytesIO(exportar(client, plano).content)).active
    return [[c.value for c in linha] for linha in folha.iter_rows(min_row=2)]


def linha(linhas, codigo):
    return next(item for item in linhas if item[0] == codigo)


@pytest.fixture
def logado(client, equipe):
    client.force_login(equipe)
    return client


def test_reimportar_a_exportacao_nao_muda_nada_e_a_previa_diz(logado, plano):
    antes = estado_do_plano()
    historico_antes = Atividade.history.count()
    resposta = previa(logado, plano, exportar(logado, plano).content)
    html = resposta.content.decode()
    assert "Nenhuma alteração:</strong> a planilha é igual ao plano atual" in html
    assert "Itens sem alteração: 107" in html
    assert "Itens novos: 0" in html and "Itens alterados: 0" in html
    # Nothing to confirm.
    assert "Confirmar a importação" not in html
    assert estado_do_plano() == antes
    assert Atividade.history.count() == historico_antes


def test_reimportar_a_exportacao_csv_nao_muda_nada(logado, plano):
    atividade = Atividade.objects.get(codigo="1.1.4")
    atividade.texto = '=HIPERLINK("http://exemplo") - texto que parece fórmula'
    atividade.prazo = date(2026, 12, 31)
    atividade.peso = Decimal("1.5")
    atividade.save()
    antes = estado_do_plano()
    csv = exportar(logado, plano, formato=CSV).content
    resposta = previa(logado, plano, csv, formato=CSV)
    assert "Itens sem alteração: 107" in resposta.content.decode()
    assert estado_do_plano() == antes


def test_previa_le_o_plano_uma_vez_qualquer_que_seja_o_numero_de_linhas(logado, plano):
    """Rows find their item and its parent among the items read before the
    first row: beyond the savepoint around each row, an unchanged row costs
    no query (uploads may have 20,000 rows)."""
    linhas = linhas_exportadas(logado, plano)

    def consultas(parte) -> int:
        with CaptureQueriesContext(connection) as ctx:
            html = previa(logado, plano, planilha_xlsx(parte)).content.decode()
        assert f"Itens sem alteração: {len(parte)}" in html
        return sum("SAVEPOINT" not in q["sql"] for q in ctx.captured_queries)

    consultas(linhas[:1])  # warms the demo banner's check, cached for a minute
    assert consultas(linhas[:50]) == consultas(linhas)


def test_importacao_altera_cria_vincula_e_registra_quem_quando_e_o_arquivo(logado, plano, equipe):
    linhas = linhas_exportadas(logado, plano)
    linha(linhas, "1.1.4")[1] = "Texto corrigido pela CGETP."
    linha(linhas, "1.1.4")[3] = "PF"
    linha(linhas, "1.1.4")[4] = "DPU; MPF"
    linha(linhas, "1.1.4")[5] = date(2027, 6, 30)
    linhas.append(["1.1.5", "Atividade nova.", "1.1", "", "", None, 2])
    conteudo = planilha_xlsx(linhas)

    resposta = previa(logado, plano, conteudo)
    html = resposta.content.decode()
    assert "Itens novos: 1" in html and "Itens alterados: 1" in html
    assert "Itens sem alteração: 106" in html
    # The preview shows what changes, and changes nothing yet.
    assert "<ins>Texto corrigido pela CGETP</ins>" in html
    assert "<td><ins>1.1.5</ins></td>" in html
    assert not Atividade.objects.filter(codigo="1.1.5").exists()
    # The new and changed rows come first, alone; the 106 others are folded away.
    mudancas, iguais = html.split('<details class="itens-sem-alteracao">')
    mudancas = mudancas.split("Itens novos e alterados</caption>")[1]
    assert mudancas.count('<tr class="new">') == 1 and mudancas.count('<tr class="update">') == 1
    assert '<tr class="skip">' not in mudancas
    assert "<summary>Itens sem alteração: 106 (mostrar)</summary>" in iguais
    assert iguais.count('<tr class="skip">') == 106

    resposta = confirmar(logado, resposta)
    assert resposta.status_code == 302
    alterada = Atividade.objects.get(codigo="1.1.4")
    assert alterada.texto == "Texto corrigido pela CGETP."
    assert alterada.prazo == date(2027, 6, 30)
    assert {(v.instituicao.sigla, v.papel) for v in alterada.vinculos.all()} == {
        ("PF", "responsavel"),
        ("DPU", "parceira"),
        ("MPF", "parceira"),
    }
    nova = Atividade.objects.get(codigo="1.1.5")
    assert (nova.acao.codigo, nova.numero, nova.peso) == ("1.1", 5, Decimal(2))

    registro = ImportacaoDoPlano.objects.get()
    assert (registro.usuario, registro.plano, registro.arquivo) == (equipe, plano, "plano.xlsx")
    assert registro.sha256 == hashlib.sha256(conteudo).hexdigest()
    assert (registro.novos, registro.alterados, registro.inalterados) == (1, 1, 106)

    # History says who changed the text, and why.
    ultima = alterada.history.first()
    assert ultima.history_user == equipe
    assert ultima.history_change_reason == "Importação da planilha plano.xlsx"
    assert ultima.prev_record.texto != "Texto corrigido pela CGETP."
    assert Vinculo.history.filter(atividade_id=alterada.pk, history_user=equipe).count() == 3
    assert nova.history.get().history_user == equipe


def test_importacao_remove_vinculos_que_a_planilha_nao_lista(logado, plano):
    linhas = linhas_exportadas(logado, plano)
    linha(linhas, "1.1.1")[3:5] = ["", "PF"]
    importar(logado, plano, planilha_xlsx(linhas))
    assert list(
        Vinculo.objects.filter(atividade__codigo="1.1.1").values_list(
            "instituicao__sigla", flat=True
        )
    ) == ["PF"]


ERROS = [
    # (row changes, column, message)
    (
        lambda ls: linha(ls, "1.1.4").__setitem__(4, "PF; XXX"),
        "Linha 7, coluna “Parceiras”: instituição desconhecida: XXX.",
    ),
    (
        lambda ls: ls.append(["9.1", "Ação sem objetivo.", "9", "", "", None, None]),
        "Linha 109, coluna “Código superior”: o item 9 não existe no plano nem em linha anterior da planilha.",
    ),
    (
        lambda ls: ls.append(["1.1.1", "Outra vez 1.1.1.", "1.1", "", "", None, 1]),
        "Linha 109, coluna “Código”: o código 1.1.1 já aparece na linha 4.",
    ),
    (
        lambda ls: linha(ls, "1.1.4").__setitem__(2, "1.2"),
        "Linha 7, coluna “Código superior”: o item 1.1.4 pertence a 1.1, não a “1.2”.",
    ),
    (
        lambda ls: linha(ls, "1.1.4").__setitem__(1, "   "),
        "Linha 7, coluna “Texto”: o texto não pode ficar em branco.",
    ),
    (
        lambda ls: linha(ls, "1.1.4").__setitem__(0, "1.1.x"),
        "Linha 7, coluna “Código”: “1.1.x” não é um código do plano (como 1, 1.2 ou 1.2.3).",
    ),
    (
        lambda ls: linha(ls, "1.1.4").__setitem__(5, "amanhã"),
        "Linha 7, coluna “Prazo”: “amanhã” não é uma data (use 31/12/2026 ou 2026-12-31).",
    ),
    (
        lambda ls: linha(ls, "1.1.4").__setitem__(6, -1),
        "Linha 7, coluna “Peso”: “-1” não é um peso válido (um número maior que zero).",
    ),
]


@pytest.mark.parametrize(("alterar", "mensagem"), ERROS)
def test_erro_de_linha_nomeia_linha_e_coluna_e_nada_e_importado(logado, plano, alterar, mensagem):
    linhas = linhas_exportadas(logado, plano)
    # A valid change beside the error: it must not be imported either.
    linha(linhas, "1.1.2")[1] = "Mudança válida que não pode entrar."
    alterar(linhas)
    antes = estado_do_plano()
    resposta = previa(logado, plano, planilha_xlsx(linhas))
    html = resposta.content.decode()
    assert mensagem in html
    assert "Nada será importado enquanto houver erros" in html
    assert "Confirmar a importação" not in html
    assert estado_do_plano() == antes
    assert not ImportacaoDoPlano.objects.exists()


def test_planilha_sem_as_colunas_do_plano_e_recusada(logado, plano):
    conteudo = planilha_xlsx([["1", "Objetivo"]], colunas=["Código", "Texto"])
    html = previa(logado, plano, conteudo).content.decode()
    assert (
        "Faltam colunas na planilha: Código superior, Responsáveis, Parceiras, Prazo, Peso." in html
    )
    assert "Nada foi importado." in html


def test_plano_alterado_entre_previa_e_confirmacao_nao_importa_nada(logado, plano):
    linhas = linhas_exportadas(logado, plano)
    linha(linhas, "1.1.2")[1] = "Mudança que chega depois."
    linhas.append(["1.1.5", "Atividade nova.", "1.1", "PF", "", None, 1])
    resposta = previa(logado, plano, planilha_xlsx(linhas))
    # Meanwhile someone removes the institution the new row links.
    Vinculo.objects.filter(instituicao__sigla="PF").delete()
    Instituicao.objects.filter(sigla="PF").delete()
    antes = estado_do_plano()
    resposta = confirmar(logado, resposta)
    assert resposta.status_code == 302
    assert estado_do_plano() == antes
    assert not ImportacaoDoPlano.objects.exists()
    mensagens = [str(m) for m in resposta.wsgi_request._messages]
    assert mensagens and mensagens[0].startswith("Nada foi importado")


def test_linhas_vazias_no_fim_da_planilha_sao_ignoradas(logado, plano):
    linhas = linhas_exportadas(logado, plano) + [[None] * 7, ["", "", "", "", "", None, None]]
    html = previa(logado, plano, planilha_xlsx(linhas)).content.decode()
    assert "Itens sem alteração: 107" in html
    assert "Linhas com erro: 0" in html


def test_csv_separado_por_ponto_e_virgula_tambem_e_lido(logado, plano):
    texto = exportar(logado, plano, formato=CSV).content.decode("utf-8-sig")
    linhas = list(csv.reader(io.StringIO(texto)))
    linhas[4][1] = "Texto alterado no Excel."
    saida = io.StringIO()
    csv.writer(saida, delimiter=";").writerows(linhas)
    resposta = previa(logado, plano, saida.getvalue().encode("utf-8-sig"), formato=CSV)
    html = resposta.content.decode()
    assert "Itens alterados: 1" in html and "Itens sem alteração: 106" in html


def test_importar_e_exportar_a_partir_da_lista_de_atividades(logado, staff_sem_permissao, client):
    html = logado.get("/admin/plano/atividade/").content.decode()
    assert '<a href="/admin/plano/plano/import/">Importar planilha do plano</a>' in html
    assert '<a href="/admin/plano/plano/export/">Exportar planilha do plano</a>' in html
    client.force_login(staff_sem_permissao)
    html = client.get("/admin/plano/atividade/").content.decode()
    assert "Importar planilha do plano" not in html and "Exportar planilha do plano" not in html

"""The public change log: a deadline changed in the admin or by import, each
with its reason, appears with old date, new date and reason on the activity
page, "Alterações no plano", its Atom feed; without a reason it is refused."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from plano.historico import alteracoes_do_plano
from plano.models import Atividade

from .conftest import exportar, importar, planilha_xlsx, previa
from .test_listas_e_historico import _dados_da_atividade

MOTIVO = "Edital adiado pelo órgão parceiro."


@pytest.fixture
def logado(client, equipe):
    client.force_login(equipe)
    return client


@pytest.fixture
def com_prazo(plano):
    atividade = Atividade.objects.get(codigo="1.1.4")
    atividade.vinculos.all().delete()
    atividade.prazo = date(2026, 11, 1)  # "prazo definido": not a change
    atividade.save()
    return atividade


def _publico(client, atividade) -> dict[str, str]:
    return {
        "atividade": client.get(f"/plano/{atividade.codigo}/").content.decode(),
        "lista": client.get("/plano/alteracoes/").content.decode(),
        "feed": client.get("/dados/feeds/alteracoes/").content.decode(),
    }


def _mostra_a_mudanca(paginas, motivo):
    for nome, html in paginas.items():
        assert "01/11/2026" in html, nome
        assert "30/06/2027" in html, nome
        assert motivo in html, nome
    # Named as CGETP, never as the person who made it.
    assert "equipe.cgetp" not in "".join(paginas.values())
    assert '<div id="prazo-original"><dt>Prazo original</dt><dd>01/11/2026' in paginas["atividade"]


def test_prazo_definido_pela_primeira_vez_nao_e_alteracao_nem_pede_motivo(logado, plano):
    atividade = Atividade.objects.get(codigo="1.1.4")
    atividade.vinculos.all().delete()
    resposta = logado.post(
        f"/admin/plano/atividade/{atividade.pk}/change/",
        _dados_da_atividade(atividade, prazo="01/11/2026"),
    )
    assert resposta.status_code == 302
    assert alteracoes_do_plano(plano) == []


def test_mudanca_de_prazo_no_admin_sem_motivo_e_recusada(logado, com_prazo):
    resposta = logado.post(
        f"/admin/plano/atividade/{com_prazo.pk}/change/",
        _dados_da_atividade(com_prazo, prazo="30/06/2027"),
    )
    assert resposta.status_code == 200
    assert "Informe o motivo da mudança de prazo: ele será publicado." in resposta.content.decode()
    com_prazo.refresh_from_db()
    assert com_prazo.prazo == date(2026, 11, 1)


def test_mudanca_de_prazo_no_admin_com_motivo_aparece_em_publico(client, logado, plano, com_prazo):
    resposta = logado.post(
        f"/admin/plano/atividade/{com_prazo.pk}/change/",
        _dados_da_atividade(com_prazo, prazo="30/06/2027", motivo=MOTIVO),
    )
    assert resposta.status_code == 302
    [alteracao] = alteracoes_do_plano(plano)
    assert (alteracao.campo, alteracao.anterior, alteracao.novo, alteracao.motivo) == (
        "prazo",
        "01/11/2026",
        "30/06/2027",
        MOTIVO,
    )
    client.logout()
    _mostra_a_mudanca(_publico(client, com_prazo), MOTIVO)


def _planilha_com_prazo(client, plano, codigo, prazo, motivo):
    folha = load_workbook(io.BytesIO(exportar(client, plano).content)).active
    linhas = [[c.value for c in linha] for linha in folha.iter_rows(min_row=2)]
    for linha in linhas:
        if linha[0] == codigo:
            linha[5], linha[7] = prazo, motivo
    return planilha_xlsx(linhas)


def test_mudanca_de_prazo_por_importacao_pede_a_coluna_motivo(logado, plano, com_prazo):
    sem_motivo = _planilha_com_prazo(logado, plano, "1.1.4", "30/06/2027", "")
    html = previa(logado, plano, sem_motivo).content.decode()
    assert "coluna “Motivo”: o prazo muda de 01/11/2026 para 30/06/2027: informe o motivo" in html
    com_prazo.refresh_from_db()
    assert com_prazo.prazo == date(2026, 11, 1)


def test_mudanca_de_prazo_por_importacao_com_motivo_aparece_em_publico(
    client, logado, plano, com_prazo
):
    importar(logado, plano, _planilha_com_prazo(logado, plano, "1.1.4", "30/06/2027", MOTIVO))
    com_prazo.refresh_from_db()
    assert com_prazo.prazo == date(2027, 6, 30)
    # An export leaves the reason empty again.
    folha = load_workbook(io.BytesIO(exportar(logado, plano).content)).active
    assert all(linha[7].value in (None, "") for linha in folha.iter_rows(min_row=2))
    client.logout()
    _mostra_a_mudanca(_publico(client, com_prazo), MOTIVO)


def test_peso_vinculos_e_texto_tambem_entram_na_lista(logado, plano, com_prazo, pf):
    from datetime import timedelta

    from plano.models import Vinculo

    com_prazo.peso = 5
    com_prazo.texto = "Texto revisto da atividade."
    com_prazo.save()
    vinculo = Vinculo.objects.create(atividade=com_prazo, instituicao=pf)
    # Created well after the activity (not with the plan's load).
    vinculo.history.update(history_date=vinculo.history.first().history_date + timedelta(hours=1))
    campos = sorted(a.campo for a in alteracoes_do_plano(plano))
    assert campos == ["peso", "texto", "vinculo"]
    html = logado.get("/plano/alteracoes/").content.decode()
    assert "PF (parceira)" in html and "Texto revisto da atividade." in html


def test_demo_grava_prazos_pelo_modelo_e_o_historico_tem_o_valor_anterior(client, plano):
    from monitoramento.demo import MOTIVO_DEMO, carregar_demo

    carregar_demo()
    atividade = Atividade.objects.get(codigo="1.1.1")
    ultimo = atividade.history.order_by("-history_id").first()
    # Not "None -> new date", as a QuerySet.update() left it before.
    assert ultimo.prev_record.prazo == date(plano.ano_fim - 1, 12, 31)
    assert ultimo.prazo == date(plano.ano_fim, 12, 31)
    assert ultimo.history_change_reason == MOTIVO_DEMO
    html = client.get("/plano/1.1.1/").content.decode()
    assert MOTIVO_DEMO in html and "Prazo original" in html


def test_lista_do_admin_mostra_o_atraso_e_filtra_por_prazo(logado, plano):
    from datetime import timedelta

    from django.utils import timezone

    hoje = timezone.localdate()
    for codigo, prazo in (("1.1.1", -5), ("1.1.2", 20), ("1.1.3", 60), ("1.1.4", 200)):
        Atividade.objects.filter(codigo=codigo).update(
            prazo=hoje + timedelta(days=prazo), situacao="em_andamento"
        )
    lista = "/admin/plano/atividade/"

    def codigos(filtro):
        html = logado.get(f"{lista}?prazo={filtro}").content.decode()
        return {c for c in ("1.1.1", "1.1.2", "1.1.3", "1.1.4") if f">{c}<" in html}

    assert codigos("vencidas") == {"1.1.1"}
    assert codigos("30") == {"1.1.2"}
    assert codigos("90") == {"1.1.2", "1.1.3"}
    assert codigos("sem") == set()
    html = logado.get(f"{lista}?prazo=vencidas").content.decode()
    assert "Atrasada" in html
    filtros = logado.get(lista).content.decode()
    for rotulo in ("Vencidas", "Vencem em 30 dias", "Vencem em 90 dias", "Sem prazo"):
        assert rotulo in filtros

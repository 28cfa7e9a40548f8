"""Issue 14 (partners at work) and issue 10 point 5 (lateness in the portal):
the form's fixed percentages, drafts that stay on the form, constraint
messages in Portuguese, "Minhas atividades" with the public situação, and
one rule for the reports still due."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comum.restricoes import sem_mensagem
from monitoramento.forms import EvidenciaForm
from monitoramento.models import Atualizacao, Ciclo, Evidencia, Lembrete
from plano.indicadores import Situacao
from plano.models import Atividade, Vinculo
from tests import factories

from .conftest import com_evidencia, confirmar_envio, dados_do_relato

URL = "/portal/atividades/2.1.1/relatar/"


@pytest.fixture
def cliente_pf(client, parceiro_pf, atividade_pf, ciclo):
    client.force_login(parceiro_pf)
    return client


@pytest.mark.parametrize(
    ("situacao", "digitado", "gravado"),
    [("concluida", "50", 100), ("nao_iniciada", "35", 0), ("concluida", "", 100)],
)
def test_situacao_com_percentual_fixo_define_o_percentual(cliente_pf, situacao, digitado, gravado):
    dados = com_evidencia(dados_do_relato(situacao=situacao, percentual=digitado))
    resposta = cliente_pf.post(URL, dados)
    assert resposta.status_code == 302
    assert Atualizacao.objects.get().percentual == gravado


def test_formulario_diz_que_concluida_define_100(cliente_pf):
    html = cliente_pf.get(URL).content.decode()
    assert "Concluída define 100% e Não iniciada define 0%" in html


def test_gravar_rascunho_fica_no_formulario(cliente_pf):
    resposta = cliente_pf.post(URL, com_evidencia(dados_do_relato()))
    assert resposta.status_code == 302
    assert resposta["Location"] == URL
    pagina = cliente_pf.get(URL).content.decode()
    assert "Rascunho gravado" in pagina
    assert 'value="enviar"' in pagina  # the send button is right there


def test_enviar_pede_confirmacao_mostrando_o_que_vai(cliente_pf, mailoutbox, validador):
    resposta = cliente_pf.post(URL, com_evidencia(dados_do_relato(acao="enviar")))
    assert resposta["Location"] == "/portal/atividades/2.1.1/enviar/"
    relato = Atualizacao.objects.get()
    assert relato.estado == Atualizacao.Estado.RASCUNHO  # not sent yet
    pagina = cliente_pf.get("/portal/atividades/2.1.1/enviar/").content.decode()
    assert "Capacitamos 30 servidores em Foz do Iguaçu." in pagina
    assert "Relatório da capacitação" in pagina
    assert "Confirmar o envio à CGETP" in pagina
    # A stale confirmation (the draft changed since) sends nothing.
    resposta = cliente_pf.post("/portal/atividades/2.1.1/enviar/", {"revisao": 99})
    assert resposta.status_code == 409
    assert resposta.content.decode().count("<title>Erro: ") == 1
    relato.refresh_from_db()
    assert relato.estado == Atualizacao.Estado.RASCUNHO
    resposta = confirmar_envio(cliente_pf)
    assert resposta["Location"] == "/portal/atividades/2.1.1/"
    relato.refresh_from_db()
    assert relato.estado == Atualizacao.Estado.ENVIADA


def test_confirmacao_sem_rascunho_volta_ao_formulario(cliente_pf):
    resposta = cliente_pf.get("/portal/atividades/2.1.1/enviar/")
    assert resposta["Location"] == URL


def test_erros_num_resumo_com_titulo_erro(cliente_pf):
    dados = dados_do_relato(realizado="")
    dados.update({"evidencias-0-titulo": "Ata", "evidencias-0-url": "ftp://x"})
    html = cliente_pf.post(URL, dados).content.decode()
    assert "<title>Erro: Relato da atividade 2.1.1" in html
    resumo = html.split('id="resumo-de-erros"')[1].split("</ul>")[0]
    assert '<a href="#id_realizado">' in resumo
    assert '<a href="#id_evidencias-0-url">Evidência 1, link:' in resumo
    assert html.count('id="resumo-de-erros"') == 1


def test_valores_copiados_do_ultimo_relato_sao_marcados(cliente_pf, parceiro_pf, pf, plano):
    anterior = factories.criar_ciclo(plano=plano, codigo="2025.2")
    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="2.1.1"),
        instituicao=pf,
        ciclo=anterior,
        autor=parceiro_pf,
        estado=Atualizacao.Estado.PUBLICADA,
        percentual=30,
    )
    html = cliente_pf.get(URL).content.decode()
    assert "copiados do relato de 2025.2" in html
    assert html.count("Copiado do relato de 2025.2.") == 3


@pytest.mark.parametrize("modelo", [Ciclo, Atualizacao, Evidencia, Lembrete])
def test_toda_restricao_tem_mensagem_em_portugues(modelo):
    assert sem_mensagem(modelo) == []


def test_restricao_de_evidencia_nunca_mostra_o_nome_interno(db):
    # A title error used to skip the form's own check, and the database
    # constraint's raw name reached the page.
    form = EvidenciaForm(data={"titulo": "x" * 500, "tipo": "documento", "url": "", "data": ""})
    assert not form.is_valid()
    mensagens = str(form.errors)
    assert "evidencia_tem_link_ou_arquivo" not in mensagens
    assert "Restrição" not in mensagens


def test_pagina_do_relato_nunca_mostra_restricao_crua(cliente_pf):
    dados = dados_do_relato()
    dados.update({"evidencias-0-titulo": "x" * 500, "evidencias-0-tipo": "documento"})
    html = cliente_pf.post(URL, dados).content.decode()
    assert "Restrição" not in html and "evidencia_tem" not in html


# -- Minhas atividades: deadline and the public situação ("atrasada" included)


@pytest.fixture
def atividades_variadas(plano, pf):
    """Six activities linked to the PF: overdue in progress, overdue not
    started, concluded past its deadline, cancelled, "não se aplica", and in
    progress on time."""
    hoje = timezone.localdate()
    casos = {
        "2.1.1": (Situacao.EM_ANDAMENTO, 40, hoje + timedelta(days=90)),
        "2.1.2": (Situacao.EM_ANDAMENTO, 20, hoje - timedelta(days=10)),
        "1.1.1": (Situacao.NAO_INICIADA, 0, hoje - timedelta(days=3)),
        "1.1.2": (Situacao.CONCLUIDA, 100, hoje - timedelta(days=30)),
        "1.1.3": (Situacao.CANCELADA, None, None),
        "1.2.1": (Situacao.NAO_SE_APLICA, None, None),
    }
    for codigo, (situacao, percentual, prazo) in casos.items():
        atividade = Atividade.objects.get(codigo=codigo)
        Vinculo.objects.get_or_create(atividade=atividade, instituicao=pf)
        Atividade.objects.filter(pk=atividade.pk).update(
            situacao=situacao, percentual=percentual, prazo=prazo
        )
    return casos


def _situacoes(html: str) -> dict[str, str]:
    """Activity code → the situação shown in its row, from a page whose rows
    are <tr id="atividade-CODE"> with a <span class="situacao situacao-X">."""
    linhas = re.findall(r'<tr id="atividade-([\d.]+)">(.*?)</tr>', html, re.S)
    return {
        codigo: re.search(r'class="situacao situacao-[\w]+">([^<]+)<', corpo).group(1)
        for codigo, corpo in linhas
    }


def test_portal_mostra_a_mesma_situacao_que_o_site_publico(
    client, parceiro_pf, pf, ciclo, atividades_variadas
):
    publico = _situacoes(client.get(f"/parceiros/{pf.slug}/").content.decode())
    client.force_login(parceiro_pf)
    portal = _situacoes(client.get("/portal/").content.decode())
    assert set(portal) == set(atividades_variadas)
    assert portal == publico
    assert portal["2.1.2"] == portal["1.1.1"] == "Atrasada"
    assert portal["1.1.2"] == "Concluída"


def test_portal_mostra_o_prazo_e_as_atrasadas_primeiro(
    client, parceiro_pf, ciclo, atividades_variadas
):
    client.force_login(parceiro_pf)
    html = client.get("/portal/").content.decode()
    ordem = re.findall(r'<tr id="atividade-([\d.]+)">', html)
    assert ordem[:2] == ["1.1.1", "2.1.2"]  # overdue first, in the plan's order
    assert ordem[2:] == ["1.1.2", "1.1.3", "1.2.1", "2.1.1"]
    prazo = atividades_variadas["2.1.2"][2]
    assert f'<time datetime="{prazo:%Y-%m-%d}">{prazo:%d/%m/%Y}</time>' in html
    assert "Sem prazo" in html


def test_filtro_de_atrasadas_e_de_pendentes(client, parceiro_pf, pf, ciclo, atividades_variadas):
    client.force_login(parceiro_pf)
    html = client.get("/portal/?situacao=atrasada").content.decode()
    assert re.findall(r'<tr id="atividade-([\d.]+)">', html) == ["1.1.1", "2.1.2"]
    assert '<option value="atrasada" selected>Atrasada</option>' in html
    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="2.1.1"),
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Atualizacao.Estado.ENVIADA,
    )
    html = client.get("/portal/?situacao=pendentes").content.decode()
    # Sent (2.1.1) and cancelled (1.1.3) are not owed; overdue first.
    assert re.findall(r'<tr id="atividade-([\d.]+)">', html) == ["1.1.1", "2.1.2", "1.1.2"]


@pytest.mark.parametrize("valor", ["xss<script>", "%00", "a" * 5000, "sem_informacao"])
def test_filtro_hostil_mostra_todas(client, parceiro_pf, ciclo, atividades_variadas, valor):
    client.force_login(parceiro_pf)
    resposta = client.get("/portal/", {"situacao": valor})
    assert resposta.status_code == 200
    assert len(re.findall(r'<tr id="atividade-', resposta.content.decode())) == 6


def test_faltam_relatos_segue_a_regra_da_cobertura_publica(
    client, parceiro_pf, pf, ciclo, atividades_variadas
):
    """Cancelled and "não se aplica" activities are owed nowhere: the portal,
    the public coverage and the reminders count the same activities."""
    from monitoramento.indicadores import cobertura_do_ciclo
    from monitoramento.lembretes import pendentes_por_instituicao

    client.force_login(parceiro_pf)
    html = client.get("/portal/").content.decode()
    faltam = int(re.search(r"Faltam relatos de <strong>(\d+) atividade", html).group(1))
    cobertura = cobertura_do_ciclo(ciclo).da_instituicao(pf.pk)
    assert faltam == 4 == cobertura.esperadas - cobertura.validadas
    assert len(pendentes_por_instituicao(ciclo)[pf.pk]) == 4

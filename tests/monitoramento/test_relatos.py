"""Reporting through the portal: drafts, sending, returns as new versions,
concurrent edits, closed cycles, and the form's messages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoramento.models import Atualizacao, Evidencia
from plano.indicadores import Situacao
from tests import factories

from .conftest import com_evidencia, confirmar_envio, dados_do_relato

URL = "/portal/atividades/2.1.1/relatar/"
Estado = Atualizacao.Estado


@pytest.fixture
def cliente_pf(client, parceiro_pf, atividade_pf, ciclo):
    client.force_login(parceiro_pf)
    return client


def test_rascunho_gravado_pode_ser_editado_e_nao_avisa_ninguem(
    cliente_pf, parceiro_pf, validador, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resposta = cliente_pf.post(URL, com_evidencia(dados_do_relato()))
    assert resposta.status_code == 302
    relato = Atualizacao.objects.get()
    assert (relato.estado, relato.versao, relato.revisao) == (Estado.RASCUNHO, 1, 1)
    assert relato.autor == parceiro_pf
    assert relato.evidencias.get().url == "https://www.gov.br/mj/relatorio.pdf"
    assert mailoutbox == []
    # Editing the draft keeps one row and raises its revision.
    dados = dados_do_relato(evidencias=relato.evidencias.all(), novas=0, revisao=1, percentual=55)
    assert cliente_pf.post(URL, dados).status_code == 302
    relato.refresh_from_db()
    assert (relato.percentual, relato.revisao, Atualizacao.objects.count()) == (55, 2, 1)
    assert relato.history.first().history_user == parceiro_pf


def test_enviar_avisa_os_validadores_e_trava_o_relato(
    cliente_pf, validador, equipe, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cliente_pf.post(URL, com_evidencia(dados_do_relato(acao="enviar")))
        assert mailoutbox == []  # nothing is sent before the confirmation
        confirmar_envio(cliente_pf)
    relato = Atualizacao.objects.get()
    assert relato.estado == Estado.ENVIADA and relato.enviado_em
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [validador.email]  # not the staff without the permission
    assert "2.1.1" in mailoutbox[0].subject
    pagina = cliente_pf.get(URL).content.decode()
    assert "aguardando validação" in pagina
    assert "Gravar rascunho" not in pagina
    # A POST to a sent report changes nothing.
    resposta = cliente_pf.post(URL, dados_do_relato(revisao=relato.revisao, percentual=90))
    assert resposta.status_code == 302
    relato.refresh_from_db()
    assert (relato.percentual, relato.estado) == (40, Estado.ENVIADA)


def test_devolvido_e_corrigido_como_nova_versao_sem_apagar_nada(
    cliente_pf, parceiro_pf, validador, pf, atividade_pf, ciclo
):
    enviada = factories.criar_atualizacao(
        atividade=atividade_pf,
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Estado.ENVIADA,
    )
    factories.criar_evidencia(atualizacao=enviada, titulo="Ata da reunião")
    from monitoramento.services import devolver_relato

    devolver_relato(atualizacao=enviada, validador=validador, comentario="Informe as datas.")
    pagina = cliente_pf.get(URL).content.decode()
    assert "Informe as datas." in pagina
    assert cliente_pf.post("/portal/atividades/2.1.1/corrigir/").status_code == 302
    nova = Atualizacao.objects.get(versao=2)
    assert (nova.estado, nova.substitui, nova.realizado) == (
        Estado.RASCUNHO,
        enviada,
        enviada.realizado,
    )
    assert [e.titulo for e in nova.evidencias.all()] == ["Ata da reunião"]
    pagina = cliente_pf.get(URL).content.decode()
    assert "Informe as datas." in pagina  # the comment stays beside the correction
    dados = dados_do_relato(
        evidencias=nova.evidencias.all(),
        novas=0,
        revisao=nova.revisao,
        realizado="Reuniões em 10/03 e 12/04.",
        acao="enviar",
    )
    assert cliente_pf.post(URL, dados).status_code == 302
    assert confirmar_envio(cliente_pf).status_code == 302
    nova.refresh_from_db()
    enviada.refresh_from_db()
    assert nova.estado == Estado.ENVIADA
    assert (enviada.estado, enviada.realizado) == (Estado.DEVOLVIDA, "Relato de teste.")
    assert enviada.evidencias.count() == 1


def test_edicao_simultanea_e_recusada_e_guarda_o_que_foi_digitado(
    cliente_pf, client, pf, atividade_pf, ciclo, parceiro_pf
):
    colega = factories.criar_usuario(username="colega.pf", instituicao=pf)
    rascunho = factories.criar_atualizacao(
        atividade=atividade_pf, instituicao=pf, ciclo=ciclo, autor=colega, revisao=3
    )
    # Both opened revision 3; the colleague saved first.
    Atualizacao.objects.filter(pk=rascunho.pk).update(revisao=4, realizado="Texto do colega.")
    resposta = cliente_pf.post(URL, dados_do_relato(revisao=3, realizado="Meu texto novo."))
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "Outra pessoa da sua instituição gravou este relato" in html
    assert "Meu texto novo." in html
    rascunho.refresh_from_db()
    assert rascunho.realizado == "Texto do colega."


def test_primeiro_rascunho_simultaneo_e_recusado(cliente_pf, pf, atividade_pf, ciclo):
    colega = factories.criar_usuario(username="colega.pf", instituicao=pf)
    factories.criar_atualizacao(atividade=atividade_pf, instituicao=pf, ciclo=ciclo, autor=colega)
    resposta = cliente_pf.post(URL, dados_do_relato(revisao=0))
    assert "Outra pessoa da sua instituição gravou este relato" in resposta.content.decode()
    assert Atualizacao.objects.count() == 1


@pytest.mark.parametrize(
    ("campos", "campo", "mensagem"),
    [
        ({"percentual": ""}, "percentual", "Informe o % executado"),
        ({"percentual": 101}, "percentual", "de 0 a 100"),
        ({"realizado": ""}, "realizado", "Este campo é obrigatório"),
        ({"situacao": "sem_informacao"}, "situacao", "Faça uma escolha válida"),
        ({"situacao": "concluida", "percentual": 100}, "situacao", "pelo menos uma evidência"),
    ],
)
def test_campo_invalido_tem_mensagem_ao_lado_e_nada_e_gravado(cliente_pf, campos, campo, mensagem):
    dados = dados_do_relato(**campos, restricoes="Falta de orçamento.")
    resposta = cliente_pf.post(URL, dados)
    assert resposta.status_code == 200
    html = resposta.content.decode()
    erro = html.split(f'id="id_{campo}_error"')[1].split("</span>")[0]
    assert mensagem in erro
    assert 'aria-invalid="true"' in html
    assert "Falta de orçamento." in html  # what was typed is kept
    assert not Atualizacao.objects.exists()


def test_concluida_com_evidencia_e_aceita(cliente_pf):
    dados = com_evidencia(dados_do_relato(situacao="concluida", percentual=100, acao="enviar"))
    assert cliente_pf.post(URL, dados).status_code == 302
    assert Atualizacao.objects.get().situacao == Situacao.CONCLUIDA


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/a.pdf", "exemplo"])
def test_link_de_evidencia_precisa_ser_http(cliente_pf, url):
    resposta = cliente_pf.post(URL, com_evidencia(dados_do_relato(), url=url))
    assert resposta.status_code == 200
    assert "http:// ou https://" in resposta.content.decode()
    assert not Atualizacao.objects.exists()
    assert not Evidencia.objects.exists()


def test_evidencia_sem_link_nem_arquivo_e_recusada(cliente_pf):
    dados = dados_do_relato()
    dados["evidencias-0-titulo"] = "Sem nada"
    resposta = cliente_pf.post(URL, dados)
    assert "Informe um link ou envie um arquivo." in resposta.content.decode()
    assert not Atualizacao.objects.exists()


def test_rascunho_remove_evidencia_ainda_nao_enviada(
    cliente_pf, pf, atividade_pf, ciclo, parceiro_pf
):
    rascunho = factories.criar_atualizacao(
        atividade=atividade_pf, instituicao=pf, ciclo=ciclo, autor=parceiro_pf
    )
    factories.criar_evidencia(atualizacao=rascunho)
    dados = dados_do_relato(evidencias=rascunho.evidencias.all(), novas=0, revisao=1)
    dados["evidencias-0-DELETE"] = "on"
    assert cliente_pf.post(URL, dados).status_code == 302
    assert not rascunho.evidencias.exists()


def test_ciclo_encerrado_fica_congelado_para_o_parceiro(
    client, parceiro_pf, plano, pf, atividade_pf
):
    encerrado = factories.criar_ciclo(plano=plano, codigo="2025.1")
    rascunho = factories.criar_atualizacao(
        atividade=atividade_pf, instituicao=pf, ciclo=encerrado, autor=parceiro_pf
    )
    client.force_login(parceiro_pf)
    pagina = client.get(URL).content.decode()
    assert "Nenhum ciclo está aberto para relatos agora" in pagina
    client.post(URL, dados_do_relato(revisao=1, percentual=99))
    rascunho.refresh_from_db()
    assert rascunho.percentual == 50
    assert Atualizacao.objects.count() == 1


def test_historico_mostra_cada_ciclo_reportado_ou_nao(
    cliente_pf, plano, pf, atividade_pf, ciclo, parceiro_pf
):
    anterior = factories.criar_ciclo(plano=plano, codigo="2025.2")
    factories.criar_ciclo(plano=plano, codigo="2025.1")
    factories.criar_atualizacao(
        atividade=atividade_pf,
        instituicao=pf,
        ciclo=anterior,
        autor=parceiro_pf,
        estado=Estado.PUBLICADA,
        realizado="Publicado em 2025.2.",
    )
    html = cliente_pf.get("/portal/atividades/2.1.1/").content.decode()
    bloco_2025_2 = html.split("Ciclo 2025.2")[1].split("Ciclo 2025.1")[0]
    assert "Publicado em 2025.2." in bloco_2025_2 and "Publicada" in bloco_2025_2
    assert "Não reportada neste ciclo." in html.split("Ciclo 2025.1")[1]
    assert "Não reportada neste ciclo." in html.split("Ciclo 2026.1")[1].split("Ciclo 2025.2")[0]


def test_minhas_atividades_mostra_estado_prazo_e_o_que_falta(
    cliente_pf, pf, atividade_pf, ciclo, parceiro_pf
):
    from plano.models import Atividade

    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.1"),
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Estado.ENVIADA,
    )
    factories.criar_atualizacao(
        atividade=atividade_pf, instituicao=pf, ciclo=ciclo, autor=parceiro_pf
    )
    html = cliente_pf.get("/portal/").content.decode()
    assert ciclo.prazo.strftime("%d/%m/%Y") in html
    # 1.1.1 to 1.2.1 and 2.1.1 are PF's: 1.1.1 was sent, four are still due.
    assert "Faltam relatos de <strong>4 atividades</strong>" in html
    assert "Enviada à CGETP" in html.split('id="atividade-1.1.1"')[1].split("</tr>")[0]
    assert "Rascunho" in html.split('id="atividade-2.1.1"')[1].split("</tr>")[0]
    linha_112 = html.split('id="atividade-1.1.2"')[1].split("</tr>")[0]
    assert "Não reportada neste ciclo" in linha_112


def test_sem_ciclo_aberto_a_lista_avisa(client, parceiro_pf, plano):
    factories.criar_ciclo(
        plano=plano,
        codigo="2025.1",
        abertura=timezone.localdate() - timedelta(days=90),
        prazo=timezone.localdate() - timedelta(days=60),
        encerramento=timezone.localdate() - timedelta(days=30),
    )
    client.force_login(parceiro_pf)
    assert "Nenhum ciclo de monitoramento está aberto" in client.get("/portal/").content.decode()


def test_novo_relato_comeca_do_ultimo_publicado_da_instituicao(
    cliente_pf, plano, pf, atividade_pf, parceiro_pf
):
    anterior = factories.criar_ciclo(plano=plano, codigo="2025.2")
    factories.criar_atualizacao(
        atividade=atividade_pf,
        instituicao=pf,
        ciclo=anterior,
        autor=parceiro_pf,
        estado=Estado.PUBLICADA,
        percentual=35,
        restricoes="Falta de diárias.",
        realizado="O que foi feito em 2025.2.",
    )
    html = cliente_pf.get(URL).content.decode()
    assert 'value="35"' in html
    assert "Falta de diárias." in html
    assert "O que foi feito em 2025.2." not in html.split("<form")[1]  # each period anew
    assert not Atualizacao.objects.filter(ciclo__codigo="2026.1").exists()

"""A mail outage never fails a saved action: "Enviar" and "Publicar" write the
message to the outbox (operacao.Mensagem) in their transaction; the sender
(enviar_mensagens, cron every minute) retries with backoff, records the error,
and CGETP sees the failed messages in the admin."""

import smtplib
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from monitoramento.models import Atualizacao
from operacao import correio
from operacao.models import Mensagem, Tarefa
from tests import factories

from .conftest import com_evidencia, confirmar_envio, dados_do_relato

Estado = Atualizacao.Estado
FORA = {"default": {"BACKEND": "tests.monitoramento.test_correio_fora_do_ar.CorreioForaDoAr"}}


class CorreioForaDoAr:
    """A mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, mensagens):
        raise smtplib.SMTPConnectError(421, "servidor fora do ar")


@pytest.fixture
def correio_fora(settings):
    settings.MAILERS = FORA


def test_enviar_com_o_correio_fora_grava_e_nao_da_500(
    client, parceiro_pf, atividade_pf, ciclo, validador, correio_fora
):
    client.force_login(parceiro_pf)
    client.post("/portal/atividades/2.1.1/relatar/", com_evidencia(dados_do_relato(acao="enviar")))
    resposta = confirmar_envio(client)
    assert resposta.status_code == 302
    assert Atualizacao.objects.get().estado == Estado.ENVIADA
    mensagem = Mensagem.objects.get()
    assert mensagem.lista_de_destinatarios == [validador.email]
    assert "2.1.1" in mensagem.assunto
    call_command("enviar_mensagens")
    mensagem.refresh_from_db()
    assert (mensagem.estado, mensagem.tentativas) == (Mensagem.Estado.PENDENTE, 1)
    assert "servidor fora do ar" in mensagem.ultimo_erro
    assert mensagem.proxima_tentativa_em > timezone.now()


def test_publicar_com_o_correio_fora_grava_e_a_mensagem_sai_depois(
    client, plano, pf, ciclo, parceiro_pf, validador, settings, mailoutbox
):
    from plano.models import Atividade

    relato = factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.1"),
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Estado.ENVIADA,
        enviado_em=timezone.now(),
    )
    client.force_login(validador)
    funcionando = settings.MAILERS
    settings.MAILERS = FORA
    resposta = client.post(
        f"/admin/monitoramento/atualizacao/{relato.pk}/validar/",
        {"acao": "publicar", "confirmado": "1"},
    )
    assert resposta.status_code == 302
    relato.refresh_from_db()
    assert relato.estado == Estado.PUBLICADA
    correio.enviar_pendentes()
    correio.enviar_pendentes()  # not due yet: no second attempt
    mensagem = Mensagem.objects.get()
    assert mensagem.tentativas == 1
    # The server is back; the retry is due after the backoff.
    settings.MAILERS = funcionando
    depois = mensagem.proxima_tentativa_em + timedelta(seconds=1)
    assert correio.enviar_pendentes(agora=depois) == (1, 0)
    mensagem.refresh_from_db()
    assert mensagem.estado == Mensagem.Estado.ENVIADA
    assert [m.to for m in mailoutbox] == [[parceiro_pf.email]]


def test_espera_cresce_e_desiste_depois_do_maximo(db, correio_fora):
    mensagem = correio.enfileirar("Assunto", "Corpo", ["a@example.org"])
    agora = timezone.now()
    esperas = []
    for _ in range(correio.MAXIMO_DE_TENTATIVAS):
        mensagem.refresh_from_db()
        agora = mensagem.proxima_tentativa_em
        correio.enviar_pendentes(agora=agora)
        mensagem.refresh_from_db()
        esperas.append(mensagem.proxima_tentativa_em - agora)
    assert esperas[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert mensagem.estado == Mensagem.Estado.FALHOU
    assert mensagem.tentativas == correio.MAXIMO_DE_TENTATIVAS


def test_cgetp_ve_as_mensagens_que_falharam_e_a_ultima_execucao(client, equipe, correio_fora):
    Mensagem.objects.create(
        assunto="Relato publicado",
        corpo="link secreto",
        destinatarios="x@example.org",
        estado=Mensagem.Estado.FALHOU,
        tentativas=10,
        ultimo_erro="SMTPConnectError: fora",
    )
    call_command("enviar_mensagens")
    client.force_login(equipe)
    html = client.get("/admin/operacao/mensagem/?estado__exact=falhou").content.decode()
    assert "Relato publicado" in html and "SMTPConnectError: fora" in html
    assert "link secreto" not in html
    assert Tarefa.objects.get(nome="enviar_mensagens").ultimo_sucesso_em is not None
    assert "enviar_mensagens" in client.get("/admin/operacao/tarefa/").content.decode()


def test_mensagem_do_rascunho_diz_a_verdade(client, parceiro_pf, atividade_pf, ciclo):
    """Point 11: CGETP can open drafts, so the portal no longer says otherwise."""
    client.force_login(parceiro_pf)
    resposta = client.post(
        "/portal/atividades/2.1.1/relatar/", com_evidencia(dados_do_relato()), follow=True
    )
    html = resposta.content.decode()
    assert "A CGETP pode consultá-lo, mas só o analisa depois que for enviado." in html
    assert "só será visto pela CGETP" not in html

"""lembrar_relatos: what each institution still owes, before and after the
deadline, never twice for the same cycle and step."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from monitoramento.lembretes import enviar_lembretes
from monitoramento.models import Atualizacao, Lembrete
from plano.models import Atividade
from tests import factories


@pytest.fixture
def dias(ciclo):
    return {
        "cedo": ciclo.prazo - timedelta(days=8),
        "antes": ciclo.prazo - timedelta(days=3),
        "depois": ciclo.prazo + timedelta(days=1),
        "encerrado": ciclo.encerramento + timedelta(days=1),
    }


def test_lembra_antes_do_prazo_o_que_cada_instituicao_deve(
    ciclo, dias, parceiro_pf, parceiro_dpu, pf, mailoutbox
):
    # The PF already sent 1.1.1; the DPU sent nothing.
    factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.1"),
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Atualizacao.Estado.ENVIADA,
    )
    assert enviar_lembretes(hoje=dias["cedo"]) == []
    enviados = enviar_lembretes(hoje=dias["antes"])
    assert {lembrete.instituicao.sigla for lembrete in enviados} == {"PF", "DPU"}
    por_destino = {m.to[0]: m for m in mailoutbox}
    corpo_pf = por_destino[parceiro_pf.email].body
    assert "- 1.1.2" in corpo_pf and "- 1.1.1" not in corpo_pf
    assert "- 1.1.1" in por_destino[parceiro_dpu.email].body
    assert "vence em" in corpo_pf
    assert "Prazo se aproximando" in por_destino[parceiro_pf.email].subject


def test_nunca_lembra_duas_vezes_a_mesma_etapa(ciclo, dias, parceiro_pf, mailoutbox):
    enviar_lembretes(hoje=dias["antes"])
    enviar_lembretes(hoje=dias["antes"] + timedelta(days=1))
    assert len(mailoutbox) == 1
    enviar_lembretes(hoje=dias["depois"])
    enviar_lembretes(hoje=dias["depois"] + timedelta(days=2))
    assert len(mailoutbox) == 2
    assert "venceu em" in mailoutbox[1].body
    assert "Prazo vencido" in mailoutbox[1].subject
    assert list(Lembrete.objects.values_list("etapa", flat=True).order_by("etapa")) == [
        "antes_do_prazo",
        "apos_o_prazo",
    ]
    assert enviar_lembretes(hoje=dias["encerrado"]) == []


def test_instituicao_em_dia_nao_recebe_lembrete(ciclo, dias, parceiro_pf, pf, mailoutbox):
    for atividade in Atividade.objects.do_parceiro(pf):
        factories.criar_atualizacao(
            atividade=atividade,
            instituicao=pf,
            ciclo=ciclo,
            autor=parceiro_pf,
            estado=Atualizacao.Estado.PUBLICADA,
        )
    enviar_lembretes(hoje=dias["depois"])
    assert mailoutbox == []


def test_comando_e_idempotente(ciclo, parceiro_pf, mailoutbox, monkeypatch, capsys):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: ciclo.prazo - timedelta(days=1))
    call_command("lembrar_relatos")
    call_command("lembrar_relatos")
    assert len(mailoutbox) == 1
    saida = capsys.readouterr().out
    assert "Lembretes enviados: 1." in saida and "Lembretes enviados: 0." in saida


def test_lembrete_lista_as_atividades_atrasadas_da_instituicao(
    ciclo, dias, parceiro_pf, pf, mailoutbox
):
    from monitoramento.services import atualizar_situacao_da_atividade

    atrasada = Atividade.objects.get(codigo="1.1.2")
    outro = factories.criar_ciclo(plano=ciclo.plano, codigo="2020.1")
    factories.criar_atualizacao(
        atividade=atrasada,
        instituicao=pf,
        ciclo=outro,
        autor=parceiro_pf,
        estado=Atualizacao.Estado.PUBLICADA,
        percentual=30,
    )
    atualizar_situacao_da_atividade(atividade=atrasada)
    atrasada.refresh_from_db()
    atrasada.prazo = dias["antes"] - timedelta(days=10)
    atrasada.save()
    enviar_lembretes(hoje=dias["antes"])
    [mensagem] = [m for m in mailoutbox if parceiro_pf.email in m.to]
    assert 'com o prazo vencido (aparecem como "Atrasada" no painel público)' in mensagem.body
    assert f"- 1.1.2: prazo {atrasada.prazo:%d/%m/%Y}, em andamento (30%)" in mensagem.body

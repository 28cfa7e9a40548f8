"""The e-mails the reporting lifecycle sends (to validators, to the report's
institution), queued in the action's transaction through the outbox."""

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.template.loader import render_to_string

from comum.enderecos import origem
from operacao.correio import enfileirar
from parceiros.models import Usuario

from .models import Atualizacao


def validadores():
    """Active users who may validate reports (by group, own permission or superuser)."""
    permissao = Permission.objects.get(
        content_type__app_label="monitoramento", codename="validar_atualizacao"
    )
    return Usuario.objects.filter(
        Q(is_superuser=True) | Q(groups__permissions=permissao) | Q(user_permissions=permissao)
    ).distinct()


def emails_de(usuarios) -> list[str]:
    return sorted({u.email for u in usuarios.filter(is_active=True).exclude(email="")})


def mensagem_de(modelo: str, contexto: dict) -> tuple[str, str]:
    contexto = {**contexto, "SITE_URL": origem()}
    assunto = render_to_string(f"email/{modelo}_assunto.txt", contexto).strip()
    return assunto, render_to_string(f"email/{modelo}.txt", contexto)


def avisar(*, destinatarios: list[str], modelo: str, contexto: dict) -> None:
    """Queue the e-mail in the action's transaction (operacao.correio): a
    failed report sends nothing, and a mail outage never fails the action."""
    if not destinatarios:
        return
    assunto, corpo = mensagem_de(modelo, contexto)
    enfileirar(assunto, corpo, destinatarios)


def avisar_instituicao(atualizacao: Atualizacao, modelo: str) -> None:
    """Tell the report's institution (its active users) what CGETP decided."""
    avisar(
        destinatarios=emails_de(atualizacao.instituicao.usuarios.all()),
        modelo=modelo,
        contexto={"atualizacao": atualizacao},
    )

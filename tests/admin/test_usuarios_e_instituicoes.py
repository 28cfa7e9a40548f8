"""Users and institutions in the admin: invitations instead of passwords,
no admin for partners, deactivation, and powers only a superuser grants."""

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from parceiros.models import Usuario


@pytest.fixture
def logado(client, equipe):
    client.force_login(equipe)
    return client


def _convidar(client, **dados):
    padrao = {"username": "nova.pf", "first_name": "Nova", "last_name": "Parceira"}
    return client.post("/admin/parceiros/usuario/add/", {**padrao, **dados})


def test_usuario_parceiro_criado_recebe_email_para_definir_a_senha(
    logado, pf, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        resposta = _convidar(logado, email="nova@pf.gov.br", instituicao=pf.pk)
    assert resposta.status_code == 302
    usuario = Usuario.objects.get(username="nova.pf")
    assert (usuario.instituicao, usuario.is_staff) == (pf, False)
    assert not usuario.has_usable_password()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nova@pf.gov.br"]
    assert "instituição PF" in email.body
    uid, token = re.search(r"/portal/senha/redefinir/([^/]+)/([^/]+)/", email.body).groups()
    assert force_str(urlsafe_base64_decode(uid)) == str(usuario.pk)
    assert default_token_generator.check_token(usuario, token)


def test_parceiro_nunca_recebe_acesso_a_administracao(logado, pf, mailoutbox):
    resposta = _convidar(logado, email="x@pf.gov.br", instituicao=pf.pk, is_staff="on")
    assert resposta.status_code == 200
    assert (
        "Usuários de instituições parceiras não acessam a administração"
        in resposta.content.decode()
    )
    assert not Usuario.objects.filter(username="nova.pf").exists()
    assert mailoutbox == []


def _dados_de_alteracao(usuario, **mudancas):
    dados = {
        "username": usuario.username,
        "first_name": usuario.first_name,
        "last_name": usuario.last_name,
        "email": usuario.email,
        "instituicao": usuario.instituicao_id or "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    dados.update(mudancas)
    return {chave: valor for chave, valor in dados.items() if valor is not None}


def test_alterar_parceiro_para_staff_da_erro_claro(logado, parceiro_pf):
    resposta = logado.post(
        f"/admin/parceiros/usuario/{parceiro_pf.pk}/change/",
        _dados_de_alteracao(parceiro_pf, is_staff="on"),
    )
    assert resposta.status_code == 200
    assert (
        "Usuários de instituições parceiras não acessam a administração"
        in resposta.content.decode()
    )
    parceiro_pf.refresh_from_db()
    assert not parceiro_pf.is_staff


def test_equipe_nao_se_torna_superusuario_nem_troca_senhas(logado, equipe, parceiro_pf):
    resposta = logado.post(
        f"/admin/parceiros/usuario/{equipe.pk}/change/",
        _dados_de_alteracao(equipe, instituicao="", is_staff="on", is_superuser="on"),
    )
    assert resposta.status_code == 302
    equipe.refresh_from_db()
    assert not equipe.is_superuser
    assert logado.get(f"/admin/parceiros/usuario/{parceiro_pf.pk}/password/").status_code == 403


def test_desativar_usuarios_fica_no_historico(logado, equipe, parceiro_pf, parceiro_dpu):
    resposta = logado.post(
        "/admin/parceiros/usuario/",
        {"action": "desativar", "_selected_action": [parceiro_pf.pk, parceiro_dpu.pk]},
    )
    assert resposta.status_code == 302
    for usuario in (parceiro_pf, parceiro_dpu):
        usuario.refresh_from_db()
        assert not usuario.is_active
        registro = usuario.history.first()
        assert (registro.is_active, registro.history_user) == (False, equipe)


def test_reenviar_convite_manda_novo_link(logado, parceiro_pf, mailoutbox):
    logado.post(
        "/admin/parceiros/usuario/",
        {"action": "reenviar_convite", "_selected_action": [parceiro_pf.pk]},
    )
    assert [e.to for e in mailoutbox] == [[parceiro_pf.email]]
    assert "/portal/senha/redefinir/" in mailoutbox[0].body


def test_instituicao_leva_ao_cadastro_de_usuario_ja_preenchido(logado, pf):
    html = logado.get(f"/admin/parceiros/instituicao/{pf.pk}/change/").content.decode()
    assert f"/admin/parceiros/usuario/add/?instituicao={pf.pk}" in html
    html = logado.get(f"/admin/parceiros/usuario/add/?instituicao={pf.pk}").content.decode()
    assert f'<option value="{pf.pk}" selected>PF</option>' in html


def test_alteracao_de_instituicao_fica_no_historico(logado, equipe, pf):
    resposta = logado.post(
        f"/admin/parceiros/instituicao/{pf.pk}/change/",
        {
            "sigla": "PF",
            "slug": "pf",
            "nome": "Polícia Federal do Brasil",
            "tipo": pf.tipo,
            "site": "",
        },
    )
    assert resposta.status_code == 302
    registro = pf.history.first()
    assert (registro.nome, registro.history_user) == ("Polícia Federal do Brasil", equipe)


def test_mudanca_de_grupos_fica_no_historico(client, equipe):
    superusuario = Usuario.objects.create_superuser("admin", "admin@example.org", "x-senha-longa-1")
    client.force_login(superusuario)
    validadores = Group.objects.get(name="Validadores")
    resposta = client.post(
        f"/admin/parceiros/usuario/{equipe.pk}/change/",
        _dados_de_alteracao(
            equipe,
            instituicao="",
            is_staff="on",
            groups=[g.pk for g in equipe.groups.all()] + [validadores.pk],
        ),
    )
    assert resposta.status_code == 302
    registro = equipe.history.first()
    assert registro.history_user == superusuario
    assert {g.group.name for g in registro.groups.all()} == {"Equipe CGETP", "Validadores"}

"""Login, logout, password change and reset, and login throttling."""

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from parceiros.auth import BLOQUEIO_SEGUNDOS, FALHAS_PERMITIDAS
from tests.factories import SENHA

ENTRAR = "/portal/entrar/"


def _entrar(client, username, senha, ip="10.0.0.1"):
    return client.post(ENTRAR, {"username": username, "password": senha}, REMOTE_ADDR=ip)


def test_parceiro_entra_e_vai_para_minhas_atividades(client, parceiro_pf):
    resposta = _entrar(client, "parceiro.pf", SENHA)
    assert resposta.status_code == 302
    assert resposta["Location"] == "/portal/"
    assert "Minhas atividades" in client.get("/portal/").content.decode()


def test_senha_errada_mostra_mensagem_e_guarda_o_usuario(client, parceiro_pf):
    resposta = _entrar(client, "parceiro.pf", "errada")
    assert resposta.status_code == 200
    html = resposta.content.decode()
    assert "Por favor, entre com um usuário  e senha corretos" in html
    assert 'value="parceiro.pf"' in html


@pytest.fixture
def hashes(monkeypatch):
    """Counts password hashes computed (the expensive step throttling avoids)."""
    contagem = {"n": 0}
    original = MD5PasswordHasher.encode

    def encode(self, password, salt):
        contagem["n"] += 1
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", encode)
    return contagem


def test_bloqueia_usuario_e_endereco_depois_de_falhas_sem_calcular_hash(
    client, parceiro_pf, hashes
):
    for _ in range(FALHAS_PERMITIDAS):
        _entrar(client, "parceiro.pf", "errada")
    calculados = hashes["n"]
    resposta = _entrar(client, "parceiro.pf", SENHA)  # even the right password
    assert resposta.status_code == 200
    assert "Muitas tentativas de entrada sem sucesso" in resposta.content.decode()
    assert hashes["n"] == calculados
    assert "_auth_user_id" not in client.session


def test_bloqueio_nao_atinge_outros_usuarios_nem_outros_enderecos(
    client, parceiro_pf, parceiro_dpu
):
    for _ in range(FALHAS_PERMITIDAS):
        _entrar(client, "parceiro.pf", "errada", ip="10.0.0.1")
    assert _entrar(client, "parceiro.dpu", SENHA, ip="10.0.0.1").status_code == 302
    client.logout()
    assert _entrar(client, "parceiro.pf", SENHA, ip="10.0.0.2").status_code == 302


def test_bloqueio_vale_para_usuario_inexistente_e_para_o_admin(client, equipe, hashes):
    for _ in range(FALHAS_PERMITIDAS):
        _entrar(client, "nao.existe", "errada")
    calculados = hashes["n"]
    _entrar(client, "nao.existe", "errada")
    assert hashes["n"] == calculados
    for _ in range(FALHAS_PERMITIDAS):
        client.post(
            "/admin/login/", {"username": "equipe.cgetp", "password": "x"}, REMOTE_ADDR="10.0.0.1"
        )
    resposta = client.post(
        "/admin/login/", {"username": "equipe.cgetp", "password": SENHA}, REMOTE_ADDR="10.0.0.1"
    )
    assert resposta.status_code == 200
    assert "_auth_user_id" not in client.session


def test_bloqueio_acaba_depois_de_alguns_minutos(client, parceiro_pf, monkeypatch):
    """The lock is the cache's counters, stored for BLOQUEIO_SEGUNDOS: when the
    cache lets them expire (touch(..., 0) does it now, on any backend, with no
    patch of the clock) the right password works again."""
    from django.core.cache import cache

    from parceiros import auth

    contadores = {}
    contar = auth.contar
    monkeypatch.setattr(
        auth,
        "contar",
        lambda chave, janela: contadores.setdefault(chave, janela) and contar(chave, janela),
    )
    for _ in range(FALHAS_PERMITIDAS):
        _entrar(client, "parceiro.pf", "errada")
    assert _entrar(client, "parceiro.pf", SENHA).status_code == 200
    falhas = {c: j for c, j in contadores.items() if c.startswith("paecm:login-falhas")}
    assert falhas and set(falhas.values()) == {BLOQUEIO_SEGUNDOS}
    for chave in falhas:
        cache.touch(chave, 0)
    assert _entrar(client, "parceiro.pf", SENHA).status_code == 302


def test_entrar_com_sucesso_zera_as_falhas(client, parceiro_pf):
    for _ in range(FALHAS_PERMITIDAS - 1):
        _entrar(client, "parceiro.pf", "errada")
    assert _entrar(client, "parceiro.pf", SENHA).status_code == 302
    client.logout()
    for _ in range(FALHAS_PERMITIDAS - 1):
        _entrar(client, "parceiro.pf", "errada")
    assert _entrar(client, "parceiro.pf", SENHA).status_code == 302


def test_redefinir_senha_por_email(client, parceiro_pf, mailoutbox):
    resposta = client.post("/portal/senha/redefinir/", {"email": parceiro_pf.email})
    assert resposta["Location"] == "/portal/senha/redefinir/enviada/"
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/portal/senha/redefinir/\S+/)", mailoutbox[0].body)[1]
    formulario = client.get(link, follow=True)
    assert "Nova senha" in formulario.content.decode()
    url = formulario.redirect_chain[-1][0]
    curta = client.post(url, {"new_password1": "curta123", "new_password2": "curta123"})
    assert "pelo menos 12 caracteres" in curta.content.decode()
    nova = "uma-senha-bem-longa-2026"
    resposta = client.post(url, {"new_password1": nova, "new_password2": nova})
    assert resposta["Location"] == "/portal/senha/redefinida/"
    parceiro_pf.refresh_from_db()
    assert parceiro_pf.check_password(nova)


def test_redefinir_senha_de_email_desconhecido_nao_revela_nada(client, mailoutbox, db):
    resposta = client.post("/portal/senha/redefinir/", {"email": "ninguem@example.org"})
    assert resposta["Location"] == "/portal/senha/redefinir/enviada/"
    assert mailoutbox == []


def test_alterar_senha(client, parceiro_pf):
    client.force_login(parceiro_pf)
    nova = "outra-senha-bem-longa-2026"
    resposta = client.post(
        "/portal/senha/",
        {"old_password": SENHA, "new_password1": nova, "new_password2": nova},
    )
    assert resposta["Location"] == "/portal/senha/alterada/"
    parceiro_pf.refresh_from_db()
    assert parceiro_pf.check_password(nova)


def test_entradas_e_bloqueios_ficam_registrados(client, parceiro_pf, caplog):
    caplog.set_level("INFO", logger="paecm.entrada")
    for _ in range(FALHAS_PERMITIDAS + 1):
        _entrar(client, "parceiro.pf", "errada", ip="10.9.9.9")
    mensagens = [r.getMessage() for r in caplog.records]
    assert "Entrada sem sucesso: usuário 'parceiro.pf', endereço 10.9.9.9" in mensagens
    assert "Entrada recusada (bloqueio): usuário 'parceiro.pf', endereço 10.9.9.9" in mensagens


def test_atras_do_proxy_bloqueio_e_por_endereco_do_cliente(client, parceiro_pf, settings):
    """Behind the proxy every request has its address: a lock on one client
    must not lock the same username for another client."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    def entrar(senha, cliente):
        return client.post(
            ENTRAR,
            {"username": "parceiro.pf", "password": senha},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {cliente}",
        )

    for _ in range(FALHAS_PERMITIDAS):
        entrar("errada", "203.0.113.9")
    assert "Muitas tentativas" in entrar(SENHA, "203.0.113.9").content.decode()
    assert entrar(SENHA, "198.51.100.7").status_code == 302

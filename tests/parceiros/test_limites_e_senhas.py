"""Hardening of the login and password reset (issue #12 points 4, 6, 10, 11):
a lock per client address across usernames, a bound on concurrent password
checks shared by every worker, reset rate limits and equal work for known and
unknown addresses, common Brazilian passwords refused, and the drafts text."""

import threading

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operacao.models import Mensagem
from parceiros import auth
from tests.factories import SENHA

ENTRAR = "/portal/entrar/"
REDEFINIR = "/portal/senha/redefinir/"


def _entrar(client, username, senha, ip="203.0.113.9"):
    return client.post(ENTRAR, {"username": username, "password": senha}, REMOTE_ADDR=ip)


@pytest.fixture
def cache_compartilhado(settings, tmp_path):
    """A cache every worker shares (like Redis in production): each thread gets its
    own Django cache client on the same store, as separate processes would."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }
    # (Django's setting_changed handler gives every thread new cache clients.)
    yield
    caches["default"].clear()


def test_um_endereco_que_tenta_muitos_usuarios_e_bloqueado_sem_verificar_senha(
    client, parceiro_pf, cache_compartilhado, monkeypatch
):
    # Half of the failures in another worker (its own cache client), half here.
    def outro_trabalhador():
        for i in range(auth.FALHAS_POR_ENDERECO // 2):
            auth.registrar_falha(f"alguem{i}", "203.0.113.9")

    trabalhador = threading.Thread(target=outro_trabalhador)
    trabalhador.start()
    trabalhador.join()
    for i in range(auth.FALHAS_POR_ENDERECO - auth.FALHAS_POR_ENDERECO // 2):
        _entrar(client, f"outro{i}", "errada")
    verificadas = []
    monkeypatch.setattr(
        "django.contrib.auth.base_user.AbstractBaseUser.check_password",
        lambda self, senha: verificadas.append(senha) or True,
    )
    resposta = _entrar(client, "parceiro.pf", SENHA)
    assert resposta.status_code == 200
    assert auth.MENSAGEM_BLOQUEIO in resposta.content.decode()
    assert verificadas == []
    # Another address is not affected.
    monkeypatch.undo()
    assert _entrar(client, "parceiro.pf", SENHA, ip="198.51.100.7").status_code == 302


def test_verificacoes_de_senha_alem_do_limite_respondem_429_sem_hash(
    client, parceiro_pf, settings, cache_compartilhado, monkeypatch
):
    settings.VERIFICACOES_DE_SENHA_SIMULTANEAS = 2
    verificadas = []
    original = auth.ModelBackend.authenticate
    monkeypatch.setattr(
        auth.ModelBackend,
        "authenticate",
        lambda self, *a, **k: verificadas.append(1) or original(self, *a, **k),
    )

    # Two checks in progress in other workers, counted in the shared cache.
    def outros():
        caches["default"].set("paecm:senhas-em-curso", 2, 60)

    t = threading.Thread(target=outros)
    t.start()
    t.join()
    resposta = _entrar(client, "parceiro.pf", SENHA)
    assert resposta.status_code == 429
    assert resposta["Retry-After"] == "60"
    assert "muitas tentativas ao mesmo tempo" in resposta.content.decode()
    assert verificadas == []
    # Once they finish, the login goes through.
    cache.set("paecm:senhas-em-curso", 0, 60)
    assert _entrar(client, "parceiro.pf", SENHA).status_code == 302
    assert cache.get("paecm:senhas-em-curso") == 0


def test_limite_por_processo_recusa_sem_esperar(client, parceiro_pf, settings):
    tomados = 0
    while auth._semaforo.acquire(blocking=False):
        tomados += 1
    try:
        assert _entrar(client, "parceiro.pf", SENHA).status_code == 429
    finally:
        for _ in range(tomados):
            auth._semaforo.release()
    assert _entrar(client, "parceiro.pf", SENHA).status_code == 302


def test_redefinicao_limitada_por_conta_e_por_endereco(
    client, parceiro_pf, parceiro_dpu, mailoutbox, settings
):
    for _ in range(40):
        resposta = client.post(REDEFINIR, {"email": parceiro_pf.email}, REMOTE_ADDR="203.0.113.5")
        assert resposta["Location"] == "/portal/senha/redefinir/enviada/"
    assert len(mailoutbox) == settings.REDEFINICOES_POR_CONTA
    # One address asking for many accounts stops at its own limit.
    for i in range(settings.REDEFINICOES_POR_ENDERECO + 5):
        email = parceiro_dpu.email if i == 0 else f"x{i}@example.org"
        client.post(REDEFINIR, {"email": email}, REMOTE_ADDR="198.51.100.1")
    assert Mensagem.objects.exclude(estado=Mensagem.Estado.DESCARTADA).count() == 4
    assert Mensagem.objects.filter(estado=Mensagem.Estado.DESCARTADA).count() == (
        settings.REDEFINICOES_POR_ENDERECO - 1
    )


def test_redefinicao_faz_o_mesmo_trabalho_para_endereco_conhecido_ou_nao(client, parceiro_pf):
    with CaptureQueriesContext(connection) as conhecido:
        client.post(REDEFINIR, {"email": parceiro_pf.email}, REMOTE_ADDR="203.0.113.1")
    with CaptureQueriesContext(connection) as desconhecido:
        client.post(REDEFINIR, {"email": "ninguem@example.org"}, REMOTE_ADDR="203.0.113.2")
    assert len(conhecido) == len(desconhecido)
    assert [q["sql"].split()[0] for q in conhecido] == [q["sql"].split()[0] for q in desconhecido]
    descartada = Mensagem.objects.get(estado=Mensagem.Estado.DESCARTADA)
    assert "ninguem" not in descartada.destinatarios + descartada.corpo


@pytest.mark.parametrize(
    "senha", ["senha1234567", "Brasil2026!!", "iloveyou1234", "S3nh@2024!!", "flamengo2026#"]
)
def test_senhas_comuns_brasileiras_sao_recusadas(client, parceiro_pf, senha):
    client.force_login(parceiro_pf)
    resposta = client.post(
        "/portal/senha/",
        {"old_password": SENHA, "new_password1": senha, "new_password2": senha},
    )
    assert resposta.status_code == 200
    assert "comum demais" in resposta.content.decode()
    parceiro_pf.refresh_from_db()
    assert parceiro_pf.check_password(SENHA)


def test_senha_longa_e_incomum_e_aceita(client, parceiro_pf):
    client.force_login(parceiro_pf)
    senha = "Ipê-amarelo floresce em agosto"
    resposta = client.post(
        "/portal/senha/",
        {"old_password": SENHA, "new_password1": senha, "new_password2": senha},
    )
    assert resposta.status_code == 302

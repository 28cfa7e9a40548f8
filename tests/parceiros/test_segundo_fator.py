"""Second factor end to end (issue #12 point 7), with a plain Client that logs
in through the form: staff must enrol before any admin page opens (DEBUG on
or off), log in with a code or a recovery code; wrong codes are throttled;
partners may opt in."""

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from parceiros.mfa import CODIGOS_DE_RECUPERACAO, MENSAGEM_CODIGOS_BLOQUEADOS, codigo_atual
from tests import factories
from tests.factories import SENHA
from tests.mfa import codigo


def _entrar(usuario, proximo="/admin/"):
    cliente = Client()
    resposta = cliente.post(
        "/portal/entrar/", {"username": usuario.username, "password": SENHA, "next": proximo}
    )
    assert resposta.status_code == 302
    return cliente


@pytest.fixture
def staff_novo(db):
    return factories.criar_usuario(username="novo.cgetp", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("debug", [True, False])
def test_staff_sem_dispositivo_cadastra_antes_de_abrir_a_administracao(staff_novo, settings, debug):
    settings.DEBUG = debug
    cliente = _entrar(staff_novo)
    for url in ["/admin/", "/admin/parceiros/usuario/", "/portal/"]:
        resposta = cliente.get(url)
        assert resposta.status_code == 302
        assert resposta["Location"].startswith("/portal/mfa/?next=")
    pagina = cliente.get("/portal/mfa/?next=/admin/").content.decode()
    chave = re.search(r'<code class="chave-totp">([A-Z2-7 ]+)</code>', pagina)[1]
    dispositivo = TOTPDevice.objects.get(user=staff_novo)
    assert chave.replace(" ", "") and not dispositivo.confirmed
    resposta = cliente.post(
        "/portal/mfa/", {"codigo": codigo_atual(dispositivo), "next": "/admin/"}
    )
    codigos = re.findall(r"<li><code>(\w+)</code></li>", resposta.content.decode())
    assert len(codigos) == CODIGOS_DE_RECUPERACAO
    assert cliente.get("/admin/").status_code == 200


def test_entrar_com_codigo_do_aplicativo(equipe):
    cliente = _entrar(equipe, "/admin/")
    resposta = cliente.get("/admin/")
    assert resposta["Location"].startswith("/portal/mfa/verificar/?next=/admin/")
    resposta = cliente.post("/portal/mfa/verificar/", {"codigo": codigo(equipe), "next": "/admin/"})
    assert resposta["Location"] == "/admin/"
    assert cliente.get("/admin/").status_code == 200


def test_entrar_com_codigo_de_recuperacao_que_so_vale_uma_vez(equipe):
    from parceiros.mfa import criar_codigos_de_recuperacao

    recuperacao = criar_codigos_de_recuperacao(equipe)[0]
    cliente = _entrar(equipe)
    resposta = cliente.post("/portal/mfa/verificar/", {"codigo": recuperacao, "next": "/admin/"})
    assert resposta["Location"] == "/admin/"
    assert cliente.get("/admin/").status_code == 200
    outro = _entrar(equipe)
    assert outro.post("/portal/mfa/verificar/", {"codigo": recuperacao}).status_code == 400


def test_codigos_errados_sao_limitados(equipe):
    cliente = _entrar(equipe)
    certo = codigo(equipe)
    errado = f"{(int(certo) + 1) % 1000000:06d}"
    for _ in range(5):
        resposta = cliente.post("/portal/mfa/verificar/", {"codigo": errado})
    assert resposta.status_code == 429
    assert MENSAGEM_CODIGOS_BLOQUEADOS in resposta.content.decode()
    # Even the right code is refused while locked.
    resposta = cliente.post("/portal/mfa/verificar/", {"codigo": certo, "next": "/admin/"})
    assert resposta.status_code == 429
    assert cliente.get("/admin/").status_code == 302


def test_parceiro_pode_ativar_e_depois_precisa_do_codigo(parceiro_pf):
    cliente = _entrar(parceiro_pf, "/portal/")
    assert cliente.get("/portal/").status_code == 200  # optional for partners
    cliente.get("/portal/mfa/")
    dispositivo = TOTPDevice.objects.get(user=parceiro_pf)
    cliente.post("/portal/mfa/", {"codigo": codigo_atual(dispositivo)})
    novo = _entrar(parceiro_pf, "/portal/")
    assert novo.get("/portal/")["Location"].startswith("/portal/mfa/verificar/")
    assert novo.get("/admin/").status_code == 302


def test_demo_usa_chaves_fixas_e_o_comando_mostra_o_codigo(plano, settings, capsys):
    from django.core.management import call_command

    from monitoramento.demo import CHAVES_TOTP_DEMO

    settings.DEBUG = True
    call_command("carregar_demo")
    for username, chave in CHAVES_TOTP_DEMO.items():
        dispositivo = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert dispositivo.key == chave
    call_command("codigo_totp", "demo.cgetp")
    saida = capsys.readouterr().out.strip().splitlines()[-1]
    dispositivo = TOTPDevice.objects.get(user__username="demo.cgetp")
    assert saida == f"{totp(dispositivo.bin_key):06d}"

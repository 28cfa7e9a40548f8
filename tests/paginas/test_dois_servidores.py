"""Two gunicorn app servers on different ports, one PostgreSQL, one Redis, as in
production (DJANGO_DEBUG=false): a login locked through one is locked on the
other; evidence uploaded through one downloads through the other; a
publication through one shows on the other within the version's bound (1 s,
ADR 0005).

It builds its own PostgreSQL database (test_<name>_servidores, next to the
suite's) and uses its own Redis index, so it runs the same in either pass."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings
from django_otp.oath import totp

from monitoramento.demo import CHAVES_TOTP_DEMO
from parceiros.auth import FALHAS_PERMITIDAS

# demorado: the module's tests share two gunicorn servers (a module fixture),
# so they move to the front of the run together.
pytestmark = [pytest.mark.postgres, pytest.mark.demorado]

BASE = Path(settings.BASE_DIR)
SENHA = "paecm-demo-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ATIVIDADES_DA_PF = ["1.3.2", "2.1.1", "2.3.2", "2.6.4", "2.9.2"]


# Each pytest-xdist worker that runs a test of this module builds its own pair
# (database and Redis index): two workers never share or drop each other's.
TRABALHADOR = os.environ.get("PYTEST_XDIST_WORKER", "gw0")


def _banco() -> str:
    url = os.environ.get("DATABASE_URL", "")
    nome = url.rsplit("/", 1)[1] if url.startswith("postgres") else "paecm_desempenho"
    return f"postgres://postgres@127.0.0.1:5432/test_{nome}_servidores_{TRABALHADOR}"


def _redis() -> str:
    return os.environ.get(
        "CACHE_URL_DOIS_SERVIDORES",
        f"redis://127.0.0.1:6379/{8 + int(TRABALHADOR.removeprefix('gw') or 0) % 8}",
    )


def _porta() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def servidores(tmp_path_factory):
    banco = _banco()
    nome = banco.rsplit("/", 1)[1]
    with psycopg.connect(banco.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conexao:
        conexao.execute(f'DROP DATABASE IF EXISTS "{nome}"')
        conexao.execute(f'CREATE DATABASE "{nome}"')
    pasta = tmp_path_factory.mktemp("dois")
    portas = [_porta(), _porta()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="dois-servidores-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        SITE_URL=f"http://127.0.0.1:{portas[0]}",
        DATABASE_URL=banco,
        CACHE_URL=_redis(),
        EMAIL_URL="console://",
        MEDIA_ROOT=str(pasta / "media"),
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
    )
    subprocess.run(["redis-cli", "-u", env["CACHE_URL"], "FLUSHDB"], check=True)
    for comando in (["migrate", "--noinput"], ["carregar_plano"], ["carregar_demo", "--forcar"]):
        subprocess.run(
            [sys.executable, "manage.py", *comando],
            cwd=BASE,
            env=env,
            check=True,
            capture_output=True,
        )
    processos = [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "paecm.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{porta}",
                "--log-level",
                "warning",
            ],
            cwd=BASE,
            env=env,
        )
        for porta in portas
    ]
    urls = [f"http://127.0.0.1:{porta}" for porta in portas]
    try:
        for url in urls:
            for _ in range(100):
                try:
                    requests.get(url + "/api/v1/", timeout=10)
                    break
                except requests.RequestException:
                    time.sleep(0.2)
        yield {"urls": urls, "banco": banco}
    finally:
        for processo in processos:
            processo.terminate()
            processo.wait(timeout=30)


class Sessao(requests.Session):
    """A browser on plain HTTP: production cookies are Secure (behind TLS in
    production), so they are sent back here anyway."""

    def request(self, *args, **kwargs):
        for cookie in self.cookies:
            cookie.secure = False
        return super().request(*args, **kwargs)


def _csrf(sessao: requests.Session, url: str) -> str:
    resposta = sessao.get(url, timeout=10)
    achado = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', resposta.text)
    assert achado, (resposta.url, resposta.status_code, resposta.text[:3000])
    return achado.group(1)


def entrar(sessao, base, username, senha):
    token = _csrf(sessao, base + "/portal/entrar/")
    return sessao.post(
        base + "/portal/entrar/",
        {"csrfmiddlewaretoken": token, "username": username, "password": senha},
        headers={"Referer": base + "/portal/entrar/"},
        timeout=10,
        allow_redirects=False,
    )


def verificar_segundo_fator(sessao, base, username, proximo):
    """Staff type the code of their authenticator app (the demo's fixed key)."""
    pagina = sessao.get(base + proximo, timeout=10)
    assert "/portal/mfa/verificar/" in pagina.url, pagina.url
    codigo = f"{totp(bytes.fromhex(CHAVES_TOTP_DEMO[username])):06d}"
    resposta = sessao.post(
        pagina.url,
        {"csrfmiddlewaretoken": _csrf(sessao, pagina.url), "codigo": codigo, "next": proximo},
        headers={"Referer": pagina.url},
        timeout=10,
        allow_redirects=False,
    )
    assert resposta.status_code == 302, resposta.text[:3000]


def test_bloqueio_de_entrada_vale_nos_dois_servidores(servidores):
    a, b = servidores["urls"]
    for _ in range(FALHAS_PERMITIDAS):
        resposta = entrar(Sessao(), a, "demo.dpu", "senha-errada-123")
        assert resposta.status_code == 200
    # The right password, through the other server: still locked.
    resposta = entrar(Sessao(), b, "demo.dpu", SENHA)
    assert resposta.status_code == 200
    assert "Muitas tentativas de entrada sem sucesso" in resposta.text
    # Another account is not locked, on either server.
    assert entrar(Sessao(), b, "demo.cgetp", SENHA).status_code == 302


def test_evidencia_e_publicacao_entre_servidores(servidores):
    a, b = servidores["urls"]
    parceiro = Sessao()
    assert entrar(parceiro, a, "demo.pf", SENHA).status_code == 302
    texto = "Mutirão de atendimento em Pacaraima, relatado pelo servidor A."
    for codigo in ATIVIDADES_DA_PF:
        pagina = parceiro.get(f"{a}/portal/atividades/{codigo}/relatar/", timeout=10)
        if pagina.status_code == 200 and "csrfmiddlewaretoken" in pagina.text:
            break
    else:
        pytest.fail("no PF activity open for a report in the demo")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pagina.text).group(1)
    revisao = re.search(r'name="revisao" value="(\d+)"', pagina.text)
    dados = {
        "csrfmiddlewaretoken": token,
        "revisao": revisao.group(1) if revisao else 0,
        "situacao": "em_andamento",
        "percentual": 45,
        "realizado": texto,
        "restricoes": "",
        "acao": "enviar",
        "evidencias-TOTAL_FORMS": 1,
        "evidencias-INITIAL_FORMS": 0,
        "evidencias-MIN_NUM_FORMS": 0,
        "evidencias-MAX_NUM_FORMS": 1000,
        "evidencias-0-titulo": "Ata do mutirão",
        "evidencias-0-tipo": "capacitacao",
        "evidencias-0-data": "2026-03-10",
    }
    resposta = parceiro.post(
        f"{a}/portal/atividades/{codigo}/relatar/",
        dados,
        files={"evidencias-0-arquivo": ("ata.pdf", PDF, "application/pdf")},
        headers={"Referer": f"{a}/portal/atividades/{codigo}/relatar/"},
        timeout=30,
        allow_redirects=False,
    )
    assert resposta.status_code == 302, resposta.text[:3000]
    # Saved as a draft; sent from the confirmation page, with its revision.
    confirmacao = parceiro.get(a + resposta.headers["Location"], timeout=10)
    assert confirmacao.url.endswith(f"/portal/atividades/{codigo}/enviar/"), confirmacao.url
    enviado = parceiro.post(
        confirmacao.url,
        {
            "csrfmiddlewaretoken": _csrf(parceiro, confirmacao.url),
            "revisao": re.search(r'name="revisao" value="(\d+)"', confirmacao.text).group(1),
        },
        headers={"Referer": confirmacao.url},
        timeout=30,
        allow_redirects=False,
    )
    assert enviado.status_code == 302, enviado.text[:3000]
    with psycopg.connect(servidores["banco"]) as conexao:
        evidencia, relato = conexao.execute(
            "SELECT id, atualizacao_id FROM monitoramento_evidencia ORDER BY id DESC LIMIT 1"
        ).fetchone()

    # Uploaded through A, downloaded through B (the session is shared too).
    arquivo = parceiro.get(f"{b}/evidencias/{evidencia}/", timeout=10)
    assert arquivo.status_code == 200
    assert arquivo.content == PDF
    assert "no-store" in arquivo.headers["Cache-Control"]

    # B's public page is in its cache before the publication.
    anonimo = Sessao()
    antes = anonimo.get(f"{b}/plano/{codigo}/", timeout=10)
    assert texto not in antes.text
    assert anonimo.get(f"{b}/plano/{codigo}/", timeout=10).text == antes.text

    validador = Sessao()
    assert entrar(validador, a, "demo.validador", SENHA).status_code == 302
    endereco = f"{a}/admin/monitoramento/atualizacao/{relato}/validar/"
    verificar_segundo_fator(validador, a, "demo.validador", endereco.removeprefix(a))
    token = _csrf(validador, endereco)
    publicado = validador.post(
        endereco,
        {"csrfmiddlewaretoken": token, "acao": "publicar", "confirmado": "1"},
        headers={"Referer": endereco},
        timeout=30,
        allow_redirects=False,
    )
    assert publicado.status_code == 302, publicado.text[:3000]
    # Shown at once on A; on B once its copy of the version token is older
    # than its bound (ADR 0005): waited for, not timed.
    assert texto in anonimo.get(f"{a}/plano/{codigo}/", timeout=10).text
    time.sleep(settings.CACHE_PUBLICO_TOKEN_SEGUNDOS + 0.5)
    assert texto in anonimo.get(f"{b}/plano/{codigo}/", timeout=10).text

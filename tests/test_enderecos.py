"""comum.enderecos: one rule for the site's absolute addresses."""

import os
import subprocess
import sys

from django.http import HttpResponse
from django.test import override_settings

from comum.enderecos import ORIGEM_DE_DESENVOLVIMENTO, OrigemDaRequisicao, absoluto, origem

PRODUCAO = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "painel.example.gov.br",
    "CACHE_URL": "redis://127.0.0.1:6379/5",
    "DATABASE_URL": "sqlite:////tmp/dados-producao.sqlite3",
    "EMAIL_URL": "smtp://ci:ci@smtp.example.gov.br:587",
}


def carregar_configuracao(**ambiente) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | PRODUCAO | ambiente
    return subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "paecm.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_site_url_e_obrigatorio_em_producao():
    sem = carregar_configuracao()
    assert sem.returncode != 0 and "SITE_URL must be set" in sem.stderr
    com = carregar_configuracao(SITE_URL="https://painel.example.gov.br")
    assert com.returncode == 0, com.stderr


@override_settings(SITE_URL="")
def test_sem_requisicao_usa_o_padrao_de_desenvolvimento():
    assert origem() == ORIGEM_DE_DESENVOLVIMENTO == "http://127.0.0.1:8000"
    assert absoluto("/plano/") == "http://127.0.0.1:8000/plano/"


@override_settings(SITE_URL="https://painel.gov.br")
def test_site_url_vale_para_tudo():
    assert absoluto("/dados/") == "https://painel.gov.br/dados/"


@override_settings(SITE_URL="", ALLOWED_HOSTS=["outro.exemplo"])
def test_codigo_sem_a_requisicao_usa_o_host_da_requisicao_em_curso(rf):
    """E-mails and data set columns have no request at hand: the middleware
    lends them its origin while it is served, and only then."""
    request = rf.get("/", HTTP_HOST="outro.exemplo")
    resposta = OrigemDaRequisicao(lambda r: HttpResponse(absoluto("/portal/")))(request)
    assert resposta.content == b"http://outro.exemplo/portal/"
    assert origem() == ORIGEM_DE_DESENVOLVIMENTO

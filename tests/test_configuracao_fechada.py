"""Settings fail closed: without DJANGO_DEBUG the site is in production mode
and refuses to start until every production value is given."""

import os
import subprocess
import sys

from django.conf import settings


def _iniciar(codigo="from django.conf import settings; print(settings.DEBUG)", **extra):
    ambiente = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))
    }
    ambiente.update(DJANGO_SETTINGS_MODULE="paecm.settings", **extra)
    return subprocess.run(  # noqa: S603 - our own interpreter and settings
        [
            sys.executable,
            "-c",
            "import django; django.setup(); " + codigo,
        ],
        cwd=settings.BASE_DIR,
        env=ambiente,
        capture_output=True,
        text=True,
        check=False,
    )


def test_sem_django_debug_o_site_e_producao_e_exige_a_chave():
    resultado = _iniciar()
    assert resultado.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false" in resultado.stderr


def test_desenvolvimento_so_quando_pedido():
    resultado = _iniciar(DJANGO_DEBUG="true")
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.strip() == "True"


def test_sentry_liga_com_o_dsn_e_sem_dados_pessoais():
    resultado = _iniciar(
        "import sentry_sdk; c = sentry_sdk.get_client(); print(c.dsn, c.options['send_default_pii'])",
        DJANGO_DEBUG="true",
        SENTRY_DSN="https://chave@erros.example.gov.br/1",
    )
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.split() == ["https://chave@erros.example.gov.br/1", "False"]

"""schemathesis (an outside tool, its command line) against the served
OpenAPI description, with all its checks and phases: 0 failures."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitoramento.models import Atualizacao

ATAQUE = '<a href="javascript:alert(1)">x</a>'
ST = Path(sys.executable).with_name("st")


@pytest.mark.demorado
@pytest.mark.django_db(transaction=True)
def test_schemathesis_nao_encontra_falhas_na_api(live_server, historico, tmp_path):
    Atualizacao.objects.update(realizado=ATAQUE)
    saida = subprocess.run(  # noqa: S603 - our own tool and server
        [
            str(ST),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "25",
            "--seed",
            "1",
            "--workers",
            "1",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
        cwd=tmp_path,
    )
    assert saida.returncode == 0, saida.stdout[-6000:] + saida.stderr[-2000:]

"""Every page validates with the Nu Html Checker (npm vnu-jar), in one JVM call."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory

from paecm.views import erro_do_servidor

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Public pages validated here; later pages add themselves to this list.
PAGINAS = [
    "/plano/",
    "/plano/1/",
    "/plano/1.1/",
    "/plano/1.1.1/",
    "/plano/?objetivo=1&situacao=em_andamento&busca=formacao",
    "/plano/?objetivo=99&busca=rede",
    "/",
    "/parceiros/",
    "/parceiros/pf/",
    "/metodologia/",
    "/sobre/",
    "/acessibilidade/",
    "/privacidade/",
    "/dados/",
    "/portal/entrar/",
    "/portal/senha/redefinir/",
]


def validar(paginas: dict[str, str], pasta: Path) -> list[dict]:
    assert VNU.exists(), "vnu.jar missing: run `make install` (npm ci)"
    java = shutil.which("java")
    assert java, "Java is needed to run the Nu Html Checker"
    arquivos = []
    for i, (_url, html) in enumerate(paginas.items()):
        arquivo = pasta / f"pagina{i}.html"
        arquivo.write_text(html, encoding="utf-8")
        arquivos.append(str(arquivo))
    saida = subprocess.run(  # noqa: S603 - fixed command, our own files
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *arquivos],
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(saida.stderr or '{"messages": []}')["messages"]


@pytest.mark.django_db
def test_paginas_publicas_sao_html_valido(client, plano, tmp_path):
    from monitoramento.demo import carregar_demo
    from monitoramento.models import Ciclo

    carregar_demo()
    primeiro = Ciclo.objects.order_by("inicio").first()
    paginas = {}
    novas = [
        f"{url}?ciclo={primeiro.codigo}"
        for url in ["/", "/plano/", "/plano/1/", "/plano/1.1/", "/plano/1.1.1/"]
    ] + [
        f"/plano/?objetivo=1&situacao=em_andamento&ordem=percentual&ciclo={primeiro.codigo}",
        f"/parceiros/?ciclo={primeiro.codigo}",
        f"/parceiros/pf/?ciclo={primeiro.codigo}",
    ]
    for url in [*PAGINAS, *novas, "/plano/alteracoes/"]:
        resposta = client.get(url)
        assert resposta.status_code == 200, url
        paginas[url] = resposta.content.decode()
    # The error pages, in the same layout.
    resposta = client.get("/plano/9.9.9/")
    assert resposta.status_code == 404
    paginas["404"] = resposta.content.decode()
    resposta = erro_do_servidor(RequestFactory().get("/"))
    assert resposta.status_code == 500
    paginas["500"] = resposta.content.decode()
    erros = validar(paginas, tmp_path)
    assert erros == [], json.dumps(erros, ensure_ascii=False, indent=1)

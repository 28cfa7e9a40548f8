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
    # The JVM's quick compiler alone starts vnu in a third of the time (one
    # short run, nothing to optimise for); it needs a deeper stack for the
    # HTML schema (vnu says so with a StackOverflowError otherwise).
    rapido = ["-XX:TieredStopAtLevel=1", "-Xss16m"]
    saida = subprocess.run(  # noqa: S603 - fixed command, our own files
        [java, *rapido, "-jar", str(VNU), "--errors-only", "--format", "json", *arquivos],
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(saida.stderr or '{"messages": []}')["messages"]


@pytest.mark.demorado
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


@pytest.mark.django_db
def test_paginas_do_segundo_fator_sao_html_valido(tmp_path):
    """Enrolment (with and without an error), the recovery codes, the code
    check: each as staff see it on the way in, through the login form."""
    from django.test import Client

    from parceiros.mfa import codigo_atual
    from tests import factories
    from tests.factories import SENHA
    from tests.mfa import codigo

    paginas = {}
    cliente = Client()
    novo = factories.criar_usuario(username="novo.cgetp", is_staff=True)
    cliente.post("/portal/entrar/", {"username": novo.username, "password": SENHA})
    paginas["cadastrar"] = cliente.get("/portal/mfa/?next=/admin/").content.decode()
    paginas["cadastrar com erro"] = cliente.post("/portal/mfa/", {"codigo": "1"}).content.decode()
    dispositivo = novo.totpdevice_set.get()
    dispositivo.throttle_reset()  # django-otp waits a second after a wrong code
    resposta = cliente.post("/portal/mfa/", {"codigo": codigo_atual(dispositivo)})
    paginas["códigos"] = resposta.content.decode()
    assert "<code>" in paginas["códigos"]
    equipe = factories.criar_usuario(username="equipe.cgetp", is_staff=True)
    codigo(equipe)
    outro = Client()
    outro.post("/portal/entrar/", {"username": equipe.username, "password": SENHA})
    paginas["verificar"] = outro.get("/portal/mfa/verificar/?next=/admin/").content.decode()
    paginas["verificar com erro"] = outro.post(
        "/portal/mfa/verificar/", {"codigo": "1"}
    ).content.decode()
    assert all("Erro: " in paginas[p] for p in ["cadastrar com erro", "verificar com erro"])
    erros = validar(paginas, tmp_path)
    assert erros == [], json.dumps(erros, ensure_ascii=False, indent=1)

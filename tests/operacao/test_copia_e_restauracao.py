"""The restore drill (issue #12, "Done when" 3): back up, restore into an
emptied database and a new evidence folder, then pages, open data and every
evidence download answer 200, with identical bytes, and no session survives."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from monitoramento.models import Atualizacao, Evidencia
from plano.carga import carregar_plano
from plano.models import Atividade
from tests import factories

PAGINAS = ["/", "/plano/", "/plano/1.1.1/", "/parceiros/", "/dados/"]
DADOS = ["/dados/relatos.csv", "/dados/evidencias.csv", "/api/v1/relatos/", "/dados/feeds/relatos/"]


def _estado(client, urls):
    respostas = {url: client.get(url) for url in urls}
    assert {url: r.status_code for url, r in respostas.items()} == dict.fromkeys(urls, 200)
    return {
        url: b"".join(r.streaming_content) if r.streaming else r.content
        for url, r in respostas.items()
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_copia_restaurada_serve_as_mesmas_paginas_dados_e_arquivos(settings, tmp_path):
    carregar_plano()
    from parceiros.models import Instituicao

    pf = Instituicao.objects.get(sigla="PF")
    ciclo = factories.criar_ciclo(plano=Atividade.objects.first().acao.objetivo.plano)
    autor = factories.criar_usuario(username="parceiro.pf", instituicao=pf)
    for i, codigo in enumerate(["1.1.1", "1.2.1"]):
        relato = factories.criar_atualizacao(
            atividade=Atividade.objects.get(codigo=codigo),
            instituicao=pf,
            ciclo=ciclo,
            autor=autor,
            estado=Atualizacao.Estado.PUBLICADA,
        )
        factories.criar_evidencia(
            atualizacao=relato,
            url="",
            nome_original=f"Ata {i}.pdf",
            tipo_conteudo="application/pdf",
            arquivo=SimpleUploadedFile("ata.pdf", b"%PDF-1.4\n" + bytes(range(256)) * (i + 1)),
        )
    logado = Client()
    logado.force_login(autor)
    assert logado.get("/portal/").status_code == 200
    anonimo = Client()
    evidencias = [e.href for e in Evidencia.objects.exclude(arquivo="")]
    assert len(evidencias) == 2
    antes = _estado(anonimo, PAGINAS + DADOS + evidencias)

    copia = tmp_path / "copia.tar.gz"
    call_command("salvar_copia", str(copia))

    # A fresh database and an empty evidence folder.
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = Path(tmp_path / "media-nova")
    assert not Evidencia.objects.exists()
    call_command("restaurar_copia", str(copia))

    depois = _estado(Client(), PAGINAS + DADOS + evidencias)
    for url in evidencias + DADOS[:2]:
        assert depois[url] == antes[url], url
    assert logado.get("/portal/").status_code == 302  # the old session is gone


@pytest.mark.django_db
def test_restaurar_recusa_banco_com_dados(tmp_path, parceiro_pf):
    from django.core.management.base import CommandError

    copia = tmp_path / "c.tar.gz"
    call_command("salvar_copia", str(copia))
    with pytest.raises(CommandError, match="banco vazio"):
        call_command("restaurar_copia", str(copia))


def _banco_novo(tmp_path) -> str:
    """A database that never held anything: a new file on SQLite, a new
    database on PostgreSQL (dropped first if an earlier run left it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'restaurado.sqlite3'}"
    nome = f"{connection.settings_dict['NAME']}_restaurado"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{nome}"')
        cursor.execute(f'CREATE DATABASE "{nome}"')
    c = connection.settings_dict
    return f"postgres://{c['USER']}@{c['HOST'] or '127.0.0.1'}:{c['PORT'] or 5432}/{nome}"


@pytest.mark.demorado
@pytest.mark.django_db(transaction=True)
def test_copia_restaurada_num_banco_novo_e_identica(settings, tmp_path):
    """The drill as an operator runs it: the demo plus uploaded files, backed up
    by the command; a new database migrated and restored by the commands in
    another process; then every table's rows, every open-data file, the API,
    the feeds and every evidence download are identical, byte for byte, and
    the public pages answer 200."""
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings as conf

    from dados.conjuntos import CONJUNTOS
    from monitoramento.demo import carregar_demo
    from tests.operacao.impressao_digital import impressao_digital

    settings.MEDIA_ROOT = tmp_path / "media"
    # Burn the first history ids, so an entry the restore would invent (in
    # the new database, from id 1) can't hide under a restored one.
    from parceiros.models import Usuario

    for i in range(5):
        factories.criar_usuario(username=f"passageiro{i}").delete()
    Usuario.history.all().delete()
    carregar_plano()
    carregar_demo()
    publicado = Atualizacao.objects.publicadas().select_related("atividade").first()
    factories.criar_evidencia(
        atualizacao=publicado,
        url="",
        nome_original="Lista de presença.pdf",
        tipo_conteudo="application/pdf",
        arquivo=SimpleUploadedFile("lista.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 3),
    )
    evidencias = [e.href for e in Evidencia.objects.all() if not e.url]
    dados = [f"/dados/{nome}.{formato}" for nome in CONJUNTOS for formato in ("csv", "json")]
    api = ["/api/v1/plano/", "/api/v1/atividades/", "/api/v1/relatos/", "/api/v1/ciclos/"]
    feeds = ["/dados/feeds/relatos/", "/dados/feeds/alteracoes/"]
    identicos = evidencias + dados + api + feeds
    urls = identicos + PAGINAS + [f"/plano/{publicado.atividade.codigo}/"]
    antes = impressao_digital(urls)
    assert {url: antes["urls"][url][0] for url in urls} == dict.fromkeys(urls, 200)

    copia = tmp_path / "copia.tar.gz"
    call_command("salvar_copia", str(copia))
    ambiente = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": _banco_novo(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media-nova"),
    }

    def rodar(*argumentos) -> str:
        feito = subprocess.run(  # noqa: S603 (this interpreter, the test's own arguments)
            [sys.executable, *argumentos],
            cwd=conf.BASE_DIR,
            env=ambiente,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert feito.returncode == 0, feito.stderr[-3000:]
        return feito.stdout

    rodar("manage.py", "migrate", "--noinput", "--verbosity", "0")
    rodar("manage.py", "restaurar_copia", str(copia))
    depois = json.loads(rodar("-m", "tests.operacao.impressao_digital", json.dumps(urls)))

    assert depois["tabelas"] == antes["tabelas"]
    assert {url: depois["urls"][url] for url in identicos} == {
        url: antes["urls"][url] for url in identicos
    }
    assert {url: depois["urls"][url][0] for url in urls} == dict.fromkeys(urls, 200)

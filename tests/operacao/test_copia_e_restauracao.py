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

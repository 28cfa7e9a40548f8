"""The portal's pages behind the login are valid HTML too (Nu Html Checker)."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from monitoramento.models import Atualizacao
from tests import factories
from tests.test_html_valido import validar

from .conftest import dados_do_relato


def test_paginas_do_portal_sao_html_valido(
    client, parceiro_pf, pf, atividade_pf, ciclo, validador, tmp_path
):
    from plano.models import Atividade

    devolvida = factories.criar_atualizacao(
        atividade=Atividade.objects.get(codigo="1.1.1"),
        instituicao=pf,
        ciclo=ciclo,
        autor=parceiro_pf,
        estado=Atualizacao.Estado.DEVOLVIDA,
        comentario_validacao="Falta a evidência.\nE as datas.",
    )
    factories.criar_evidencia(
        atualizacao=devolvida, url="", arquivo=SimpleUploadedFile("a.pdf", b"%PDF-1.4")
    )
    client.force_login(parceiro_pf)
    paginas = {}
    for url in [
        "/portal/",
        "/portal/senha/",
        "/portal/atividades/1.1.1/",
        "/portal/atividades/1.1.1/relatar/",
        "/portal/atividades/2.1.1/relatar/",
    ]:
        resposta = client.get(url)
        assert resposta.status_code == 200, url
        paginas[url] = resposta.content.decode()
    # The form with every kind of error message.
    resposta = client.post(
        "/portal/atividades/2.1.1/relatar/",
        dados_do_relato(situacao="concluida", percentual=5, realizado=""),
    )
    paginas["erros"] = resposta.content.decode()
    erros = validar(paginas, tmp_path)
    assert erros == [], json.dumps(erros, ensure_ascii=False, indent=1)

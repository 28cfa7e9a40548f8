"""/sobre/, /acessibilidade/, /privacidade/ and the error pages."""

import html as html_lib
import re
import struct
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory

from paecm.views import erro_do_servidor, pagina_nao_encontrada
from paginas.views import textos_do_plano
from plano.models import Atividade


def paragrafos_exibidos():
    for secao in textos_do_plano():
        for bloco in secao["blocos"]:
            yield from bloco.get("lista", [bloco.get("paragrafo")])


def test_sobre_reproduz_os_textos_do_ministerio_sem_alteracoes(client, plano, seed_text):
    pagina = html_lib.unescape(client.get("/sobre/").content.decode())
    textos = list(paragrafos_exibidos())
    assert len(textos) == 14  # 10 paragraphs and the 4 specific objectives
    for texto in textos:
        assert texto in seed_text, texto
        assert texto in pagina, texto
    titulos = [secao["titulo"] for secao in textos_do_plano()]
    assert titulos == [
        "Introdução",
        "Metodologia",
        "Objetivos",
        "Estruturação do plano",
        "Implementação",
    ]
    # The "em construção" placeholders of the source page are not reproduced.
    assert "FOTO" not in pagina and "(em construção)" not in pagina


def test_sobre_cita_fonte_e_licenca(client, plano):
    html = client.get("/sobre/").content.decode()
    assert f'<a href="{plano.url_fonte}">' in html
    assert "publicada em 22/11/2024" in html
    assert plano.licenca in html


def test_acessibilidade_explica_atalhos_contraste_e_como_relatar_barreira(client, db):
    html = client.get("/acessibilidade/").content.decode()
    for tecla, destino in [("1", "conteúdo"), ("2", "menu"), ("3", "busca"), ("4", "rodapé")]:
        assert f'<tr><th scope="row">{tecla}</th><td>' in html
        assert destino in html
    assert "Alto contraste" in html
    assert "WCAG) 2.2, nível AA" in html
    assert "Encontrou uma barreira?" in html


def test_privacidade_diz_o_que_e_coletado_e_por_que(client, db):
    html = client.get("/privacidade/").content.decode()
    for dado in [
        "nome, e-mail",
        "instituição",
        "registros de acesso",
        "relatos que a pessoa escreve",
    ]:
        assert dado in html
    assert "art. 7º, inciso III" in html
    assert "Por quanto tempo" in html
    assert "encarregado" in html


@pytest.mark.parametrize(
    ("url", "titulo"),
    [
        ("/", "Painel: a execução do plano em números · Painel I PAECM"),
        ("/metodologia/", "Metodologia: como os números são calculados · Painel I PAECM"),
        ("/sobre/", "Sobre o plano · Painel I PAECM"),
        ("/acessibilidade/", "Acessibilidade · Painel I PAECM"),
        ("/privacidade/", "Privacidade e proteção de dados · Painel I PAECM"),
    ],
)
def test_cada_pagina_tem_titulo_proprio_um_h1_e_link_canonico(client, plano, url, titulo):
    html = client.get(url).content.decode()
    assert f"<title>{titulo}</title>" in html
    assert html.count("<h1") == 1
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert '<meta property="og:title"' in html
    assert "<main" in html and "<footer" in html and 'aria-label="Menu principal"' in html


def test_cada_pagina_tem_imagem_para_previas_de_link(client, plano):
    html = client.get("/").content.decode()
    url = re.search(r'<meta property="og:image" content="([^"]+)">', html)[1]
    assert url.startswith("http://testserver/static/img/og-painel")
    # The file it points to is a PNG of the size the page declares.
    caminho = finders.find("img/og-painel.png")
    cabecalho = Path(caminho).read_bytes()[:24]
    assert cabecalho[:8] == b"\x89PNG\r\n\x1a\n"
    largura, altura = struct.unpack(">II", cabecalho[16:24])
    assert f'<meta property="og:image:width" content="{largura}">' in html
    assert f'<meta property="og:image:height" content="{altura}">' in html
    assert (largura, altura) == (1200, 630)
    assert '<meta property="og:image:alt" content="Painel de Monitoramento do I PAECM' in html


def test_pagina_inexistente_responde_404_no_layout_do_painel(client, db):
    resposta = client.get("/nao-existe/")
    assert resposta.status_code == 404
    html = resposta.content.decode()
    assert "<title>Página não encontrada · Painel I PAECM</title>" in html
    assert "<code>/nao-existe/</code>" in html
    assert 'aria-label="Menu principal"' in html
    assert 'rel="canonical"' not in html


def test_handler_404_usa_a_pagina_do_painel(rf: RequestFactory, db):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/sumiu/")
    request.user = AnonymousUser()
    resposta = pagina_nao_encontrada(request, Exception("sumiu"))
    assert resposta.status_code == 404
    assert "Página não encontrada" in resposta.content.decode()


def test_handler_500_nao_consulta_o_banco(rf: RequestFactory, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        resposta = erro_do_servidor(rf.get("/quebrou/"))
    assert resposta.status_code == 500
    html = resposta.content.decode()
    assert "<title>Erro no servidor · Painel I PAECM</title>" in html
    assert "<h1>Erro no servidor</h1>" in html
    assert 'aria-label="Menu principal"' in html


def test_erro_numa_pagina_mostra_a_pagina_500(client, plano, monkeypatch):
    import paginas.views

    def quebrar(*args, **kwargs):
        raise RuntimeError("falha simulada")

    monkeypatch.setattr(paginas.views, "resumo_do_plano", quebrar)
    client.raise_request_exception = False
    resposta = client.get("/")
    assert resposta.status_code == 500
    assert "Erro no servidor" in resposta.content.decode()


def test_sobre_lista_alteracoes_de_texto_feitas_apos_a_publicacao(client, plano):
    html = client.get("/sobre/").content.decode()
    assert "O texto do plano não foi alterado desde a publicação." in html
    atividade = Atividade.objects.get(codigo="2.2.2")
    atividade.texto = "Texto corrigido pela CGETP após a publicação."
    atividade.save()
    html = client.get("/sobre/").content.decode()
    assert "Alterações no texto do plano após a publicação" in html
    linha = html.split("<td>2.2.2</td>")[1].split("</tr>")[0]
    assert "Promover reuniões com a ANTT" in linha
    assert "Texto corrigido pela CGETP após a publicação." in linha

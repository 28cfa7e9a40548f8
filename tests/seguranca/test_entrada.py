"""What every request passes before a view (paecm.entrada): methods, headers,
hostile bytes, body limits and the cross-origin headers of the open data."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.monitoramento.conftest import dados_do_relato

pytestmark = pytest.mark.django_db

DADOS_ABERTOS = [
    "/api/v1/",
    "/api/v1/openapi.json",
    "/api/v1/atividades/",
    "/api/v1/relatos/",
    "/dados/atividades.csv",
    "/dados/datapackage.json",
    "/dados/feeds/relatos/",
]
PORTAL_E_ADMIN = ["/portal/entrar/", "/portal/", "/admin/", "/admin/login/", "/plano/", "/"]


# Point 14: headers and methods -------------------------------------------------


@pytest.mark.parametrize("caminho", ["/", "/plano/", "/api/v1/", "/nao-existe/", "/admin/"])
def test_trace_e_405_em_todo_endereco(client, plano, caminho):
    resposta = client.generic("TRACE", caminho)
    assert resposta.status_code == 405
    assert "TRACE" not in resposta["Allow"]


def test_trace_e_405_num_arquivo_estatico(client, settings):
    resposta = client.generic("TRACE", "/static/css/paecm.css")
    assert resposta.status_code == 405


@pytest.mark.parametrize(
    ("caminho", "allow"),
    [
        ("/", "GET, HEAD, OPTIONS"),
        ("/api/v1/relatos/", "GET, HEAD, OPTIONS"),
        ("/portal/entrar/", "GET, HEAD, OPTIONS, POST"),
        ("/portal/sair/", "OPTIONS, POST"),
        ("/portal/atividades/2.1.1/relatar/", "GET, HEAD, OPTIONS, POST"),
        ("/portal/atividades/2.1.1/corrigir/", "OPTIONS, POST"),
        ("/admin/", "GET, HEAD, OPTIONS, POST"),
        ("/admin/monitoramento/atualizacao/fila/", "GET, HEAD, OPTIONS, POST"),
        ("/admin/plano/atividade/1/change/", "GET, HEAD, OPTIONS, POST"),
    ],
)
def test_options_responde_204_com_allow(client, plano, caminho, allow):
    resposta = client.options(caminho)
    assert resposta.status_code == 204
    assert resposta["Allow"] == allow
    assert resposta.content == b""


@pytest.mark.parametrize("metodo", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("caminho", ["/", "/plano/", "/api/v1/atividades/", "/dados/relatos.csv"])
def test_pagina_so_de_leitura_responde_405_a_outros_metodos(plano, caminho, metodo):
    # Without the CSRF check, so a 405 is the view's answer, not the token's.
    resposta = Client(enforce_csrf_checks=False).generic(metodo, caminho)
    assert resposta.status_code == 405
    assert resposta["Allow"] == "GET, HEAD, OPTIONS"


def test_csp_e_x_frame_options_em_arquivo_estatico_e_na_pagina_400(plano, settings):
    # WhiteNoise serves from the finders, as in development (the test run has
    # no collected static root); it reads these settings when a client starts.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    cliente = Client()
    estatico = cliente.get("/static/css/paecm.css")
    assert estatico.status_code == 200
    assert type(estatico).__name__ == "WhiteNoiseFileResponse"
    invalido = cliente.get("/plano/?q=%00")
    assert invalido.status_code == 400
    for resposta in (estatico, invalido):
        assert resposta["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in resposta["Content-Security-Policy"]


def test_csp_na_resposta_de_host_invalido(client, plano):
    resposta = client.get("/", headers={"host": "malicioso.example"})
    assert resposta.status_code == 400
    assert resposta["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in resposta["Content-Security-Policy"]


# Point 9: NUL bytes and undecodable parameters ---------------------------------


@pytest.mark.parametrize(
    "endereco",
    [
        "/api/v1/relatos/?ciclo=%00",
        "/api/v1/relatos/?ciclo=%FF",
        "/api/v1/atividades/?%00=1",
        "/plano/?q=%C3%28",
        "/dados/relatos.csv?ciclo=a%00b",
        "/portal/atividades/%00/",
        "/dados/feeds/relatos/objetivo/%00/",
        "/parceiros/?q=%00",
    ],
)
def test_nul_e_bytes_que_nao_sao_utf8_respondem_400_ou_404(client, plano, endereco):
    resposta = client.get(endereco)
    assert resposta.status_code in (400, 404)


def test_autocomplete_do_admin_com_nul(client, plano, equipe):
    client.force_login(equipe)
    resposta = client.get(
        "/admin/autocomplete/?term=%00&app_label=plano&model_name=vinculo&field_name=instituicao"
    )
    assert resposta.status_code == 400


def test_api_responde_400_em_json(client, plano):
    resposta = client.get("/api/v1/relatos/?ciclo=%00")
    assert resposta.status_code == 400
    corpo = resposta.json()
    assert "ciclo" in corpo["erro"]
    assert set(corpo["parametros"]) == {"ciclo"}


def test_pagina_400_e_clara(client, plano):
    resposta = client.get("/plano/?situacao=%00")
    assert resposta.status_code == 400
    assert "Pedido inválido" in resposta.content.decode()


# Point 5: body limits ------------------------------------------------------------


def test_corpo_grande_anonimo_e_recusado_com_413_sem_ser_lido(client, settings, plano):
    class NaoLeia(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

    resposta = client.generic(
        "POST",
        "/portal/entrar/",
        b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(1024**3),
        **{"wsgi.input": NaoLeia()},
    )
    assert resposta.status_code == 413
    assert "Envio grande demais" in resposta.content.decode()
    assert "64 KB" in resposta.content.decode()


def test_login_anonimo_normal_passa(client, plano, parceiro_pf):
    resposta = client.post(
        "/portal/entrar/", {"username": "parceiro.pf", "password": "senha-de-teste-123"}
    )
    assert resposta.status_code in (200, 302)


def test_limite_anonimo_muito_menor_que_o_do_parceiro(settings):
    assert settings.CORPO_MAXIMO_ANONIMO * 1000 < settings.CORPO_MAXIMO


def test_limite_do_parceiro_cabe_o_maior_envio_legitimo(settings):
    from monitoramento.forms import TAMANHO_MAXIMO, EvidenciaFormSet

    assert EvidenciaFormSet.max_num * TAMANHO_MAXIMO <= settings.CORPO_MAXIMO


def _relato_com_arquivo(tamanho: int) -> dict:
    dados = dados_do_relato()
    arquivo = io.BytesIO(b"%PDF-1.4\n" + b"0" * tamanho)
    arquivo.name = "grande.pdf"
    dados.update(
        {
            "evidencias-0-titulo": "Grande",
            "evidencias-0-tipo": "documento",
            "evidencias-0-arquivo": arquivo,
        }
    )
    return dados


def test_envio_do_parceiro_acima_do_limite_e_413(
    client, settings, parceiro_pf, ciclo, atividade_pf
):
    settings.CORPO_MAXIMO = 200 * 1024
    client.force_login(parceiro_pf)
    resposta = client.post(
        reverse("monitoramento:relatar", args=["2.1.1"]), _relato_com_arquivo(300 * 1024)
    )
    assert resposta.status_code == 413
    assert "200 KB" in resposta.content.decode()
    assert not atividade_pf.atualizacoes.exists()


def test_upload_handler_para_no_limite_enquanto_o_corpo_chega(rf, settings, parceiro_pf):
    """The handler stops a multipart body at the limit while parsing it, and
    the 400 handler turns that into the 413 page."""
    from paecm.entrada import CorpoGrandeDemais, LimiteDoCorpo
    from paecm.views import pedido_invalido

    settings.CORPO_MAXIMO = 200 * 1024
    request = rf.post("/portal/atividades/2.1.1/relatar/", _relato_com_arquivo(300 * 1024))
    request.user = parceiro_pf
    request.upload_handlers = [LimiteDoCorpo(request)]
    with pytest.raises(CorpoGrandeDemais) as erro:
        request.POST  # noqa: B018 - parsing is what is tested
    assert pedido_invalido(request, erro.value).status_code == 413

    manipulador = LimiteDoCorpo(request)
    manipulador.handle_raw_input(None, {}, 100, b"limite")
    assert manipulador.receive_data_chunk(b"0" * 1024, 0)
    with pytest.raises(CorpoGrandeDemais):
        manipulador.receive_data_chunk(b"0" * settings.CORPO_MAXIMO, 1024)


# #13 point 3: CORS on public data --------------------------------------------------


@pytest.mark.parametrize("caminho", DADOS_ABERTOS)
def test_cors_nos_dados_abertos(client, plano, caminho):
    resposta = client.get(caminho)
    assert resposta.status_code == 200
    assert resposta["Access-Control-Allow-Origin"] == "*"
    assert resposta["Access-Control-Expose-Headers"] == "ETag, Last-Modified"


def test_cors_tambem_na_resposta_304_e_no_erro(client, plano):
    etag = client.get("/api/v1/atividades/")["ETag"]
    resposta = client.get("/api/v1/atividades/", headers={"if-none-match": etag})
    assert resposta.status_code == 304
    assert resposta["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("caminho", DADOS_ABERTOS)
def test_preflight_dos_dados_abertos(client, plano, caminho):
    resposta = client.options(
        caminho,
        headers={
            "origin": "https://app.example",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )
    assert resposta.status_code == 204
    assert resposta["Access-Control-Allow-Origin"] == "*"
    assert "GET" in resposta["Access-Control-Allow-Methods"]
    assert "If-None-Match" in resposta["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("caminho", PORTAL_E_ADMIN)
def test_sem_cors_no_portal_no_admin_e_nas_paginas(client, plano, caminho):
    for resposta in (client.get(caminho), client.options(caminho)):
        assert "Access-Control-Allow-Origin" not in resposta

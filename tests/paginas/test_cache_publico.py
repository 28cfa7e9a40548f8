"""The full-response cache of anonymous public GETs (paecm.cache_publico): a hit
spends no query and keeps every header; nothing stale after any public change,
midnight or a deploy; nothing private is ever served from it or made cacheable."""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoramento.models import Atualizacao
from monitoramento.services import enviar_relato, publicar_relato
from paecm import cache_publico
from plano.indicadores import Situacao
from plano.models import Atividade, Objetivo
from tests import factories
from tests.wsgi import ambiente

LOCAL = ZoneInfo("America/Sao_Paulo")


class Resposta:
    def __init__(self, status, cabecalhos, corpo):
        self.status = int(status.split()[0])
        self.cabecalhos = cabecalhos
        self.corpo = corpo
        self.texto = corpo.decode("utf-8", "replace")

    def __getitem__(self, nome):
        valores = [v for k, v in self.cabecalhos if k.lower() == nome.lower()]
        if not valores:
            raise KeyError(nome)
        return valores[-1]

    def get(self, nome, padrao=None):
        try:
            return self[nome]
        except KeyError:
            return padrao


class Servidor:
    """paecm.wsgi's application, called as a WSGI server would."""

    def __init__(self):
        self.aplicacao = cache_publico.CachePublico(WSGIHandler())

    def get(self, caminho, *, metodo="GET", consultas=None, **cabecalhos):
        environ = ambiente(caminho, metodo=metodo, **cabecalhos)
        capturado = {}

        def start_response(status, headers, exc_info=None):
            capturado["status"], capturado["cabecalhos"] = status, list(headers)

        # As Django's test client does, on each request (the client connects
        # them again after each of its own): the test's transaction must
        # survive a request, and on PostgreSQL close_old_connections closes a
        # connection inside a transaction at the start and end of a request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            resultado = self.aplicacao(environ, start_response)
            try:
                corpo = b"".join(resultado)
            finally:
                if hasattr(resultado, "close"):
                    resultado.close()
        finally:
            request_finished.connect(close_old_connections)
            request_started.connect(close_old_connections)
        return Resposta(capturado["status"], capturado["cabecalhos"], corpo)

    def sem_consultas(self, caminho, **cabecalhos):
        """A request that must be a hit: not one query."""
        with CaptureQueriesContext(connection) as consultas:
            resposta = self.get(caminho, **cabecalhos)
        assert len(consultas) == 0, [q["sql"] for q in consultas]
        return resposta


@pytest.fixture
def servidor(settings):
    cache_publico.memoria.limpar()
    cache_publico.versao.__init__()
    # The database's version is read at most this often: every test below
    # would pass without the shared token if it were read on each request.
    settings.CACHE_PUBLICO_BANCO_SEGUNDOS = 3600
    yield Servidor()
    cache_publico.memoria.limpar()


def aquecer(servidor, caminho):
    primeira = servidor.get(caminho)
    assert primeira.status == 200
    segunda = servidor.sem_consultas(caminho)
    assert segunda.corpo == primeira.corpo
    return segunda


CABECALHOS_DE_SEGURANCA = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.mark.parametrize(
    "caminho",
    [
        "/",
        "/plano/",
        "/plano/1.1.1/",
        "/parceiros/",
        "/metodologia/",
        "/dados/",
        "/dados/atividades.csv",
        "/dados/atividades.xlsx",
        "/dados/dados-abertos.zip",
        "/api/v1/atividades/",
        "/dados/feeds/relatos/",
    ],
)
def test_acerto_nao_consulta_o_banco_e_mantem_todos_os_cabecalhos(servidor, plano, caminho):
    primeira = servidor.get(caminho)
    assert primeira.status == 200
    acerto = servidor.sem_consultas(caminho)
    assert acerto.corpo == primeira.corpo
    for nome in CABECALHOS_DE_SEGURANCA:
        if primeira.get(nome) is not None:
            assert acerto[nome] == primeira[nome]
    assert acerto["Content-Security-Policy"].startswith("default-src 'self'")
    assert acerto["X-Frame-Options"] == "DENY"
    assert acerto["X-Content-Type-Options"] == "nosniff"
    assert acerto["ETag"] == primeira["ETag"]
    assert acerto.get("Last-Modified")
    assert acerto["Cache-Control"].startswith("public, max-age=0, s-maxage=")


def test_acerto_leva_o_id_do_proprio_pedido(servidor, plano):
    """A hit answers with this request's X-Request-ID (the proxy's, or a new
    one), never the one of the miss that stored the page: logs stay joinable."""
    primeira = servidor.get("/plano/", x_request_id="pedido-da-falta-1")
    assert primeira["X-Request-ID"] == "pedido-da-falta-1"
    acerto = servidor.sem_consultas("/plano/", x_request_id="pedido-do-acerto-2")
    assert acerto["X-Request-ID"] == "pedido-do-acerto-2"
    sem_id = [servidor.sem_consultas("/plano/")["X-Request-ID"] for _ in range(2)]
    assert len(set(sem_id)) == 2 and "pedido-da-falta-1" not in sem_id
    assert all(len(i) == 32 for i in sem_id)
    assert [v for k, v in acerto.cabecalhos if k.lower() == "x-request-id"] == [
        "pedido-do-acerto-2"
    ]


def test_dados_abertos_em_cache_mantem_cors(servidor, plano):
    primeira = servidor.get("/dados/atividades.json", origin="https://outro.example")
    acerto = servidor.sem_consultas("/dados/atividades.json", origin="https://outro.example")
    assert primeira["Access-Control-Allow-Origin"] == "*"
    assert acerto["Access-Control-Allow-Origin"] == "*"
    assert acerto["Access-Control-Expose-Headers"] == primeira["Access-Control-Expose-Headers"]


def test_consulta_normalizada_e_cada_filtro_com_sua_entrada(servidor, plano):
    a = servidor.get("/plano/?busca=fronteira&situacao=nao_iniciada")
    # Same parameters in another order: the same entry, no query.
    b = servidor.sem_consultas("/plano/?situacao=nao_iniciada&busca=fronteira")
    assert a.corpo == b.corpo
    outro = servidor.get("/plano/?busca=migrante")
    assert outro.corpo != a.corpo


def test_etag_e_304_em_toda_pagina_publica(servidor, plano):
    resposta = aquecer(servidor, "/plano/")
    nao_modificada = servidor.sem_consultas("/plano/", if_none_match=resposta["ETag"])
    assert nao_modificada.status == 304 and nao_modificada.corpo == b""
    assert nao_modificada["ETag"] == resposta["ETag"]
    assert nao_modificada["Content-Security-Policy"] == resposta["Content-Security-Policy"]
    desde = servidor.sem_consultas("/plano/", if_modified_since=resposta["Last-Modified"])
    assert desde.status == 304
    outra = servidor.get("/plano/", if_none_match='"outra"')
    assert outra.status == 200 and outra.corpo == resposta.corpo
    cabeca = servidor.sem_consultas("/plano/", metodo="HEAD")
    assert cabeca.status == 200 and cabeca.corpo == b"" and cabeca["ETag"] == resposta["ETag"]


def test_cache_control_nunca_passa_da_meia_noite_local():
    cedo = datetime(2026, 3, 10, 12, 0, tzinfo=LOCAL)
    assert cache_publico.cache_control_publico(cedo) == (
        "public, max-age=0, s-maxage=60, stale-while-revalidate=60"
    )
    quase = datetime(2026, 3, 10, 23, 59, 30, tzinfo=LOCAL)
    assert cache_publico.cache_control_publico(quase) == "public, max-age=0, s-maxage=30"
    noventa = datetime(2026, 3, 10, 23, 58, 30, tzinfo=LOCAL)
    assert cache_publico.cache_control_publico(noventa) == (
        "public, max-age=0, s-maxage=60, stale-while-revalidate=30"
    )


def test_paginas_html_variam_por_cookie(servidor, plano):
    resposta = aquecer(servidor, "/plano/")
    assert "cookie" in resposta["Vary"].lower()


# --- never private ---------------------------------------------------------------------------


def test_sessao_nunca_recebe_a_copia_anonima_nem_a_deixa_em_cache(servidor, client, parceiro_pf):
    anonima = aquecer(servidor, "/plano/")
    assert "Entrar" in anonima.texto
    client.force_login(parceiro_pf)
    sessao = client.cookies["sessionid"].value
    logado = servidor.get("/plano/", cookie=f"sessionid={sessao}")
    assert parceiro_pf.get_short_name() in logado.texto or parceiro_pf.username in logado.texto
    assert "Entrar</span>" not in logado.texto
    assert logado["Cache-Control"] == "private, no-cache"
    # And the anonymous copy is still the anonymous one.
    assert parceiro_pf.username not in servidor.sem_consultas("/plano/").texto


def test_resposta_com_token_csrf_nunca_e_guardada(servidor, plano):
    servidor.get("/portal/entrar/")
    login = servidor.get("/portal/entrar/")
    assert "csrfmiddlewaretoken" in login.texto
    assert len(cache_publico.memoria) == 0
    assert not cache_publico.guardavel(
        "200 OK", [("Content-Type", "text/html")], b'<input name="csrfmiddlewaretoken">'
    )
    assert not cache_publico.guardavel(
        "200 OK", [("Content-Type", "text/html"), ("Set-Cookie", "csrftoken=x")], b"ok"
    )


def test_erros_nunca_sao_guardados(servidor, plano):
    assert servidor.get("/plano/9.9.9/").status == 404
    assert servidor.get("/api/v1/atividades/?situacao=xyz").status == 400
    assert len(cache_publico.memoria) == 0


# --- no stale content ---------------------------------------------------------------------------


def test_publicacao_aparece_na_hora(
    servidor, plano, pf, parceiro_pf, validador, django_capture_on_commit_callbacks
):
    atividade = Atividade.objects.get(codigo="1.1.1")
    ciclo = factories.criar_ciclo(plano=plano, aberto=True)
    aquecer(servidor, "/plano/1.1.1/")
    with django_capture_on_commit_callbacks(execute=True):
        relato = factories.criar_atualizacao(
            atividade=atividade,
            instituicao=pf,
            ciclo=ciclo,
            autor=parceiro_pf,
            realizado="Oficina regional realizada em Foz do Iguaçu.",
        )
    # A draft is not public: still the cached page.
    assert "Foz do Iguaçu" not in servidor.get("/plano/1.1.1/").texto
    factories.criar_evidencia(atualizacao=relato)
    with django_capture_on_commit_callbacks(execute=True):
        enviar_relato(atualizacao=relato, usuario=parceiro_pf)
        publicar_relato(atualizacao=relato, validador=validador)
    assert Atualizacao.objects.publicadas().filter(pk=relato.pk).exists()
    assert "Foz do Iguaçu" in servidor.get("/plano/1.1.1/").texto


def test_edicao_no_admin_aparece_na_hora(
    servidor, client, plano, equipe, django_capture_on_commit_callbacks
):
    objetivo = Objetivo.objects.get(codigo="1")
    aquecer(servidor, "/plano/1/")
    client.force_login(equipe)
    pagina = client.get(f"/admin/plano/objetivo/{objetivo.pk}/change/")
    form = pagina.context["adminform"].form
    dados = {nome: form[nome].value() for nome in form.fields if form[nome].value() is not None}
    dados["texto"] = "Objetivo reescrito pela CGETP no admin."
    for formset in pagina.context["inline_admin_formsets"]:
        gestao = formset.formset.management_form
        dados.update({gestao.add_prefix(n): gestao[n].value() for n in gestao.fields})
        for sub in formset.formset.forms:
            dados.update(
                {
                    sub.add_prefix(n): sub[n].value()
                    for n in sub.fields
                    if sub[n].value() is not None
                }
            )
    with django_capture_on_commit_callbacks(execute=True):
        resposta = client.post(f"/admin/plano/objetivo/{objetivo.pk}/change/", dados)
    assert resposta.status_code == 302, resposta.content.decode()[:2000]
    assert "/admin/plano/objetivo/" in resposta["Location"], resposta["Location"]
    assert "Objetivo reescrito pela CGETP no admin." in servidor.get("/plano/1/").texto


def test_mudanca_de_prazo_aparece_na_hora(servidor, plano, django_capture_on_commit_callbacks):
    atividade = Atividade.objects.get(codigo="1.1.1")
    aquecer(servidor, "/plano/1.1.1/")
    with django_capture_on_commit_callbacks(execute=True):
        atividade.prazo = date(2031, 12, 15)
        atividade.save()
    assert "15/12/2031" in servidor.get("/plano/1.1.1/").texto


def test_importacao_aparece_na_hora(
    servidor, client, plano, equipe, django_capture_on_commit_callbacks
):
    from tests.admin.conftest import importar, planilha_xlsx
    from tests.admin.test_importacao import linha, linhas_exportadas

    aquecer(servidor, "/plano/1.1.4/")
    client.force_login(equipe)
    linhas = linhas_exportadas(client, plano)
    linha(linhas, "1.1.4")[1] = "Texto importado pela CGETP."
    with django_capture_on_commit_callbacks(execute=True):
        importar(client, plano, planilha_xlsx(linhas))
    assert "Texto importado pela CGETP." in servidor.get("/plano/1.1.4/").texto


def test_meia_noite_muda_a_pagina(servidor, plano, monkeypatch):
    hoje = date(2026, 3, 10)
    Atividade.objects.filter(codigo="1.1.1").update(
        prazo=hoje, situacao=Situacao.EM_ANDAMENTO, percentual=30
    )
    cache_publico.versao.__init__()
    agora = {"valor": datetime(2026, 3, 10, 23, 59, 50, tzinfo=LOCAL)}
    monkeypatch.setattr(timezone, "now", lambda: agora["valor"])
    antes = aquecer(servidor, "/plano/1.1.1/")
    assert "situacao-atrasada" not in antes.texto
    agora["valor"] = datetime(2026, 3, 11, 0, 0, 10, tzinfo=LOCAL)
    assert '<span class="situacao situacao-atrasada">Atrasada</span>' in (
        servidor.get("/plano/1.1.1/").texto
    )


def test_deploy_nunca_serve_html_do_codigo_antigo(servidor, plano, settings, monkeypatch):
    antes = aquecer(servidor, "/sobre/")
    assert "Código novo" not in antes.texto
    import paginas.views

    monkeypatch.setattr(paginas.views, "render", lambda *a, **k: HttpResponse("<p>Código novo</p>"))
    # The same process, same data: still the old rendering until the build changes.
    assert servidor.sem_consultas("/sobre/").corpo == antes.corpo
    settings.BUILD_ID = "outro-build"
    depois = servidor.get("/sobre/")
    assert "Código novo" in depois.texto
    assert depois["ETag"] != antes["ETag"]


def test_token_perdido_pelo_redis_nunca_volta_a_um_valor_antigo(servidor, plano):
    from django.core.cache import cache

    aquecer(servidor, "/plano/")
    primeiro = cache.get(cache_publico.CHAVE_DO_TOKEN)
    cache.clear()  # Redis restarted: it keeps nothing on disk
    cache_publico.versao._token_lido = -1e9
    servidor.get("/plano/")
    segundo = cache.get(cache_publico.CHAVE_DO_TOKEN)
    assert segundo and segundo != primeiro


def test_mudanca_sem_sinal_aparece_pela_versao_do_banco(servidor, plano, settings):
    """A process that cannot reach the shared token (a command on another
    host): the database's version, read at most every N seconds, catches it."""
    aquecer(servidor, "/plano/1/")
    objetivo = Objetivo.objects.get(codigo="1")
    objetivo.texto = "Mudado por outro processo."
    objetivo.save()  # the test's transaction never commits: no token bump
    assert "Mudado por outro processo." not in servidor.get("/plano/1/").texto
    cache_publico.versao._banco_lido -= 3601
    assert "Mudado por outro processo." in servidor.get("/plano/1/").texto


def test_tamanho_limitado_em_bytes(settings):
    settings.CACHE_PUBLICO_BYTES = 8 * 1000
    memoria = cache_publico.Memoria()
    for i in range(20):
        memoria.guardar(str(i), cache_publico.Entrada("200 OK", [], b"x" * 900, '"e"', "x"))
    assert memoria.bytes <= 8000
    assert memoria.obter("19") is not None and memoria.obter("0") is None


def test_sem_cache_url_producao_nao_inicia(tmp_path):
    import os
    import subprocess
    import sys

    ambiente = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_URL"))}
    ambiente.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="painel.example.gov.br",
        SITE_URL="https://painel.example.gov.br",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        EMAIL_URL="smtp://a:b@smtp.example.gov.br:587",
    )
    resultado = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=ambiente,
        capture_output=True,
        text=True,
        cwd=str(__import__("django.conf").conf.settings.BASE_DIR),
        check=False,
    )
    assert resultado.returncode != 0
    assert "CACHE_URL must be set when DJANGO_DEBUG is false." in resultado.stderr
    ambiente["CACHE_URL"] = "redis://127.0.0.1:6379/8"
    ok = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=ambiente,
        capture_output=True,
        text=True,
        cwd=str(__import__("django.conf").conf.settings.BASE_DIR),
        check=False,
    )
    assert ok.returncode == 0, ok.stderr


class AplicacaoRetida:
    """A WSGI application that holds every request until released, and
    counts them: a cold render that takes its time, as the painel's does."""

    def __init__(self, *cabecalhos):
        self.cabecalhos = [("Content-Type", "text/html; charset=utf-8"), *cabecalhos]
        self.chamadas = 0
        self.entrou = threading.Event()
        self.liberar = threading.Event()
        self._trava = threading.Lock()

    def __call__(self, environ, start_response):
        with self._trava:
            self.chamadas += 1
            numero = self.chamadas
        self.entrou.set()
        assert self.liberar.wait(30)
        start_response("200 OK", list(self.cabecalhos))
        return [f"<p>renderização {numero} de {environ['PATH_INFO']}</p>".encode()]


def pedidos_simultaneos(aplicacao, caminhos) -> list[Resposta]:
    """GET each path, each in a thread, while `aplicacao` holds the first:
    the others start once it is rendering; returns once all answered."""
    cache = cache_publico.CachePublico(aplicacao)
    respostas = {}

    def pedir(i, caminho):
        capturado = {}

        def start_response(status, cabecalhos, exc_info=None):
            capturado["status"], capturado["cabecalhos"] = status, list(cabecalhos)

        corpo = b"".join(cache(ambiente(caminho), start_response))
        respostas[i] = Resposta(capturado["status"], capturado["cabecalhos"], corpo)

    threads = [threading.Thread(target=pedir, args=par) for par in enumerate(caminhos)]
    threads[0].start()
    assert aplicacao.entrou.wait(10)
    for thread in threads[1:]:
        thread.start()
    return threads, respostas


def esperar_que(condicao) -> None:
    """Until `condicao()` holds (a guard against a hang, not a time assertion)."""
    for _ in range(1000):
        if condicao():
            return
        threading.Event().wait(0.01)
    raise AssertionError("a condição não chegou a valer")


@pytest.fixture
def versao_lida(servidor, plano):
    # The version read once here: the threads below never touch the database.
    cache_publico.versao.atual()


def test_pedidos_simultaneos_da_mesma_pagina_custam_uma_renderizacao(versao_lida):
    aplicacao = AplicacaoRetida()
    threads, respostas = pedidos_simultaneos(aplicacao, ["/"] * 5)
    esperar_que(lambda: cache_publico.geracoes.esperando == 4)
    assert aplicacao.chamadas == 1
    aplicacao.liberar.set()
    for thread in threads:
        thread.join(10)
    assert aplicacao.chamadas == 1
    assert sorted(respostas) == [0, 1, 2, 3, 4]
    assert {r.status for r in respostas.values()} == {200}
    assert {r.texto for r in respostas.values()} == {"<p>renderização 1 de /</p>"}


def test_quem_espera_uma_resposta_que_nao_se_guarda_renderiza_a_sua(versao_lida):
    # A response setting a cookie is never shared: each waiting request gets its own.
    aplicacao = AplicacaoRetida(("Set-Cookie", "preferencia=1"))
    threads, respostas = pedidos_simultaneos(aplicacao, ["/"] * 3)
    esperar_que(lambda: cache_publico.geracoes.esperando == 2)
    aplicacao.liberar.set()
    for thread in threads:
        thread.join(10)
    assert aplicacao.chamadas == 3
    assert len({r.texto for r in respostas.values()}) == 3


def test_paginas_diferentes_nao_esperam_uma_pela_outra(versao_lida):
    aplicacao = AplicacaoRetida()
    threads, respostas = pedidos_simultaneos(aplicacao, ["/", "/plano/"])
    # Both render at once, while the first is still held.
    esperar_que(lambda: aplicacao.chamadas == 2)
    assert cache_publico.geracoes.esperando == 0
    aplicacao.liberar.set()
    for thread in threads:
        thread.join(10)
    assert {r.texto for r in respostas.values()} == {
        "<p>renderização 1 de /</p>",
        "<p>renderização 2 de /plano/</p>",
    }

"""The full-response cache of anonymous public GETs, outside Django's stack.

`CachePublico` wraps the WSGI application (paecm.wsgi): a hit is a lookup in
this process's memory and a replay of the stored status, headers and body, so
it costs less than whitenoise does inside the middleware stack. The stored
headers are the ones the whole stack set on the miss (CSP, HSTS, nosniff,
X-Frame-Options, Referrer-Policy, CORS, ETag), so a hit carries every one,
but X-Request-ID, which is each request's own (operacao.registro).

The key (`chave`) covers the build (settings.BUILD_ID), the public plan, the
scheme and host, the path, the normalised query, the public data version
(`Versao`) and today's date in America/Sao_Paulo (lateness changes at
midnight). The demo banner follows the version: loading or removing the demo
changes public rows.

Never used for: methods other than GET/HEAD, requests carrying a session,
messages or Authorization, paths under CACHE_PUBLICO_EXCLUIDOS; never stored:
anything but a 200, a response that sets a cookie, is private/no-store, or
holds a CSRF token or a CSP nonce. Design and staleness bound: ADR 0005.
"""

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe

from operacao.registro import identificador_do_pedido

CHAVE_DO_TOKEN = "paecm:versao-publica"  # noqa: S105 - a cache key, not a secret
# Models whose changes never reach a public page (accounts: no user names in
# public; their last_login moves on every login).
SEM_EFEITO_PUBLICO = frozenset({"parceiros.usuario", "parceiros.historicalusuario"})


def _config(nome: str, padrao):
    return getattr(settings, nome, padrao)


# --- the public data version ---------------------------------------------------------------


def versao_do_banco() -> str:
    """The data version recorded in the database (dados.versao: one query)
    plus whether the demo is loaded (the banner on every page)."""
    from django.http import Http404

    from dados.versao import plano_com_versao
    from parceiros.demo import demo_carregada

    try:
        plano = plano_com_versao()
    except Http404:
        return "sem-plano"
    alteracao = plano.ultima_alteracao.isoformat() if plano.ultima_alteracao else "-"
    return f"{plano.pk}:{alteracao}:{int(demo_carregada())}"


class Versao:
    """The public data version as this process sees it, with no query per
    request: the shared token (a random value in the default cache, Redis in
    production, replaced on commit by every public change) is read at most
    every CACHE_PUBLICO_TOKEN_SEGUNDOS, the database's version at most every
    CACHE_PUBLICO_BANCO_SEGUNDOS (for writes made where the shared cache is
    not reachable). Random, never a counter: a Redis restart loses the token,
    the next reader draws a new one, and no old key can come back."""

    def __init__(self):
        self._trava = threading.Lock()
        self._token = None
        self._token_lido = -1e9
        self._banco = None
        self._banco_lido = -1e9

    def atual(self) -> str:
        agora = time.monotonic()
        if agora - self._token_lido >= _config("CACHE_PUBLICO_TOKEN_SEGUNDOS", 1):
            token = cache.get(CHAVE_DO_TOKEN)
            if token is None:
                cache.add(CHAVE_DO_TOKEN, uuid.uuid4().hex, None)
                token = cache.get(CHAVE_DO_TOKEN)
            with self._trava:
                self._token, self._token_lido = token, agora
        if agora - self._banco_lido >= _config("CACHE_PUBLICO_BANCO_SEGUNDOS", 30):
            banco = versao_do_banco()
            with self._trava:
                self._banco, self._banco_lido = banco, agora
        return f"{self._token}|{self._banco}"

    def mudou(self) -> None:
        """A public change committed: a new shared token, seen at once here
        and within CACHE_PUBLICO_TOKEN_SEGUNDOS by every other process."""
        token = uuid.uuid4().hex
        cache.set(CHAVE_DO_TOKEN, token, None)
        with self._trava:
            self._token, self._token_lido = token, time.monotonic()
            self._banco_lido = -1e9


versao = Versao()


class _Mudanca:
    """The on-commit callback of one transaction's public changes."""

    def __init__(self):
        self.feita = False

    def __call__(self):
        self.feita = True
        versao.mudou()


def _ao_alterar(sender, **kwargs):
    """post_save/post_delete/m2m_changed of any model of the public apps: a
    new version once the transaction commits (once per transaction)."""
    meta = sender._meta
    if meta.app_label not in _config("CACHE_PUBLICO_APPS", ()):
        return
    if meta.label_lower in SEM_EFEITO_PUBLICO:
        return
    using = kwargs.get("using") or "default"
    conexao = transaction.get_connection(using)
    if conexao.in_atomic_block:
        # Once per transaction (per savepoint: one rolled back drops its own).
        escopo = set(conexao.savepoint_ids)
        for ids, funcao, _robusta in conexao.run_on_commit:
            if isinstance(funcao, _Mudanca) and not funcao.feita and ids == escopo:
                return
    transaction.on_commit(_Mudanca(), using=using)


def conectar_sinais():
    post_save.connect(_ao_alterar, dispatch_uid="cache_publico_save")
    post_delete.connect(_ao_alterar, dispatch_uid="cache_publico_delete")
    m2m_changed.connect(_ao_alterar, dispatch_uid="cache_publico_m2m")


# --- the key ----------------------------------------------------------------------------


def consulta_normalizada(query_string: str) -> str:
    """The query string with its parameters in a stable order (values of a
    repeated parameter keep theirs). Swappable for the canonical-link rule."""
    pares = parse_qsl(query_string, keep_blank_values=True)
    return urlencode(sorted(pares, key=lambda par: par[0]))


def chave(environ, versao_atual: str, hoje) -> str:
    partes = (
        _config("BUILD_ID", ""),
        settings.PLANO_PADRAO,
        environ.get("wsgi.url_scheme", ""),
        environ.get("HTTP_X_FORWARDED_PROTO", ""),
        environ.get("HTTP_HOST", ""),
        environ.get("PATH_INFO", ""),
        consulta_normalizada(environ.get("QUERY_STRING", "")),
        versao_atual,
        hoje.isoformat(),
    )
    return hashlib.sha256("\x1f".join(partes).encode("utf-8", "surrogateescape")).hexdigest()


# --- HTTP caching headers --------------------------------------------------------------------


def segundos_ate_meia_noite(agora: datetime | None = None) -> int:
    local = timezone.localtime(agora)
    meia_noite = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(0, int((meia_noite - local).total_seconds()))


def cache_control_publico(agora: datetime | None = None) -> str:
    """Shared caches may keep a copy for at most CACHE_PUBLICO_S_MAXAGE s and
    serve it stale while revalidating as long again, never past local
    midnight; browsers always revalidate (max-age=0, cheap with the ETag)."""
    restante = segundos_ate_meia_noite(agora)
    s_maxage = min(_config("CACHE_PUBLICO_S_MAXAGE", 60), restante)
    obsoleto = min(_config("CACHE_PUBLICO_S_MAXAGE", 60), restante - s_maxage)
    valor = f"public, max-age=0, s-maxage={s_maxage}"
    if obsoleto > 0:
        valor += f", stale-while-revalidate={obsoleto}"
    return valor


def _etag_corresponde(cabecalho: str, etag: str) -> bool:
    if cabecalho.strip() == "*":
        return True
    fraca = etag.removeprefix("W/")
    return any(item.strip().removeprefix("W/") == fraca for item in cabecalho.split(","))


# --- the store --------------------------------------------------------------------------------


class Entrada:
    __slots__ = ("status", "cabecalhos", "corpo", "etag", "modificado", "criada")

    def __init__(self, status, cabecalhos, corpo, etag, modificado):
        self.status = status
        self.cabecalhos = cabecalhos
        self.corpo = corpo
        self.etag = etag
        self.modificado = modificado
        self.criada = time.monotonic()


class Memoria:
    """Least recently used entries, bounded in bytes, in this process."""

    def __init__(self):
        self._trava = threading.Lock()
        self._entradas: OrderedDict[str, Entrada] = OrderedDict()
        self.bytes = 0

    def obter(self, chave_: str) -> Entrada | None:
        with self._trava:
            entrada = self._entradas.get(chave_)
            if entrada is None:
                return None
            if time.monotonic() - entrada.criada > _config("CACHE_PUBLICO_SEGUNDOS", 300):
                self._remover(chave_)
                return None
            self._entradas.move_to_end(chave_)
            return entrada

    def guardar(self, chave_: str, entrada: Entrada) -> None:
        limite = _config("CACHE_PUBLICO_BYTES", 256 * 2**20)
        tamanho = len(entrada.corpo)
        if tamanho > limite // 8:
            return
        with self._trava:
            if chave_ in self._entradas:
                self._remover(chave_)
            self._entradas[chave_] = entrada
            self.bytes += tamanho
            while self.bytes > limite and self._entradas:
                self._remover(next(iter(self._entradas)))

    def _remover(self, chave_: str) -> None:
        entrada = self._entradas.pop(chave_)
        self.bytes -= len(entrada.corpo)

    def limpar(self) -> None:
        with self._trava:
            self._entradas.clear()
            self.bytes = 0

    def __len__(self):
        return len(self._entradas)


memoria = Memoria()


class Geracoes:
    """The misses being rendered in this process, by key. A request that
    misses while another renders the same key waits for that render (at
    most CACHE_PUBLICO_ESPERA_SEGUNDOS) instead of repeating it: after a
    publication, a crowd on the painel costs one cold render, not one each,
    as nginx's proxy_cache_lock does in front."""

    def __init__(self):
        self._trava = threading.Lock()
        self._em_curso: dict[str, threading.Event] = {}
        self.esperando = 0  # requests waiting now

    def entrar(self, chave_: str) -> threading.Event | None:
        """None when this request renders the key (then `sair` when done);
        otherwise the render in progress, to wait for."""
        with self._trava:
            em_curso = self._em_curso.get(chave_)
            if em_curso is None:
                self._em_curso[chave_] = threading.Event()
            return em_curso

    def esperar(self, em_curso: threading.Event) -> None:
        with self._trava:
            self.esperando += 1
        try:
            em_curso.wait(_config("CACHE_PUBLICO_ESPERA_SEGUNDOS", 10))
        finally:
            with self._trava:
                self.esperando -= 1

    def sair(self, chave_: str) -> None:
        with self._trava:
            em_curso = self._em_curso.pop(chave_)
        em_curso.set()


geracoes = Geracoes()

NAO_GUARDAR = (b"csrfmiddlewaretoken", b"nonce-")
CONDICIONAIS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)


def _cookies_privados() -> tuple[str, ...]:
    return (settings.SESSION_COOKIE_NAME, "messages")


def pedido_publico(environ) -> bool:
    """Whether the request may be answered from (and fill) the cache."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if environ.get("HTTP_AUTHORIZATION"):
        return False
    caminho = environ.get("PATH_INFO", "")
    if any(caminho.startswith(prefixo) for prefixo in _config("CACHE_PUBLICO_EXCLUIDOS", ())):
        return False
    cookies = environ.get("HTTP_COOKIE", "")
    if cookies:
        nomes = {parte.split("=", 1)[0].strip() for parte in cookies.split(";")}
        if nomes.intersection(_cookies_privados()):
            return False
    return True


def _cabecalho(cabecalhos, nome: str) -> str | None:
    nome = nome.lower()
    for chave_, valor in cabecalhos:
        if chave_.lower() == nome:
            return valor
    return None


def _sem(cabecalhos, *nomes: str):
    nomes = {n.lower() for n in nomes}
    return [(k, v) for k, v in cabecalhos if k.lower() not in nomes]


def guardavel(status: str, cabecalhos, corpo: bytes) -> bool:
    if not status.startswith("200"):
        return False
    if _cabecalho(cabecalhos, "Set-Cookie") is not None:
        return False
    controle = (_cabecalho(cabecalhos, "Cache-Control") or "").lower()
    if "private" in controle or "no-store" in controle:
        return False
    tipo = (_cabecalho(cabecalhos, "Content-Type") or "").lower()
    return not ("html" in tipo and any(marca in corpo for marca in NAO_GUARDAR))


class CachePublico:
    """WSGI middleware: see the module's docstring."""

    def __init__(self, aplicacao):
        self.aplicacao = aplicacao

    def __call__(self, environ, start_response):
        if not _config("CACHE_PUBLICO", True) or not pedido_publico(environ):
            return self._privado(environ, start_response)
        try:
            versao_atual = versao.atual()
        except Exception:  # noqa: BLE001 - the cache is an optimisation: serve without it
            close_old_connections()
            return self.aplicacao(environ, start_response)
        hoje = timezone.localdate()
        chave_ = chave(environ, versao_atual, hoje)
        entrada = memoria.obter(chave_)
        if entrada is None:
            if environ["REQUEST_METHOD"] == "HEAD":
                return self._privado(environ, start_response)
            entrada = self._gerar_uma_vez(environ, start_response, chave_)
            if not isinstance(entrada, Entrada):
                return entrada
        return self._responder(environ, start_response, entrada)

    def _gerar_uma_vez(self, environ, start_response, chave_):
        """_gerar, unless the same key is being rendered: then its entry once
        stored. When that render stored nothing (an error, a cookie) or took
        too long, this request renders too, as if alone."""
        em_curso = geracoes.entrar(chave_)
        if em_curso is None:
            try:
                return self._gerar(environ, start_response, chave_)
            finally:
                geracoes.sair(chave_)
        geracoes.esperar(em_curso)
        return memoria.obter(chave_) or self._gerar(environ, start_response, chave_)

    def _privado(self, environ, start_response):
        """Any other request: as the application answers, but a response to
        a session (or one setting a cookie) is never stored by a shared cache."""
        sessao = not pedido_publico(environ) and environ.get("REQUEST_METHOD") in ("GET", "HEAD")

        def iniciar(status, cabecalhos, exc_info=None):
            if (sessao or _cabecalho(cabecalhos, "Set-Cookie")) and not _cabecalho(
                cabecalhos, "Cache-Control"
            ):
                cabecalhos = [*cabecalhos, ("Cache-Control", "private, no-cache")]
            return start_response(status, cabecalhos, exc_info)

        return self.aplicacao(environ, iniciar)

    def _gerar(self, environ, start_response, chave_):
        # Without the server's file wrapper, a FileResponse (xlsx, zip) comes
        # back as an iterable of bytes that can be stored like any other.
        interno = {
            k: v for k, v in environ.items() if k not in CONDICIONAIS and k != "wsgi.file_wrapper"
        }
        capturado = {}

        def iniciar(status, cabecalhos, exc_info=None):
            capturado["status"], capturado["cabecalhos"] = status, cabecalhos
            return lambda dados: None

        resultado = self.aplicacao(interno, iniciar)
        try:
            corpo = b"".join(resultado)
        finally:
            if hasattr(resultado, "close"):
                resultado.close()
        status, cabecalhos = capturado["status"], capturado["cabecalhos"]
        if not guardavel(status, cabecalhos, corpo):
            if _cabecalho(cabecalhos, "Set-Cookie") and not _cabecalho(cabecalhos, "Cache-Control"):
                cabecalhos = [*cabecalhos, ("Cache-Control", "private, no-cache")]
            start_response(status, cabecalhos)
            return [corpo]
        etag = _cabecalho(cabecalhos, "ETag") or (
            '"' + hashlib.sha256(corpo).hexdigest()[:32] + '"'
        )
        modificado = _cabecalho(cabecalhos, "Last-Modified") or http_date()
        cabecalhos = _sem(cabecalhos, "ETag", "Last-Modified", "Cache-Control", "X-Request-ID")
        if "html" in (_cabecalho(cabecalhos, "Content-Type") or ""):
            vary = _cabecalho(cabecalhos, "Vary")
            if vary is None:
                cabecalhos.append(("Vary", "Cookie"))
            elif "cookie" not in vary.lower():
                cabecalhos = [*_sem(cabecalhos, "Vary"), ("Vary", f"{vary}, Cookie")]
        entrada = Entrada(status, cabecalhos, corpo, etag, modificado)
        memoria.guardar(chave_, entrada)
        return entrada

    def _responder(self, environ, start_response, entrada: Entrada):
        cabecalhos = [
            *entrada.cabecalhos,
            ("ETag", entrada.etag),
            ("Last-Modified", entrada.modificado),
            ("Cache-Control", cache_control_publico()),
            # This request's id, never the one of the miss that stored the entry.
            ("X-Request-ID", identificador_do_pedido(environ)),
        ]
        if self._nao_modificado(environ, entrada):
            start_response("304 Not Modified", _sem(cabecalhos, "Content-Length"))
            return [b""]
        start_response(entrada.status, cabecalhos)
        if environ["REQUEST_METHOD"] == "HEAD":
            return [b""]
        return [entrada.corpo]

    @staticmethod
    def _nao_modificado(environ, entrada: Entrada) -> bool:
        se_nao = environ.get("HTTP_IF_NONE_MATCH")
        if se_nao is not None:
            return _etag_corresponde(se_nao, entrada.etag)
        desde = environ.get("HTTP_IF_MODIFIED_SINCE")
        if desde:
            quando, modificado = (
                parse_http_date_safe(desde),
                parse_http_date_safe(entrada.modificado),
            )
            return quando is not None and modificado is not None and modificado <= quando
        return False

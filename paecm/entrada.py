"""What every request passes before any view: methods, hostile bytes, body
size and the cross-origin headers of the open data.

- TRACE (and CONNECT) answer 405 on every URL; OPTIONS answers 204 with the
  `Allow` the view serves; any other method the view does not serve, 405.
  A view declares its methods with comum.http.aceita (default GET/HEAD).
- A path or query string with a NUL byte or bytes that are not UTF-8 answers
  400 before a view, a filter or a form sees it.
- A body over the limit answers 413 as soon as its declared length is known,
  and LimiteDoCorpo stops a multipart upload at the limit as it streams.
  Anonymous requests get a far lower limit (settings.CORPO_MAXIMO_ANONIMO).
- Views marked comum.http.dados_abertos answer cross-origin GETs (CORS).
"""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render

from comum.http import metodos_da_view

NUNCA = frozenset({"TRACE", "CONNECT"})
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
}
CORS_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


class CorpoGrandeDemais(RequestDataTooBig):
    """A body over the request's limit (answered 413 by paecm.views.pedido_invalido)."""


def limite_do_corpo(request) -> int:
    usuario = getattr(request, "user", None)
    if usuario is not None and usuario.is_authenticated:
        return settings.CORPO_MAXIMO
    return settings.CORPO_MAXIMO_ANONIMO


def _valido(bruto: bytes) -> bool:
    """Percent-decoded bytes that are UTF-8 and hold no NUL."""
    if b"\x00" in bruto:
        return False
    try:
        bruto.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _texto(bruto: bytes) -> str:
    return bruto.decode("utf-8", "replace")


def parametros_ilegiveis(environ) -> dict[str, dict] | None:
    """None when the raw path and every query key and value decode to UTF-8
    without NUL; else each bad parameter (empty when only the path is bad),
    in the shape of the API's other 400s (dados.parametros)."""
    # WSGI hands both as latin-1 strings of the raw bytes.
    caminho = environ.get("PATH_INFO", "").encode("latin-1", "replace")
    ruins = {}
    consulta = environ.get("QUERY_STRING", "").encode("latin-1", "replace")
    for par in consulta.split(b"&"):
        chave, _, valor = (unquote_to_bytes(p.replace(b"+", b" ")) for p in par.partition(b"="))
        if not (_valido(chave) and _valido(valor)):
            ruins[_texto(chave)] = {
                "valor": _texto(valor),
                "mensagem": "Tem um caractere nulo ou bytes que não são texto UTF-8.",
            }
    if ruins or not _valido(caminho):
        return ruins
    return None


def nao_permitido(metodos) -> HttpResponseNotAllowed:
    return HttpResponseNotAllowed(sorted(metodos | {"OPTIONS"}))


class Entrada:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in NUNCA:
            return nao_permitido(frozenset({"GET", "HEAD"}))
        response = self.get_response(request)
        if getattr(request, "dados_abertos", False):
            for nome, valor in CORS.items():
                response.headers.setdefault(nome, valor)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        correspondencia = request.resolver_match
        admin = correspondencia is not None and "admin" in correspondencia.namespaces
        metodos = metodos_da_view(view_func, admin=admin)
        request.dados_abertos = getattr(view_func, "dados_abertos", False) and not admin
        if request.method == "OPTIONS":
            resposta = HttpResponse(status=204)
            resposta["Allow"] = ", ".join(sorted(metodos | {"OPTIONS"}))
            if request.dados_abertos:
                for nome, valor in CORS_PREFLIGHT.items():
                    resposta[nome] = valor
            return resposta
        if request.method not in metodos:
            return nao_permitido(metodos)
        ruins = parametros_ilegiveis(request.META)
        if ruins is not None:
            return pedido_ilegivel(request, ruins)
        try:
            tamanho = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return pedido_ilegivel(request, {})
        if tamanho > limite_do_corpo(request):
            return corpo_grande_demais(request)
        if request.method == "POST" and tamanho:
            # A form's fields, parsed here as the CSRF check would: a NUL in
            # any name or value is refused before any form or widget sees it.
            ruins = {
                chave: {"valor": valor.replace("\x00", "\\0"), "mensagem": "Caractere nulo."}
                for chave, valores in request.POST.lists()
                for valor in valores
                if "\x00" in chave or "\x00" in valor
            }
            if ruins:
                return pedido_ilegivel(request, ruins)
        return None


def pedido_ilegivel(request, ruins: dict) -> HttpResponse:
    """400: the page, or for the open data the JSON body of its other 400s."""
    if getattr(request, "dados_abertos", False):
        nomes = ", ".join(sorted(ruins)) or "o endereço"
        corpo = {
            "erro": f"Parâmetros inválidos: {nomes} (caractere nulo ou bytes fora de UTF-8).",
            "parametros": ruins,
        }
        return JsonResponse(corpo, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", status=400)


def corpo_grande_demais(request) -> HttpResponse:
    limite = limite_do_corpo(request)
    texto = f"{limite // 2**20} MB" if limite >= 2**20 else f"{limite // 2**10} KB"
    resposta = render(request, "413.html", {"limite": texto}, status=413)
    # The rest of the body is never read: the connection cannot be reused.
    resposta["Connection"] = "close"
    return resposta


class LimiteDoCorpo(FileUploadHandler):
    """First upload handler: refuses a multipart body over the request's limit,
    before and while it streams (Django never reads past CONTENT_LENGTH)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limite = limite_do_corpo(self.request)
        self.recebido = 0
        if content_length > self.limite:
            raise CorpoGrandeDemais("Corpo do pedido acima do limite.")

    def receive_data_chunk(self, raw_data, start):
        self.recebido += len(raw_data)
        if self.recebido > self.limite:
            raise CorpoGrandeDemais("Corpo do pedido acima do limite.")
        return raw_data

    def file_complete(self, file_size):
        return None

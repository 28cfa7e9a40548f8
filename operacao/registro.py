"""Structured logs: one JSON object a line, each with the request id
(`X-Request-ID` from the proxy when it is a plain token, a new one otherwise;
the response carries it back)."""

import contextvars
import json
import logging
import re
import uuid

_pedido = contextvars.ContextVar("pedido", default="-")
_ID_VALIDO = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def identificador_do_pedido(environ) -> str:
    """The proxy's X-Request-ID when it is a plain token, else a new one."""
    recebido = environ.get("HTTP_X_REQUEST_ID", "")
    return recebido if _ID_VALIDO.match(recebido) else uuid.uuid4().hex


class IdDoPedido:
    """Middleware: gives each request an id for the logs and the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        identificador = identificador_do_pedido(request.META)
        request.id_do_pedido = identificador
        marca = _pedido.set(identificador)
        try:
            resposta = self.get_response(request)
        finally:
            _pedido.reset(marca)
        resposta["X-Request-ID"] = identificador
        return resposta


class FormatoJson(logging.Formatter):
    def format(self, record):
        dados = {
            "momento": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "nivel": record.levelname,
            "registro": record.name,
            "mensagem": record.getMessage(),
            "pedido": _pedido.get(),
        }
        codigo = getattr(record, "status_code", None)
        if codigo:
            dados["status"] = codigo
        if record.exc_info:
            dados["excecao"] = self.formatException(record.exc_info)
        return json.dumps(dados, ensure_ascii=False)

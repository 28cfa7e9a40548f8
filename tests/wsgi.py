"""The WSGI environ of a request, as gunicorn builds it: for the tests and the
benchmark that call paecm.wsgi's application directly."""

import io
from wsgiref.util import FileWrapper


def ambiente(caminho: str, *, metodo: str = "GET", **cabecalhos) -> dict:
    """GET (or `metodo`) `caminho` ("/plano/?busca=x"), with HTTP_<name> headers."""
    caminho, _, consulta = caminho.partition("?")
    environ = {
        "REQUEST_METHOD": metodo,
        "PATH_INFO": caminho,
        "QUERY_STRING": consulta,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        # As gunicorn does: FileResponse bodies (xlsx, zip) go through it.
        "wsgi.file_wrapper": FileWrapper,
    }
    environ.update({f"HTTP_{k.upper()}": v for k, v in cabecalhos.items()})
    return environ

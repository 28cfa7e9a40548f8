"""Absolute addresses of the site, from one rule, for everything that leaves
the page: feeds, canonical links, og:*, e-mails, the data package, the open
data's evidence links and the staff report.

1. SITE_URL, when set (required in production: settings refuse to start
   without it when DJANGO_DEBUG is false);
2. otherwise the host of the request being served (development), which the
   OrigemDaRequisicao middleware records for code that has no request at hand
   (services sending e-mail, data set columns);
3. otherwise, in a management command (no request), ORIGEM_DE_DESENVOLVIMENTO.
"""

from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost

ORIGEM_DE_DESENVOLVIMENTO = "http://127.0.0.1:8000"

_origem_da_requisicao: ContextVar[str | None] = ContextVar("origem_da_requisicao", default=None)


def origem(request=None) -> str:
    """Scheme and host, without a trailing slash: "https://painel.gov.br"."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        try:
            return f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:
            pass  # the 400 page of a request with a bad Host header
    return _origem_da_requisicao.get() or ORIGEM_DE_DESENVOLVIMENTO


def absoluto(caminho: str, request=None) -> str:
    """The absolute address of a site path ("/plano/" -> "https://…/plano/")."""
    if caminho.startswith(("http://", "https://")):
        return caminho
    return origem(request) + caminho


class OrigemDaRequisicao:
    """Record the request's origin while it is served, for origem() calls
    made without the request (rule 2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        marca = _origem_da_requisicao.set(origem(request))
        try:
            return self.get_response(request)
        finally:
            _origem_da_requisicao.reset(marca)

"""The site's error pages (400/413, 404, 500), wired in paecm.urls."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string

from comum.enderecos import origem

from .entrada import corpo_grande_demais


def pedido_invalido(request, exception):
    """400, or 413 when the body passed its limit (paecm.entrada)."""
    if isinstance(exception, RequestDataTooBig):
        return corpo_grande_demais(request)
    return render(request, "400.html", {}, status=400)


def pagina_nao_encontrada(request, exception):
    return render(request, "404.html", {}, status=404)


def erro_do_servidor(request):
    # Rendered without context processors: the database may be what failed,
    # and they would ask it for the user and the demo banner.
    html = render_to_string("500.html", {"request": request, "SITE_URL": origem(request)})
    return HttpResponseServerError(html)

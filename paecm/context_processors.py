from django.utils.functional import SimpleLazyObject

from comum.enderecos import origem
from parceiros.demo import demo_carregada


def site(request):
    return {
        # The one rule of comum.enderecos: canonical links, og:*, e-mails.
        "SITE_URL": origem(request),
        # The path alone; a page whose query selects what it shows overrides it.
        "endereco_canonico": request.path,
        "demo_carregada": SimpleLazyObject(demo_carregada),
    }

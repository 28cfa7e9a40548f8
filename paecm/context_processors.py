from django.utils.functional import SimpleLazyObject

from comum.enderecos import origem
from parceiros.demo import demo_carregada


def site(request):
    return {
        # The one rule of comum.enderecos: canonical links, og:*, e-mails.
        "SITE_URL": origem(request),
        "demo_carregada": SimpleLazyObject(demo_carregada),
    }

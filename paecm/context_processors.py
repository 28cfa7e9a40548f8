from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from comum.enderecos import origem

DEMO_CACHE_KEY = "paecm:demo-carregada"


def demo_carregada() -> bool:
    """Whether the demo data is loaded (its accounts exist). Cached for a
    minute, so steady-state pages spend no query on the banner."""
    from parceiros.models import Usuario

    return cache.get_or_set(
        DEMO_CACHE_KEY, lambda: Usuario.objects.filter(username__startswith="demo.").exists(), 60
    )


def site(request):
    return {
        # The one rule of comum.enderecos: canonical links, og:*, e-mails.
        "SITE_URL": origem(request),
        # The path alone; a page whose query selects what it shows overrides it.
        "endereco_canonico": request.path,
        "demo_carregada": SimpleLazyObject(demo_carregada),
    }

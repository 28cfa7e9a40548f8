from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

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
        "SITE_URL": settings.SITE_URL,
        "demo_carregada": SimpleLazyObject(demo_carregada),
    }

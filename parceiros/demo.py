"""Whether the demo data is loaded: the one flag every layer may ask (the
banner, the open data's demo column), kept below them all."""

from django.core.cache import cache

DEMO_CACHE_KEY = "paecm:demo-carregada"


def demo_carregada() -> bool:
    """Whether the demo data is loaded (its accounts exist). Cached for a
    minute, so steady-state pages spend no query on the banner."""
    from .models import Usuario

    return cache.get_or_set(
        DEMO_CACHE_KEY, lambda: Usuario.objects.filter(username__startswith="demo.").exists(), 60
    )

"""Whether the demo data is loaded: the one flag every layer may ask (the
banner, the open data's demo column), kept below them all."""

from django.core.cache import cache
from django.db import transaction

DEMO_CACHE_KEY = "paecm:demo-carregada"


def demo_carregada() -> bool:
    """Whether the demo data is loaded (its accounts exist). Cached for a
    minute and dropped when an account is saved or deleted, so pages spend
    no query on the banner."""
    from .models import Usuario

    return cache.get_or_set(
        DEMO_CACHE_KEY, lambda: Usuario.objects.filter(username__startswith="demo.").exists(), 60
    )


def _contas_mudaram(sender, **kwargs):
    """An account saved or deleted: the flag is read anew once it commits
    (the demo is its accounts; no other change touches it)."""
    transaction.on_commit(lambda: cache.delete(DEMO_CACHE_KEY), using=kwargs.get("using"))

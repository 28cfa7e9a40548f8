import re
from functools import lru_cache

from django.apps import AppConfig
from django.db.backends.signals import connection_created


@lru_cache(maxsize=256)
def _padrao(padrao: str) -> re.Pattern:
    return re.compile(padrao)


def _regexp(padrao, texto):
    """SQLite's REGEXP, as Django's (NULL with a NULL side) with each pattern
    compiled once: the plan's search (plano.filters.condicoes_da_busca)
    calls it once per text and level, 17,000 times a search at 100 times
    the plan's size, where Django's spent half its time finding the pattern
    in re's cache."""
    if padrao is None or texto is None:
        return None
    return _padrao(padrao).search(texto if isinstance(texto, str) else str(texto)) is not None


def _no_sqlite(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("REGEXP", 2, _regexp, deterministic=True)


class PlanoConfig(AppConfig):
    name = "plano"
    verbose_name = "Plano"

    def ready(self):
        connection_created.connect(_no_sqlite, dispatch_uid="plano.regexp")

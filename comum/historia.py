"""django-simple-history's `Model.history`, without rebuilding its manager
class on every access.

simple_history.manager.HistoryDescriptor.__get__ calls
HistoryManager.from_queryset(HistoricalQuerySet) each time, which builds a new
class by inspecting both (about 0.25 ms here): a page reading the history of
its plan's three levels paid ~1 ms of a 10 ms budget for it. The class
depends only on the manager and queryset classes, so it is built once per
pair; each access still gets its own manager bound to the model and instance,
as before."""

from functools import cache

from simple_history.manager import HistoryDescriptor


@cache
def _classe_do_gerente(gerente, queryset):
    return gerente.from_queryset(queryset)


def _get(self, instance, owner):
    return _classe_do_gerente(self.manager_class, self.queryset_class)(self.model, instance)


def gerente_de_historia_em_cache() -> None:
    """Install the cached __get__ (once, at start-up: parceiros.apps)."""
    HistoryDescriptor.__get__ = _get

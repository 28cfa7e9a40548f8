"""Local dates of stored moments, for loops over many rows."""

from collections.abc import Callable
from datetime import date, datetime

from django.utils import timezone


def conversor_de_dias() -> Callable[[datetime], date]:
    """A function giving a moment's date in the current time zone (naive
    moments as they are). The zone is read once: timezone.localtime reads it
    for every call, which over the 30,000 reports of a plan 100 times larger
    cost a third of a second."""
    fuso = timezone.get_current_timezone()

    def dia(momento: datetime) -> date:
        return momento.astimezone(fuso).date() if momento.tzinfo else momento.date()

    return dia

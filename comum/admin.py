"""Admin base classes every app's admin shares: history that can be read but
never rewritten, read-only admins, and an autocomplete widget that survives
hostile values. Not an app: nothing here registers."""

import difflib
import re
from datetime import date, datetime
from decimal import Decimal

from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper


class AutocompleteSeguro(AutocompleteSelect):
    """Django's autocomplete widget filters the database with the submitted
    value as it is: "abc" or a huge number for an integer key was a 500 when a
    refused form was shown again. Values that are no valid choice are dropped
    (the form's own error names them)."""

    def optgroups(self, name, value, attr=None):
        campo = self.choices.field

        def valido(valor) -> bool:
            try:
                campo.to_python(valor)
            except ValidationError:
                return False
            return True

        return super().optgroups(name, [v for v in value if valido(v)], attr)


class ComAutocompleteSeguro:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = AutocompleteSeguro(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def valor_legivel(campo, valor) -> str:
    """A stored value as staff read it: labels of choices, dates as dd/mm/aaaa,
    "Sim"/"Não", "—" for none, never "None" or an ISO date."""
    if valor is None or valor == "":
        return "—"
    escolhas = dict(getattr(campo, "flatchoices", None) or ())
    if valor in escolhas:
        return str(escolhas[valor])
    if isinstance(valor, bool):
        return "Sim" if valor else "Não"
    if isinstance(valor, datetime):
        momento = timezone.localtime(valor) if timezone.is_aware(valor) else valor
        return momento.strftime("%d/%m/%Y %H:%M")
    if isinstance(valor, date):
        return valor.strftime("%d/%m/%Y")
    if isinstance(valor, Decimal):
        return formats.number_format(valor.normalize())
    if isinstance(valor, list):
        return "; ".join(str(v) for v in valor) or "—"
    return str(valor)


PALAVRAS = re.compile(r"\s+|[^\s]+")


def diferenca_por_palavra(antes: str, depois: str) -> tuple[str, str]:
    """Old and new text as HTML, word by word: the words removed marked <del>
    in the old one, the words added marked <ins> in the new one."""
    a, b = PALAVRAS.findall(antes), PALAVRAS.findall(depois)
    velho, novo = [], []
    for operacao, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, a, b, autojunk=False
    ).get_opcodes():
        trecho_a = conditional_escape("".join(a[i1:i2]))
        trecho_b = conditional_escape("".join(b[j1:j2]))
        if operacao == "equal":
            velho.append(trecho_a)
            novo.append(trecho_b)
            continue
        if trecho_a:
            velho.append(f"<del>{trecho_a}</del>")
        if trecho_b:
            novo.append(f"<ins>{trecho_b}</ins>")
    return mark_safe("".join(velho)), mark_safe("".join(novo))  # noqa: S308 (escaped above)


class ContextoDoHistorico(HistoricalRecordContextHelper):
    """The history page's changes in full, old beside new: values as staff
    read them (valor_legivel), texts marked word by word, nothing cut short."""

    def stringify_delta_change_values(self, change, old, new):
        campo = self.model._meta.get_field(change.field)
        antes, depois = valor_legivel(campo, old), valor_legivel(campo, new)
        if isinstance(old, str) and isinstance(new, str) and old and new:
            return diferenca_por_palavra(antes, depois)
        return conditional_escape(antes), conditional_escape(depois)


class HistoricoAdmin(ComAutocompleteSeguro, SimpleHistoryAdmin):
    """Every change can be read from the object's "Histórico" page, and the
    history cannot be changed from it: no revert, no edit of past versions."""

    def history_view(self, request, object_id, extra_context=None):
        # The library casts the id unchecked: "abc" was a 500.
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return ContextoDoHistorico(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        # The library casts both ids unchecked: a hostile one was a 500.
        versao = str(version_id)
        if not (versao.isascii() and versao.isdigit() and len(versao) < 19):
            raise Http404
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class SomenteLeitura:
    """An admin (or inline) that lists and shows, and never adds, changes or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

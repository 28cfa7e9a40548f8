"""Admin base classes every app's admin shares: history that can be read but
never rewritten, read-only admins, and an autocomplete widget that survives
hostile values. Not an app: nothing here registers."""

from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


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

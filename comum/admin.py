"""Admin base classes every app's admin shares: history that can be read but
never rewritten, and read-only admins. Not an app: nothing here registers."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoricoAdmin(SimpleHistoryAdmin):
    """Every change can be read from the object's "Histórico" page, and the
    history cannot be changed from it: no revert, no edit of past versions."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class SomenteLeitura:
    """An admin (or inline) that lists and shows, and never adds, changes or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

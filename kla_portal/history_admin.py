"""Audit history pages in the admin that show only what the change page shows, and never write."""

from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """simple_history's pages, scoped by `get_queryset` and refusing every POST."""

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a posted record page as a revert with only the view permission
        # checked, past the workflow and its version check; history here is for reading.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _visible_or_404(self, request, object_id):
        # simple_history falls back to the unscoped history table when the object is not in
        # get_queryset(), which would show one region's records to another region's verifier.
        # Superusers see everything, deleted objects' history included.
        if request.user.is_superuser:
            return
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

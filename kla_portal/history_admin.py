"""Audit history pages in the admin that show only what the change page shows, and never write."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """simple_history's pages, scoped by `get_queryset` and refusing every POST."""

    def changelist_view(self, request, extra_context=None):
        # Django titles a list "Pilih isian untuk diubah" (select to change) even where the
        # portal only reviews; the list's own name says what it is.
        context = {"title": capfirst(self.model._meta.verbose_name_plural), **(extra_context or {})}
        return super().changelist_view(request, context)

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a posted record page as a revert with only the view permission
        # checked, past the workflow and its version check; history here is for reading.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        # The record page's route takes any text as ids; simple_history would pass `abc` to
        # the database and fail with a 500.
        _id_or_404(self.model.history.model._meta.pk, version_id)
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _visible_or_404(self, request, object_id):
        _id_or_404(self.model._meta.pk, unquote(object_id))
        # simple_history falls back to the unscoped history table when the object is not in
        # get_queryset(), which would show one region's records to another region's verifier.
        # Superusers see everything, deleted objects' history included.
        if request.user.is_superuser:
            return
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404


def _id_or_404(field, raw) -> None:
    """404 unless `raw` reads as a value of the primary key `field`."""
    try:
        field.to_python(raw)
    except ValidationError:
        raise Http404 from None

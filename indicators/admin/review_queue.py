"""The verifier's review queue (admin/review/): one region's open period, filters kept through
every action, bulk approve and return at the version each row was seen at.

The page is built from plain values (no changelist, no form widgets per row, no sidebar), so
its cost stays that of its few queries.
"""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import access, roles
from indicators.admin.submissions import posted_versions
from indicators.selectors import flags as flag_signs
from indicators.selectors import review_queue
from indicators.selectors.review_queue import QueueFilters
from indicators.services import review, workflow
from kla_portal.content_cache import cached_content

BULK_ACTIONS = (review.APPROVE, review.RETURN)


def queue_url(filters: QueueFilters, **changes) -> str:
    query = filters.query(**changes)
    return reverse("admin:review_queue") + (f"?{query}" if query else "")


def queue_view(request):
    """The queue; a POST applies a bulk action and comes back to the same filters."""
    if not roles.is_verifier(request.user):
        return redirect("admin:index")  # staff who review nothing: the admin's own index
    filters = QueueFilters.from_query(request.GET)
    scope = access.review_scope(
        request.user, region_slug=filters.region or None, year=filters.year or None
    )
    back = queue_url(filters, page=filters.page)
    if request.method == "POST":
        _bulk(request, scope.period)
        return redirect(back)

    # Who may see this region was checked above (on every request); the rows, counts and
    # filter choices are rendered once per region, period, filters, regions offered, language,
    # day and data version (`kla_portal.content_cache`), and until a row's waiting time moves.
    def content_context():
        page = review_queue.review_queue_page(scope.period, filters)
        row_query = filters.query(page=filters.page)
        base = reverse("admin:review_page", args=[0]).removesuffix("0/")
        for row in page.rows:
            row.url = f"{base}{row.submission.pk}/" + (f"?{row_query}" if row_query else "")
        statuses = [
            (status, label, page.counts.get(status), queue_url(filters, status=status))
            for status, label in (
                ("submitted", _("Menunggu tinjauan")),
                ("returned", _("Dikembalikan")),
                ("approved", _("Disetujui")),
                ("draft", _("Draf")),
                ("all", _("Semua")),
            )
        ]
        return {
            "scope": scope,
            "page": page,
            "filters": filters,
            "statuses": statuses,
            "total_all": sum(page.counts.values()),
            "row_query": row_query,
            "flag_choices": [(code, flag_signs.label(code)) for code in flag_signs.CODES],
            "previous_url": queue_url(filters, page=str(filters.page_number - 1))
            if filters.page_number > 1
            else "",
            "next_url": queue_url(filters, page=str(filters.page_number + 1))
            if filters.page_number < page.pages
            else "",
            "note_max": workflow.NOTE_MAX_LENGTH,
            # Translated once here rather than once per row in the template.
            "never_reviewed": _("belum pernah ditinjau"),
            "no_change": _("tidak ada perubahan"),
            "ready_label": _("siap"),
            "not_ready_label": _("belum siap"),
            "findings_label": _("temuan terbuka"),
        }

    def lifetime(values) -> float | None:
        at = values["page"].marks_change_at
        return None if at is None else max(1.0, (at - timezone.now()).total_seconds())

    scope_key = (
        scope.region.pk,
        scope.period.pk,
        tuple(r.pk for r in scope.regions),
        tuple(p.pk for p in scope.periods),
        filters.query(page=filters.page),
    )
    content = cached_content(
        request,
        name="review-queue",
        scope=scope_key,
        template="admin/indicators/review_queue_content.html",
        context=content_context,
        lifetime=lifetime,
    )
    context = {
        **admin.site.lean_context(request),
        "title": _("Antrean tinjauan"),
        "scope": scope,
        "content": content,
    }
    return TemplateResponse(request, "admin/indicators/review_queue.html", context)


def _bulk(request, period) -> None:
    """Approve or return the ticked rows of this period, each at the version shown."""
    action = request.POST.get("review")
    if action not in BULK_ACTIONS:
        messages.error(request, _("Pilih tindakan: setujui atau kembalikan."))
        return
    ticked = [raw for raw in request.POST.getlist("ids") if raw.isdigit() and len(raw) <= 10]
    ids = list(
        access.submissions_visible_to(request.user)
        .filter(pk__in=ticked, period=period)
        .values_list("pk", flat=True)
    )
    if not ids:
        messages.warning(request, _("Belum ada isian yang dicentang."))
        return
    note = request.POST.get("note", "")
    if action == review.RETURN and not note.strip():
        messages.error(
            request,
            _("Tulis catatan untuk OPD sebelum mengembalikan: tidak ada isian yang diubah."),
        )
        return
    outcome = review.review_many(
        action=action, versions=posted_versions(request, ids), actor=request.user, note=note
    )
    level = messages.SUCCESS if not outcome.skipped else messages.WARNING
    messages.add_message(request, level, outcome.message())

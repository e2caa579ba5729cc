"""The verifier's review page of one submission (admin/review/<pk>/): every fact the decision
needs, the decision below it, then on to the next waiting item with the queue's filters."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from indicators import access, roles
from indicators.admin.review_queue import queue_url
from indicators.selectors import review_page, review_queue
from indicators.selectors.review_queue import QueueFilters
from indicators.services import review, workflow
from kla_portal import versions
from kla_portal.content_cache import cached_content


def page_url(pk: int, filters: QueueFilters) -> str:
    query = filters.query(page=filters.page)
    return reverse("admin:review_page", args=[pk]) + (f"?{query}" if query else "")


def _visible(request, pk: int):
    return get_object_or_404(
        # What every visit needs, in a join PostgreSQL plans quickly: eleven tables took 2.2 ms
        # to plan (against 0.2 to run). The item's indicator, cluster and the framework are read
        # only when the content is rendered, not when it comes from the cache.
        access.submissions_visible_to(request.user).select_related(
            "agency", "period__region", "item"
        ),
        pk=pk,
    )


def _visit(request, pk: int):
    """The submission the reviewer may see (or 404) with what they may do with it now.

    A GET, asked on every visit, is read from the shared cache until the next committed write
    to the data (the submission's status, its events, who is in which agency and group: all of
    `kla_portal.versions`). A POST reads the submission fresh, and what may be done is asked
    only after the attempt, if it was refused (None, None here).
    """
    if request.method != "GET":
        return _visible(request, pk), None, None

    def read():
        submission = _visible(request, pk)
        return (submission, *workflow.available_actions(submission, request.user))

    user = request.user
    # The actions' labels and the refusal are in the language of the page.
    parts = (user.pk, user.is_superuser, pk, translation.get_language())
    return versions.remember("access:review-visit", parts, read)


def review_page_view(request, pk):
    if not roles.is_verifier(request.user):
        raise PermissionDenied
    submission, actions, refusal = _visit(request, pk)
    filters = QueueFilters.from_query(request.GET)
    errors, notes = {}, {}
    if request.method == "POST":
        action = request.POST.get("review")
        note = request.POST.get("note", "")
        if action not in review.ACTIONS:
            errors["page"] = _("Tindakan tidak dikenal.")
        else:
            raw = request.POST.get("version", "")
            outcome = review.review_many(
                action=action,
                versions={submission.pk: int(raw) if raw.isdigit() and len(raw) < 10 else None},
                actor=request.user,
                note=note,
            )
            if outcome.done:
                messages.success(request, outcome.message())
                if request.POST.get("then") != "next":
                    return redirect(page_url(submission.pk, filters))
                following = review_queue.next_waiting(submission.period, filters, submission)
                if following:
                    return redirect(page_url(following, filters))
                messages.info(request, _("Tidak ada lagi isian yang menunggu dengan saringan ini."))
                return redirect(queue_url(filters, page=filters.page))
            errors[action], notes[action] = next(iter(outcome.skipped)), note
    if actions is None:  # a refused POST: what may be done now, after the attempt
        actions, refusal = workflow.available_actions(submission, request.user)
    offered = {action: (label, needs_note) for action, label, needs_note in actions}

    # Who may see the submission was checked above, and what this reviewer may do with it is
    # part of the key: the rest (the answer, last year's, the checklist with its files, signs,
    # findings, both histories) is rendered once per data version (`kla_portal.content_cache`).
    # A POST that was refused renders fresh, with what the reviewer typed and the error.
    def content_context():
        page = review_page.review_page(submission)
        return {
            "page": page,
            "s": submission,
            "filters": filters,
            "form_url": page_url(submission.pk, filters),
            "queue_url": queue_url(filters, page=filters.page),
            "actions": offered,
            "refusal": refusal,
            "gaps": page.readiness.gaps if submission.status == "submitted" else [],
            "errors": errors,
            "notes": notes,
            "note_max": workflow.NOTE_MAX_LENGTH,
        }

    scope = (
        submission.pk,
        filters.query(page=filters.page),
        tuple((action, str(label), needs) for action, (label, needs) in offered.items()),
        str(refusal or ""),
    )
    content = cached_content(
        request,
        name="review-page",
        scope=scope,
        template="admin/indicators/review_page_content.html",
        context=content_context,
    )
    context = {
        **admin.site.lean_context(request),
        "title": f"{submission.item.code} · {submission.agency}",
        "s": submission,
        "queue_url": queue_url(filters, page=filters.page),
        "content": content,
    }
    return TemplateResponse(
        request, "admin/indicators/review_page.html", context, status=400 if errors else 200
    )

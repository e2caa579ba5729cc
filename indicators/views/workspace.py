"""The item page of the OPD workspace: read an item, answer it, attach files, submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import access
from indicators.forms import SUBMIT, TAKE, AnswerForm, TakeForm, field_ids
from indicators.forms_documents import document_details
from indicators.selectors import readiness_views, workspace
from indicators.services import answering, workflow
from kla_portal.content_cache import cached_content


def item_url(agency, item_code: str) -> str:
    url = reverse("indicators:item", args=[item_code])
    return f"{url}?{urlencode({'agency': agency.code})}"


@login_required
def item_detail(request, code):
    """The question, the answer form fitted to its kind, files, last year and the history."""
    posted = request.method == "POST"
    found = access.item_for_operator(
        request.user, code, request.GET.get("agency"), with_submission=posted
    )
    agency, period, item, submission = found.agency, found.period, found.item, found.submission
    if posted and request.POST.get("intent") == TAKE:
        return _take(request, agency, item, submission)
    if posted:
        return _answer(request, agency, period, item, submission)

    def context():
        submission = workspace.submission_for(agency=agency, item=item, period=period)
        page, checklist = _page(agency, period, item, submission)
        form = AnswerForm(
            item=item,
            submission=submission,
            has_evidence=bool(page.evidence) or page.register_listed,
            requirements=checklist.requirements,
        )
        return _context(agency, period, item, submission, page, checklist, form)

    # Operators of the agency all see the same item page; the access check above is per user.
    # The answer is read only to render: the data version covers it.
    content = cached_content(
        request,
        name="item",
        scope=(agency.pk, period.pk, item.pk),
        template="indicators/item_content.html",
        context=context,
    )
    context = {"agency": agency, "item": item, "content": content}
    return render(request, "indicators/item.html", context)


def _page(agency, period, item, submission):
    page = workspace.item_page(agency, period, item, submission)
    checklist = readiness_views.item_checklist(
        item, period, submission, page.evidence, page.previous, register=page.register
    )
    return page, checklist


def _context(agency, period, item, submission, page, checklist, form, conflict=False):
    return {
        "agency": agency,
        "period": period,
        "item": item,
        "page": page,
        "next_item": workspace.next_to_fill(agency, period, item),
        "direction": workspace.scoring_direction(item),
        "withdrawable": submission.pk and workflow.withdraw_refusal(submission) is None,
        "checklist": checklist,
        "form": form,
        "invalid_fields": field_ids(form) if form.is_bound else [],
        "editable": workflow.can_edit(submission),
        "edit_refusal": workflow.edit_refusal(submission),
        "conflict": conflict,
    }


def _answer(request, agency, period, item, submission):
    """Save (and perhaps submit) the answer; on refusal the page again, with what was typed."""
    page, checklist = _page(agency, period, item, submission)
    form = AnswerForm(
        request.POST,
        request.FILES or None,
        item=item,
        submission=submission,
        # The register's listing behind a taken value is the item's data evidence too.
        has_evidence=bool(page.evidence) or page.register_listed,
        requirements=checklist.requirements,
    )
    conflict = False
    if form.is_valid():
        try:
            answering.submission_answer(
                submission=submission,
                values=form.values,
                upload=form.cleaned_data.get("file"),
                title=form.cleaned_data["title"],
                document=document_details(form.cleaned_data, item),
                submit=form.intent == SUBMIT,
                actor=request.user,
                version=form.seen_version(),
            )
        except workflow.WorkflowError as exc:
            conflict = isinstance(exc, workflow.Conflict)
            form.add_error(None, str(exc))
        else:
            done = _("Isian diajukan untuk diverifikasi.") if form.intent == SUBMIT else None
            messages.success(request, done or _("Isian tersimpan sebagai draf."))
            return redirect(item_url(agency, item.code))
    values = _context(agency, period, item, submission, page, checklist, form, conflict)
    # The form's bound state and the request's file name: never cached (a POST renders fresh).
    content = cached_content(
        request,
        name="item",
        scope=(),
        template="indicators/item_content.html",
        context=lambda: {**values, "request": request},
    )
    context = {"agency": agency, "item": item, "content": content}
    return render(request, "indicators/item.html", context, status=400 if form.errors else 200)


def _take(request, agency, item, submission):
    """Take the register's value as the answer (a draft the operator then submits)."""
    form = TakeForm(request.POST, submission=submission)
    if not form.is_valid():
        messages.error(request, _("Permintaan tidak lengkap. Muat ulang halaman lalu coba lagi."))
        return redirect(item_url(agency, item.code))
    try:
        answering.submission_take_register(
            submission=submission,
            actor=request.user,
            version=form.seen_version(),
            seen=form.cleaned_data["fingerprint"],
        )
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Nilai dari register fasilitas diambil sebagai jawaban (draf). "
                "Ajukan bila sudah sesuai."
            ),
        )
    return redirect(item_url(agency, item.code))


@login_required
@require_POST
def item_withdraw(request, code):
    """Take a submitted answer back to draft before a verifier decides (recorded)."""
    found = access.item_for_operator(request.user, code, request.GET.get("agency"))
    if found.submission.pk is None:
        raise Http404
    raw = request.POST.get("version", "")
    try:
        workflow.submission_withdraw(
            submission_id=found.submission.pk,
            actor=request.user,
            version=int(raw) if raw.isdigit() else -1,
        )
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Isian ditarik kembali menjadi draf. Ajukan lagi setelah diperbaiki.")
        )
    return redirect(item_url(found.agency, found.item.code))

"""The findings in the portal: the list (`/temuan/`) and one finding, where its agencies
answer. Scoped by `verification.access`; closing and reopening are DP3AKB's, in the admin."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from indicators.services.workflow import WorkflowError
from verification import access
from verification.forms import AnswerForm
from verification.models import Finding, StageKind
from verification.selectors import findings as selectors
from verification.services import findings as services

PAGE_SIZE = 50
CODE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}"


def _choice(request, name, allowed) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


@login_required
def finding_list(request):
    """Open, answered, overdue and closed findings the visitor may see, filterable."""
    now = timezone.now()
    visible = access.findings_visible_to(request.user)
    agency, year = request.GET.get("agency", ""), request.GET.get("year", "")
    chosen = {
        "status": _choice(request, "status", selectors.STATUS_FILTERS),
        "stage": _choice(request, "stage", StageKind.values),
        "agency": agency if re.fullmatch(CODE, agency) else "",
        "year": year if re.fullmatch(r"[12][0-9]{3}", year) else "",
    }
    rows = selectors.ordered(selectors.with_joins(selectors.filtered(visible, now=now, **chosen)))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "counts": selectors.counts(visible, now),
        "chosen": chosen,
        "stages": StageKind.choices,
        "statuses": [
            ("open", _("Terbuka")),
            ("answered", _("Dijawab")),
            ("overdue", _("Lewat tenggat")),
            ("closed", _("Selesai")),
        ],
        "now": now,
        "query": request.GET.copy(),
    }
    return render(request, "verification/finding_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def finding_detail(request, pk):
    """One finding with its answers; its agencies' operators answer it here."""
    finding = access.finding_for_user(request.user, pk)
    agencies = access.answering_agencies(request.user, finding)
    form = None
    if agencies and finding.status != Finding.Status.CLOSED and not finding.period.locked:
        # The items any of the user's named agencies may attach to (the service checks which).
        items = {i.pk: i for a in agencies for i in services.answer_items(finding, a)}
        form = AnswerForm(
            request.POST or None,
            request.FILES or None,
            agencies=agencies,
            items=list(items.values()),
            initial={"version": finding.version},
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Catatan ini tidak dapat dijawab oleh akun Anda sekarang."))
            return redirect("verification:finding-detail", pk=finding.pk)
        if form.is_valid():
            try:
                services.finding_answer(
                    finding=finding,
                    agency=form.chosen_agency,
                    note=form.cleaned_data["note"],
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    upload=form.cleaned_data.get("file"),
                    item=form.chosen_item,
                    title=form.cleaned_data.get("title", ""),
                    document=form.document(),
                )
            except (services.FindingError, WorkflowError) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Tanggapan terkirim; DP3AKB akan memeriksanya."))
                return redirect("verification:finding-detail", pk=finding.pk)
    context = {
        "finding": finding,
        "form": form,
        "responses": selectors.responses_of(finding),
        "agencies": list(finding.agencies.order_by("code")),
        "overdue": finding.is_overdue(),
        "can_decide": services.decide_refusal(finding, request.user) is None,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "verification/finding_detail.html", context, status=status)

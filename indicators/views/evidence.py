"""Evidence downloads and removal, each behind an access helper."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from indicators import access
from indicators.exports.attachment import attachment_response
from indicators.forms_documents import DocumentForm, document_details
from indicators.selectors import readiness
from indicators.services import documents, workflow
from indicators.services import evidence as evidence_files
from indicators.views.workspace import item_url


@login_required
@require_GET
def evidence_download(request, pk):
    """Stream a file as an attachment to those who may see its submission; 404 to others."""
    return evidence_file_response(access.evidence_for_user(request.user, pk))


def evidence_file_response(evidence) -> FileResponse:
    """A checked file as an attachment that a browser could neither render nor run (the API's
    file download shares it)."""
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Berkas tidak ditemukan.")) from None
    return attachment_response(
        handle,
        filename=evidence.original_name,
        content_type=evidence.content_type or "application/octet-stream",
    )


@login_required
@require_POST
def evidence_remove(request, pk):
    """Remove a file from one of the operator's editable submissions."""
    evidence = access.evidence_for_operator(request.user, pk)
    submission = evidence.submission
    try:
        evidence_files.evidence_remove(evidence=evidence, actor=request.user)
    except workflow.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Berkas %(name)s dihapus.") % {"name": evidence.original_name})
    return redirect(item_url(submission.agency, submission.item.code))


@login_required
@require_POST
def evidence_describe(request, pk):
    """Say which document a stored file of an editable submission is, with its number and dates."""
    evidence = access.evidence_for_operator(request.user, pk)
    submission = evidence.submission
    requirements = readiness.requirements_by_item([submission.item_id]).get(submission.item_id, [])
    form = DocumentForm(request.POST, requirements=requirements)
    if form.is_valid():
        try:
            documents.document_describe(
                evidence=evidence,
                actor=request.user,
                **document_details(form.cleaned_data, submission.item),
            )
        except workflow.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Keterangan dokumen %(name)s disimpan.") % {"name": evidence.original_name},
            )
    else:
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(
            request, _("Keterangan dokumen tidak disimpan: %(errors)s") % {"errors": errors}
        )
    return redirect(item_url(submission.agency, submission.item.code))

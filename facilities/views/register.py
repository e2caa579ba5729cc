"""The register in the portal: the supplying agency's operators list, add, change and close
their places and add or change their certificates; the certificate download behind access."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from facilities import services
from facilities.expiry import alert_days, expiring_certifications
from facilities.exports.register import register_file
from facilities.forms import CertificationForm, CloseForm, FacilityForm
from facilities.models import Certification, Facility
from indicators import access
from indicators.exports.attachment import attachment_response
from indicators.services import workflow


def register_url(agency) -> str:
    return f"{reverse('facilities:register')}?{urlencode({'agency': agency.code})}"


def _operator_agency(request):
    agencies = access.operator_agency_list(request.user)
    if not agencies:
        raise Http404(_("Register hanya untuk operator OPD."))
    return access.agency_for_operator(request.user, request.GET.get("agency"), agencies), agencies


@login_required
@require_GET
def register(request):
    """The agency's places with their certificates, the expiring ones first in a notice."""
    agency, agencies = _operator_agency(request)
    places = (
        Facility.objects.filter(agency=agency)
        .select_related("facility_type", "kelurahan__kecamatan")
        .prefetch_related(
            Prefetch("certifications", Certification.objects.select_related("standard"))
        )
        .order_by("-active", "facility_type__name", "name")
    )
    context = {
        "agency": agency,
        "agencies": agencies,
        "places": places,
        "expiring": list(expiring_certifications(agencies=[agency])),
        "alert_days": alert_days(),
        "close_form": CloseForm(),
    }
    return render(request, "facilities/register.html", context)


@login_required
@require_GET
def register_export(request):
    """The agency's places as the import's columns, CSV or XLSX."""
    agency, _agencies = _operator_agency(request)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        fmt = "xlsx"
    content, content_type, ext = register_file(
        region=agency.region, fmt=fmt, facilities=Facility.objects.filter(agency=agency)
    )
    response = HttpResponse(content, content_type=content_type)
    name = f"register-{agency.region.slug}-{agency.code.lower()}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _form_page(request, template, context, form):
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
def facility_add(request):
    """Register a place of the operator's agency."""
    agency, _agencies = _operator_agency(request)
    form = FacilityForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.facility_save(
                region=agency.region, values=form.values, actor=request.user
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s terdaftar.") % {"name": facility.name})
            return redirect(register_url(agency))
    context = {"agency": agency, "form": form, "facility": None}
    return _form_page(request, "facilities/facility_form.html", context, form)


@login_required
def facility_edit(request, pk):
    """Change a place of the operator's agency, at the version the page showed."""
    facility = access.facility_for_operator(request.user, pk)
    agency = facility.agency
    form = FacilityForm(request.POST or None, agency=agency, facility=facility)
    if request.method == "POST" and form.is_valid():
        try:
            services.facility_save(
                region=agency.region,
                values=form.values,
                actor=request.user,
                facility=facility,
                version=form.cleaned_data.get("version"),
            )
        except (ValidationError, workflow.WorkflowError) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Perubahan %(name)s disimpan.") % {"name": facility.name})
            return redirect(register_url(agency))
    context = {"agency": agency, "form": form, "facility": facility}
    return _form_page(request, "facilities/facility_form.html", context, form)


@login_required
@require_POST
def facility_close(request, pk):
    """Close a place from a day on (it stays in the register, marked closed)."""
    facility = access.facility_for_operator(request.user, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect(register_url(facility.agency))
    try:
        services.facility_close(
            facility=facility,
            closed_on=form.cleaned_data["closed_on"],
            actor=request.user,
            version=form.cleaned_data.get("version"),
        )
    except (ValidationError, workflow.WorkflowError) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("%(name)s ditandai tutup.") % {"name": facility.name})
    return redirect(register_url(facility.agency))


@login_required
def certification_add(request, pk):
    """Add a certificate (with its file) to a place of the operator's agency."""
    facility = access.facility_for_operator(request.user, pk)
    return _certification_page(request, facility, None)


@login_required
def certification_edit(request, pk):
    """Change a certificate of a place of the operator's agency, or replace its file."""
    certification = access.certification_for_operator(request.user, pk)
    return _certification_page(request, certification.facility, certification)


def _certification_page(request, facility, certification):
    form = CertificationForm(
        request.POST or None,
        request.FILES or None,
        facility=facility,
        certification=certification,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_save(
                values=form.values,
                actor=request.user,
                facility=facility,
                certification=certification,
                upload=form.cleaned_data.get("file"),
                version=form.cleaned_data.get("version") if certification else None,
            )
        except (ValidationError, workflow.WorkflowError) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Sertifikasi %(name)s disimpan.") % {"name": facility.name})
            return redirect(register_url(facility.agency))
    context = {
        "agency": facility.agency,
        "facility": facility,
        "certification": certification,
        "form": form,
    }
    return _form_page(request, "facilities/certification_form.html", context, form)


@login_required
@require_GET
def certificate_download(request, pk):
    """Stream a certificate file to those who may see it (as evidence); 404 to others."""
    certification = access.certificate_for_user(request.user, pk)
    try:
        handle = certification.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Berkas tidak ditemukan.")) from None
    return attachment_response(
        handle,
        filename=certification.original_name or "sertifikat",
        content_type=certification.content_type or "application/octet-stream",
    )


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def _form_errors(form, exc) -> None:
    """A refusal of the service shown on the form: by field where it names one."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, _message(exc))

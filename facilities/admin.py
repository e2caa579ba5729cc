"""DP3AKB's admin of the register: places and certificates of the verifier's region, the
reference types and standards, and the register's import (preview, then confirm) and export.

Writes go through `facilities.services`, as the portal's do: the same rules, the same version
check against the page the verifier saw, the same audit history.
"""

import base64
import binascii
import secrets

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from facilities import importing, services
from facilities.exports.register import register_file
from facilities.models import Certification, Facility, FacilityType, Standard
from indicators import roles, uploads
from indicators.admin.scoping import (
    RegionScopedAdmin,
    agency_filter,
    readable_regions,
    region_filter,
    scoped_regions,
)
from indicators.models import Kelurahan, Region
from indicators.services import workflow
from kla_portal.history_admin import ReadOnlyHistoryAdmin

IMPORT_SALT = "facilities.admin.import"
IMPORT_MAX_BYTES = 1536 * 1024  # as the values import: the signed file must fit the confirm form


def certificate_download_url(certification):
    """The one permission-checked download view, shared with the portal."""
    return reverse("facilities:certificate-download", args=[certification.pk])


@admin.register(FacilityType)
class FacilityTypeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "agencies", "levels", "feeds"]
    search_fields = ["code", "name"]


@admin.register(Standard)
class StandardAdmin(ReadOnlyHistoryAdmin):
    list_display = ["code", "name", "facility_type", "validity_months", "feeds"]
    list_select_related = ["facility_type"]
    search_fields = ["code", "name"]


class SeenVersionForm(forms.ModelForm):
    """The version the page showed rides along, so a racing write is refused, not overwritten."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version


class VersionedForm(SeenVersionForm):
    """A register row's form: the version it was seen at, and why it changes (its history)."""

    reason = forms.CharField(
        label=_("Alasan perubahan"),
        max_length=100,
        required=False,
        help_text=_("Tercatat di riwayat."),
    )


class FacilityForm(VersionedForm):
    class Meta:
        model = Facility
        fields = [
            "region",
            "facility_type",
            "name",
            "kelurahan",
            "level",
            "agency",
            "address",
            "latitude",
            "longitude",
            "active",
            "closed_on",
        ]

    def clean(self):
        data = super().clean()
        region = data.get("region")
        if region is not None:
            problems = services.facility_problems(
                region=region,
                facility_type=data.get("facility_type"),
                kelurahan=data.get("kelurahan"),
                agency=data.get("agency"),
                level=services.level_match(data["facility_type"], data.get("level", ""))
                if data.get("facility_type")
                else data.get("level", ""),
                name=data.get("name", ""),
                exclude_pk=self.instance.pk,
            )
            for field, message in problems.items():
                self.add_error(field, message)
        return data

    def validate_unique(self):
        pass  # facility_problems says it in Indonesian, beside the name


class CertificationForm(VersionedForm):
    certificate_file = forms.FileField(label=_("Berkas sertifikat (baru)"), required=False)

    class Meta:
        model = Certification
        fields = [
            "facility",
            "kelurahan",
            "standard",
            "stage",
            "certificate_number",
            "granted_on",
            "valid_until",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate_file"].help_text = _(
            "Jenis yang diterima: %(types)s; paling besar %(mb)s MB."
        ) % {"types": uploads.ALLOWED_LABEL, "mb": uploads.limit_mb()}

    def clean_certificate_file(self):
        return uploads.upload_clean(self.cleaned_data.get("certificate_file"))

    def clean(self):
        data = super().clean()
        facility, kelurahan = data.get("facility"), data.get("kelurahan")
        if bool(facility) == bool(kelurahan):
            raise ValidationError(
                _("Pilih fasilitas, atau kelurahan untuk penetapan kelurahan; tidak keduanya.")
            )
        problems = services.certification_problems(
            standard=data.get("standard"),
            facility=facility,
            kelurahan=kelurahan,
            stage=data.get("stage", ""),
            granted_on=data.get("granted_on"),
            valid_until=data.get("valid_until"),
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return data


class ServiceSavedAdmin(RegionScopedAdmin):
    """Saves through the register's services; their refusals come back as form errors."""

    def has_delete_permission(self, request, obj=None):
        # Places and certificates are closed or revoked, not deleted: the history stays whole.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, workflow.WorkflowError) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, text, messages.ERROR)
            return redirect(request.get_full_path())


class CertificationInline(admin.TabularInline):
    model = Certification
    fk_name = "facility"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["standard", "stage", "certificate_number", "granted_on", "valid_until", "download"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("berkas"))
    def download(self, obj):
        if not obj.file:
            return "—"
        return format_html(
            '<a href="{}" download>{}</a>', certificate_download_url(obj), gettext("Unduh")
        )


@admin.register(Facility)
class FacilityAdmin(ServiceSavedAdmin):
    region_path = "region"
    form = FacilityForm
    list_display = ["name", "facility_type", "kelurahan", "level", "agency", "active"]
    list_filter = [region_filter("region"), agency_filter("agency"), "facility_type", "active"]
    list_select_related = ["facility_type", "kelurahan", "agency"]
    search_fields = ["name", "address", "kelurahan__name", "kelurahan__code"]
    readonly_fields = ["version", "updated_at", "updated_by"]
    inlines = [CertificationInline]
    change_list_template = "admin/facilities/facility/change_list.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Kelurahan and not request.user.is_superuser:
            kwargs["queryset"] = Kelurahan.objects.filter(
                kecamatan__region__in=scoped_regions(request)
            ).select_related("kecamatan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.facility_save(
            region=data["region"],
            values={name: data.get(name) for name in services.FACILITY_FIELDS},
            actor=request.user,
            facility=obj if change else None,
            version=data.get("seen_version") if change else None,
            reason=data.get("reason", ""),
        )
        if data.get("active") is False and saved.active:
            saved = services.facility_close(
                facility=saved,
                closed_on=data.get("closed_on") or timezone.localdate(),
                actor=request.user,
                version=saved.version,
                reason=data.get("reason", ""),
            )
        elif data.get("active") and not saved.active:
            saved = services.facility_reopen(
                facility=saved, actor=request.user, version=saved.version
            )
        obj.pk, obj.version = saved.pk, saved.version

    # import and export of the register

    def may_manage(self, request):
        return roles.is_verifier(request.user) and self.has_change_permission(request)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="facilities_facility_import"),
            path("export/", view(self.export_view), name="facilities_facility_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The region's register as the import's columns, CSV or XLSX."""
        if not self.may_manage(request):
            raise PermissionDenied
        form = ExportForm(request.GET or None, regions=scoped_regions(request))
        if form.is_valid():
            region = form.cleaned_data["region"]
            content, content_type, ext = register_file(
                region=region, fmt=form.cleaned_data["format"]
            )
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="register-{region.slug}.{ext}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Ekspor register fasilitas"),
            "form": form,
        }
        return TemplateResponse(request, "admin/facilities/facility/export.html", context)

    def import_view(self, request):
        """Upload, preview (nothing written) and confirm an import of the register."""
        if not self.may_manage(request):
            raise PermissionDenied
        regions = scoped_regions(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Impor register fasilitas"),
            "header": ",".join(importing.HEADER),
        }
        if request.method == "POST" and "token" in request.POST:
            return self._import_confirm(request, regions, context)
        form = ImportForm(request.POST or None, request.FILES or None, regions=regions)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            region, upload = form.cleaned_data["region"], form.cleaned_data["file"]
            content = upload.read()
            try:
                plan = importing.register_import(
                    content=content, filename=upload.name, region=region, dry_run=True
                )
            except importing.ImportRejected as exc:
                context["errors"] = exc.errors
            else:
                context.update(plan=plan, token=_preview_token(region, upload.name, content, plan))
        return TemplateResponse(request, "admin/facilities/facility/import.html", context)

    def _import_confirm(self, request, regions, context):
        try:
            data = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=3600)
            content = base64.b64decode(data["content"])
        except (signing.BadSignature, binascii.Error, KeyError):
            self.message_user(request, _("Pratinjau kedaluwarsa; unggah ulang."), messages.ERROR)
            return redirect("admin:facilities_facility_import")
        region = get_object_or_404(regions, pk=data["region"])
        try:
            plan = importing.register_import(
                content=content,
                filename=data["name"],
                region=region,
                actor=request.user,
                seen=data["seen"],
                confirmation=data["id"],
            )
        except importing.ImportRejected as exc:
            context.update(
                errors=exc.errors, form=ImportForm(regions=regions, initial={"region": region})
            )
            return TemplateResponse(request, "admin/facilities/facility/import.html", context)
        self.message_user(
            request, _("Impor selesai: %(summary)s") % {"summary": plan.summary()}, messages.SUCCESS
        )
        return redirect(reverse("admin:facilities_facility_changelist") + f"?region={region.slug}")


def _preview_token(region, name, content: bytes, plan) -> str:
    """The confirm form's signed token: the previewed file, what it saw, a single-use id."""
    return signing.dumps(
        {
            "region": region.pk,
            "name": name,
            "content": base64.b64encode(content).decode(),
            "seen": plan.fingerprint(),
            "id": secrets.token_urlsafe(18),
        },
        salt=IMPORT_SALT,
        compress=True,
    )


class ImportForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Wilayah"), queryset=Region.objects.none())
    file = forms.FileField(label=_("Berkas CSV atau XLSX"))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions.order_by("name")
        self.fields["file"].help_text = _("Judul kolom: %(header)s") % {
            "header": ",".join(importing.HEADER)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal 1,5 MiB); bagi menjadi beberapa berkas.")
            )
        return upload


class ExportForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Wilayah"), queryset=Region.objects.none())
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")])

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions.order_by("name")


@admin.register(Certification)
class CertificationAdmin(ServiceSavedAdmin):
    form = CertificationForm
    list_display = ["__str__", "standard", "stage", "certificate_number", "granted_on",
                    "valid_until", "has_file"]  # fmt: skip
    list_filter = ["standard", "stage"]
    list_select_related = ["standard", "facility", "kelurahan"]
    search_fields = ["facility__name", "kelurahan__name", "certificate_number"]
    readonly_fields = ["download", "original_name", "size", "sha256", "version", "updated_at",
                       "updated_by"]  # fmt: skip

    def scope(self, request, queryset, regions=None):
        regions = readable_regions(request) if regions is None else regions
        return queryset.filter(
            Q(facility__region__in=regions) | Q(kelurahan__kecamatan__region__in=regions)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            regions = scoped_regions(request)
            if db_field.related_model is Facility:
                kwargs["queryset"] = Facility.objects.filter(region__in=regions)
            elif db_field.related_model is Kelurahan:
                kwargs["queryset"] = Kelurahan.objects.filter(kecamatan__region__in=regions)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("berkas"), boolean=True)
    def has_file(self, obj):
        return bool(obj.file)

    @admin.display(description=_("berkas sertifikat"))
    def download(self, obj):
        if not obj.file:
            return "—"
        return format_html(
            '<a href="{}" download>{}</a>', certificate_download_url(obj), gettext("Unduh")
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.certification_save(
            values={name: data.get(name) for name in services.CERTIFICATION_FIELDS},
            actor=request.user,
            facility=data.get("facility"),
            kelurahan=data.get("kelurahan"),
            certification=obj if change else None,
            upload=data.get("certificate_file"),
            version=data.get("seen_version") if change else None,
            reason=data.get("reason", ""),
        )
        obj.pk, obj.version = saved.pk, saved.version


from facilities import admin_visits  # noqa: E402, F401  (registers the field-visit sites)

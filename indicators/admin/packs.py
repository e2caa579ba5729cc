"""Verification packs in the admin: choose the scope, start the build, watch it, download it.

Verifiers of the region and superusers only; another region's pack is a 404 (indicators/access.py).
The build runs in the background worker (services/packs.py); the pages refresh themselves while
a pack is being built, without JavaScript.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from indicators import access, roles
from indicators.admin.scoping import region_filter
from indicators.answers import format_number
from indicators.exports.attachment import attachment_response
from indicators.models import Agency, VerificationPack
from indicators.selectors.packs import Filters
from indicators.services import packs

REFRESH_SECONDS = 3
# More agencies than this (a superuser's nation) are typed as a code instead of chosen.
AGENCY_CHOICES = 300


def size_text(size) -> str:
    if size is None:
        return "—"
    if size < 1024:
        return f"{format_number(size)} B"
    if size < 1024 * 1024:
        return f"{format_number(size / 1024, 0)} KB"
    return f"{format_number(size / (1024 * 1024), 1)} MB"


class PackForm(forms.Form):
    """What goes into the pack: the period, the scope, and optional narrowing codes."""

    period = forms.ModelChoiceField(label=_("Periode"), queryset=None, empty_label=None)
    scope = forms.ChoiceField(
        label=_("Cakupan"),
        choices=VerificationPack.Scope.choices,
        help_text=_(
            "Disetujui: isian yang sudah disetujui. Siap verifikasi: yang disetujui dan "
            "dokumennya lengkap pada tanggal acuan. Semua yang diajukan: juga yang belum ditinjau."
        ),
    )
    cluster = forms.ChoiceField(label=_("Klaster"), required=False)
    agency = forms.ChoiceField(label=_("OPD"), required=False)
    item = forms.CharField(
        label=_("Butir"), required=False, max_length=20, help_text=_("Kode butir, mis. II.11.a")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        periods = access.pack_periods(user).order_by("region__name", "-year")
        self.fields["period"].queryset = periods
        self.fields["period"].label_from_instance = lambda p: f"{p.region.name} {p.year}"
        everything = [("", gettext("(semua)"))]
        clusters = dict(Cluster.objects.order_by("order").values_list("code", "name"))
        self.fields["cluster"].choices = everything + [
            (code, f"{code} · {name}") for code, name in clusters.items()
        ]
        regions = set(periods.values_list("region_id", flat=True))
        agencies = Agency.objects.filter(region__in=regions).order_by("code")
        codes = list(agencies.values_list("code", flat=True).distinct()[: AGENCY_CHOICES + 1])
        if len(codes) > AGENCY_CHOICES:
            # Too many to choose from: a code to type beats a list of thousands.
            self.fields["agency"] = forms.CharField(
                label=_("OPD"), required=False, max_length=40, help_text=_("Kode OPD, mis. DLH")
            )
        else:
            # One region: its agencies by name; several: the codes they share.
            names = dict(agencies.values_list("code", "name")) if len(regions) == 1 else {}
            self.fields["agency"].choices = everything + [
                (code, f"{code} · {names[code]}" if code in names else code) for code in codes
            ]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(data["scope"], data["cluster"], data["agency"].strip(), data["item"].strip())


@admin.register(VerificationPack)
class VerificationPackAdmin(admin.ModelAdmin):
    """Earlier packs of the user's regions, newest first, with their state and download."""

    list_display = (
        "id",
        "period",
        "scope_display",
        "status_display",
        "progress_short",
        "started_by",
        "built_at",
        "expires_at",
        "download_link",
    )
    list_display_links = ("id", "period")
    list_filter = (region_filter("period__region"), "status", "scope")
    list_select_related = ("period__region", "started_by")
    list_per_page = 50
    fields = (
        "period",
        "scope",
        "filters_display",
        "status_display",
        "progress_display",
        "left_out_display",
        "error",
        "started_by",
        "created_at",
        "built_at",
        "expires_at",
        "size_display",
        "download_link",
    )
    readonly_fields = fields
    change_list_template = "admin/indicators/verificationpack/change_list.html"
    change_form_template = "admin/indicators/verificationpack/change_form.html"

    def get_queryset(self, request):
        return access.packs_visible_to(request.user).select_related("period__region", "started_by")

    # Verifiers and superusers only; nobody edits or deletes a pack by hand (expiry does).
    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and roles.is_verifier(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # columns

    @admin.display(description=_("cakupan"), ordering="scope")
    def scope_display(self, obj):
        chosen = ", ".join(obj.filters.values())
        return f"{obj.get_scope_display()} ({chosen})" if chosen else obj.get_scope_display()

    @admin.display(description=_("saringan"))
    def filters_display(self, obj):
        return ", ".join(obj.filters.values()) or "—"

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj):
        return format_html(
            '<span class="kla-pack-status" data-status="{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description=_("kemajuan"))
    def progress_display(self, obj):
        if obj.status == VerificationPack.Status.EXPIRED:
            return "—"
        if obj.status == VerificationPack.Status.QUEUED:
            return format_html(
                '<span class="kla-pack-progress-text">{}</span>',
                gettext("menunggu giliran di pekerja latar"),
            )
        text = gettext("%(done)s dari %(total)s berkas · %(bytes)s dari %(all)s") % {
            "done": format_number(obj.files_done),
            "total": format_number(obj.files_total),
            "bytes": size_text(obj.bytes_done),
            "all": size_text(obj.bytes_total),
        }
        return format_html(
            '<progress class="kla-pack-progress" max="100" value="{}">{} %</progress> '
            '<span class="kla-pack-progress-text">{} % · {}</span>',
            obj.percent,
            obj.percent,
            obj.percent,
            text,
        )

    @admin.display(description=_("kemajuan"))
    def progress_short(self, obj):
        if obj.status in (VerificationPack.Status.EXPIRED, VerificationPack.Status.QUEUED):
            return "—"
        return format_html(
            '<progress max="100" value="{}">{} %</progress> '
            '<span class="kla-pack-progress-text">{} % · {}/{}</span>',
            obj.percent,
            obj.percent,
            obj.percent,
            format_number(obj.files_done),
            format_number(obj.files_total),
        )

    @admin.display(description=_("berkas tidak disertakan"))
    def left_out_display(self, obj):
        if not obj.left_out:
            return "—"
        rows = ((x["item"], x["agency"], x["name"], x["reason"]) for x in obj.left_out)
        return format_html(
            '<ul class="kla-pack-left-out">{}</ul>',
            format_html_join("", "<li>{} {} {}: {}</li>", rows),
        )

    @admin.display(description=_("ukuran"))
    def size_display(self, obj):
        return size_text(obj.size)

    @admin.display(description=_("unduh"))
    def download_link(self, obj):
        if not obj.is_downloadable():
            return "—"
        url = reverse("admin:indicators_verificationpack_download", args=[obj.pk])
        return format_html(
            '<a class="kla-pack-download" href="{}">{}</a>', url, obj.download_name()
        )

    # pages

    def changelist_view(self, request, extra_context=None):
        context = {
            "refresh_seconds": REFRESH_SECONDS
            if self.get_queryset(request).filter(status__in=VerificationPack.ACTIVE).exists()
            else None,
            "pack_days": _pack_days(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        context = {
            "refresh_seconds": REFRESH_SECONDS if obj is not None and obj.is_active else None,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("build/", view(self.build_view), name="indicators_verificationpack_build"),
            path(
                "<int:pk>/download/",
                view(self.download_view),
                name="indicators_verificationpack_download",
            ),
            *super().get_urls(),
        ]

    def build_view(self, request):
        """Choose the scope and start the build; the pack's page then shows its progress."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PackForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                pack = packs.pack_request(
                    period=form.cleaned_data["period"],
                    filters=form.filters(),
                    actor=request.user,
                )
            except packs.PackRefused as exc:
                if exc.pack is None:
                    form.add_error(None, str(exc))
                else:
                    self.message_user(request, str(exc), messages.WARNING)
                    return redirect(_pack_url(exc.pack))
            else:
                self.message_user(
                    request,
                    gettext("Pembuatan paket #%(id)s dimulai; halaman ini menampilkan kemajuannya.")
                    % {"id": pack.pk},
                    messages.SUCCESS,
                )
                return redirect(_pack_url(pack))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Buat paket verifikasi"),
            "form": form,
            "pack_days": _pack_days(),
        }
        return TemplateResponse(request, "admin/indicators/verificationpack/build.html", context)

    def download_view(self, request, pk):
        """The archive as an attachment, to the verifiers of its region and superusers."""
        pack = access.pack_for_user(request.user, pk)
        try:
            handle = pack.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404(gettext("Berkas paket tidak ditemukan.")) from None
        return attachment_response(
            handle, filename=pack.download_name(), content_type="application/zip"
        )


def _pack_url(pack) -> str:
    return reverse("admin:indicators_verificationpack_change", args=[pack.pk])


def _pack_days() -> int:
    return settings.VERIFICATION_PACK_DAYS

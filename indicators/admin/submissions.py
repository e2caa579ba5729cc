"""The submission admin: DP3AKB's review queue, its actions, and the import and recap views."""

import base64
import binascii
import secrets

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm

from indicators import roles
from indicators.admin.paging import EstimatedCountPaginator
from indicators.admin.readiness import FlagFilter, ReadinessAdminMixin, ReadinessFilter
from indicators.admin.reference import evidence_download_url
from indicators.admin.scoping import (
    CheckedExportMixin,
    ClusterFilter,
    EvidenceMissingFilter,
    IndicatorFilter,
    OverdueFilter,
    RegionScopedAdmin,
    YearFilter,
    agency_filter,
    readable_regions,
    region_filter,
    scoped_regions,
)
from indicators.answers import format_percent
from indicators.exports.import_template import import_template
from indicators.exports.resources import (
    SubmissionResource,
    SubmissionValuesResource,
    dataset_file,
    recap_dataset,
    review_formats,
)
from indicators.exports.workbook import dataset_xlsx
from indicators.models import Agency, Evidence, Period, Submission, review_queue_rank
from indicators.services import importing, review, workflow

S = Submission.Status
# The queue first: waiting for review, then returned, approved and drafts; within a status the
# instrument's load order. Only submission columns, matching the `submission_review_queue`
# index, so even the national list reads its first page without sorting 100,000 rows.
STATUS_ORDER = review_queue_rank()
IMPORT_SALT = "indicators.admin.import"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The previewed file travels back signed in the confirm form, which Django caps at 2.5 MB
# (DATA_UPLOAD_MAX_MEMORY_SIZE); 1.5 MiB base64-encoded stays under it.
IMPORT_MAX_BYTES = 1536 * 1024


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan untuk OPD"),
        max_length=workflow.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Wajib: tampil bagi operator OPD dan dikirim lewat email."),
    )


class ImportForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Periode"), queryset=Period.objects.none())
    status = forms.ChoiceField(
        label=_("Status setelah impor"),
        choices=[(s.value, s.label) for s in importing.IMPORT_STATUSES],
        initial=S.SUBMITTED,
    )
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled in per request: a lazy string formatted at import would freeze one language.
        self.fields["file"].help_text = _("Judul kolom: %(header)s") % {
            "header": ",".join(importing.HEADER)
        }
        self.fields["period"].queryset = Period.objects.filter(
            region__in=regions, locked=False
        ).select_related("region")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal 1,5 MiB); bagi menjadi beberapa berkas.")
            )
        return upload


class PortalExportForm(ExportForm):
    """django-import-export's export form in Indonesian, XLSX chosen unless CSV is asked for."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["resource"].label = _("Isi berkas")
        self.fields["format"].label = _("Format berkas")
        self.fields["format"].choices = [
            (value, label.upper()) for value, label in self.fields["format"].choices if value
        ]
        self.fields["format"].help_text = _(
            "XLSX untuk dibuka di Excel atau LibreOffice (angka tetap angka); CSV untuk "
            "diolah aplikasi lain."
        )
        self.initial.setdefault("format", "0")
        self.initial.setdefault("resource", "0")


class RecapForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Periode"), queryset=Period.objects.none())
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "XLSX"), ("csv", "CSV")], initial="xlsx"
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.filter(region__in=regions).select_related(
            "region"
        )


def posted_versions(request, ids) -> dict[int, int | None]:
    """The version of each selected row as the reviewer's page showed it (None if absent)."""
    versions = {}
    for pk in ids:
        raw = request.POST.get(f"version-{pk}", "")
        versions[int(pk)] = int(raw) if raw.isdigit() else None
    return versions


@admin.register(Submission)
class SubmissionAdmin(CheckedExportMixin, ReadinessAdminMixin, RegionScopedAdmin):
    region_path = "period__region"
    list_display = [
        "agency_code",
        "item_code",
        "indicator",
        "answer",
        "evidence_count",
        "status_badge",
        "updated_at",
    ]
    list_display_links = ["item_code"]
    list_filter = [
        YearFilter,
        region_filter("period__region"),
        ClusterFilter,
        IndicatorFilter,
        agency_filter("agency"),
        "status",
        EvidenceMissingFilter,
        OverdueFilter,
        ReadinessFilter,
        FlagFilter,
    ]
    search_fields = ["item__code", "agency__code", "agency__name", "agency__short_name"]
    search_help_text = _("Cari kode butir (III.13.a) atau kode/nama OPD.")
    list_select_related = ["agency", "item__indicator__cluster", "period__region"]
    list_per_page = 50
    # Counting 100,000 rows twice per page view was most of a national changelist's time.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    actions = ["approve_selected", "return_selected", "reopen_selected"]
    change_form_template = "admin/indicators/submission/change_form.html"
    import_export_change_list_template = "admin/indicators/submission/change_list.html"
    resource_classes = [SubmissionResource, SubmissionValuesResource]
    formats = [XLSX, CSV]
    export_form_class = PortalExportForm
    export_template_name = "admin/indicators/submission/export.html"
    fieldsets = [
        (None, {"fields": ["period", "agency", "item_label", "status", "version"]}),
        (_("Jawaban"), {"fields": ["answer", "computed_value", "register_panel", "narrative"]}),
        (_("Data dukung"), {"fields": ["evidence_panel", "readiness_panel", "flags_panel"]}),
        (_("Riwayat tinjauan"), {"fields": ["review_history"]}),
        (_("Catatan waktu"), {"fields": ["submitted_at", "updated_at", "updated_by"]}),
    ]

    @property
    def media(self):
        # Submissions are never edited here, so the related-object popups' script (whose
        # unload listener Chromium deprecates) has nothing to do.
        media = super().media
        return forms.Media(
            js=[js for js in media._js if "RelatedObjectLookups" not in js], css=media._css
        )

    def get_queryset(self, request):
        evidence_count = (
            Evidence.objects.filter(submission=OuterRef("pk"))
            .order_by()
            .values("submission")
            .annotate(n=Count("pk"))
            .values("n")
        )
        # The change page shows the agency, item and period with its region: one join instead
        # of a query for each, as the list already does.
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .annotate(evidence_count=Coalesce(Subquery(evidence_count), 0))
        )

    def scope(self, request, queryset, regions=None):
        # By the regions' period ids, read first: with the list's joins, a region subquery
        # made PostgreSQL join all 100,000 submissions before filtering (270 ms per page).
        regions = readable_regions(request) if regions is None else regions
        periods = Period.objects.filter(region__in=regions)
        return queryset.filter(period_id__in=list(periods.values_list("pk", flat=True)))

    def get_ordering(self, request):
        return [STATUS_ORDER.asc(), "item_id", "agency_id", "pk"]

    # Submissions are entered by operators and by import; the admin reviews, never edits.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    # Deletes go through the workflow so evidence files leave storage only after the commit.
    def delete_model(self, request, obj):
        workflow.submission_delete(submission_id=obj.pk, actor=request.user)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            workflow.submission_delete(submission_id=pk, actor=request.user)

    def may_review(self, request):
        return roles.is_verifier(request.user) and super().has_change_permission(request)

    # exports: Indonesian sheets and headers, XLSX written with formats and widths

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        form = kwargs.get("export_form")
        values = form is not None and self.get_resource_index(form) == 1
        data.title = str(_("Nilai isian") if values else _("Isian"))
        return data

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if isinstance(file_format, XLSX):
            if not self.has_export_permission(request):
                raise PermissionDenied
            data = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
            return dataset_xlsx(data, review_formats())
        return super().get_export_data(file_format, request, queryset, **kwargs)

    def init_request_context_data(self, request, form):
        context = super().init_request_context_data(request, form)
        context["title"] = _("Ekspor isian")
        context["fields_list"] = [
            (resource.get_display_name(), resource().get_export_headers())
            for resource in self.get_export_resource_classes(request)
        ]
        return context

    def get_export_filename(self, request, queryset, file_format):
        return f"isian-kla-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def has_export_permission(self, request):
        return self.may_review(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.may_review(request):
            for name in ("approve_selected", "return_selected", "reopen_selected"):
                actions.pop(name, None)
        return actions

    # columns

    @admin.display(description=_("OPD"), ordering="agency__code")
    def agency_code(self, obj):
        return obj.agency.code

    @admin.display(description=_("butir"), ordering="item__code")
    def item_code(self, obj):
        return obj.item.code

    @admin.display(description=_("indikator"), ordering="item__indicator__code")
    def indicator(self, obj):
        return obj.item.indicator.code

    @admin.display(description=_("jawaban"))
    def answer(self, obj):
        return obj.answer_display()

    @admin.display(description=_("data dukung"), ordering="evidence_count")
    def evidence_count(self, obj):
        return obj.evidence_count

    @admin.display(description=_("status"), ordering=STATUS_ORDER)
    def status_badge(self, obj):
        # The hidden version rides along with the action form: a row changed since the page
        # was loaded is skipped instead of being approved blindly.
        return format_html(
            '<span class="kla-status status-{}">{}</span>'
            '<input type="hidden" name="version-{}" value="{}">',
            obj.status,
            obj.get_status_display(),
            obj.pk,
            obj.version,
        )

    # detail

    @admin.display(description=_("butir"))
    def item_label(self, obj):
        return f"{obj.item.code} {obj.item.label}"

    @admin.display(description=_("nilai terhitung"))
    def computed_value(self, obj):
        if obj.percentage is None:
            return "—"
        return format_percent(obj.percentage)

    @admin.display(description=_("register fasilitas"))
    def register_panel(self, obj):
        """For an item the register feeds: its value now, and whether the answer still matches."""
        from facilities import selectors as register

        measured = register.submission_register(obj)
        if measured is None:
            return _("Butir ini tidak diisi dari register.")
        state = register.take_state(obj, measured)
        badge = {
            register.CURRENT: ("kla-ok", _("Jawaban sesuai register")),
            register.OUT_OF_DATE: ("kla-bad", _("Kedaluwarsa: register berubah")),
            register.TYPED: ("kla-muted", _("Jawaban diketik ulang")),
            None: ("kla-muted", _("Jawaban tidak diambil dari register")),
        }[state]
        return format_html(
            '<strong class="{}">{}</strong><br>{}',
            badge[0],
            badge[1],
            register.sentence(measured),
        )

    @admin.display(description=_("berkas"))
    def evidence_panel(self, obj):
        files = list(obj.evidence.all())
        if not files:
            return _("Belum ada data dukung.")
        return format_html_join(
            "",
            '<div class="kla-evidence">{}<a href="{}" download>{}</a> '
            '<span class="kla-muted">{} · {} KB</span></div>',
            (
                (
                    format_html(
                        '<img class="kla-preview" src="{}" alt="{}"><br>',
                        evidence_download_url(e),
                        str(e),
                    )
                    if e.content_type.startswith("image/")
                    else "",
                    evidence_download_url(e),
                    _("Unduh %(name)s") % {"name": e},
                    e.original_name,
                    max(1, round(e.size / 1024)),
                )
                for e in files
            ),
        )

    @admin.display(description=_("riwayat"))
    def review_history(self, obj):
        events = obj.events.select_related("actor").order_by("-created_at", "-id")
        if not events:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(e.created_at).strftime("%d-%m-%Y %H:%M"),
                    e.get_action_display(),
                    e.get_from_status_display(),
                    e.get_to_status_display(),
                    e.actor or "—",
                    e.note,
                )
                for e in events
            ),
        )
        head = format_html(
            "<thead><tr>" + '<th scope="col">{}</th>' * 5 + "</tr></thead>",
            _("Waktu (WITA)"),
            _("Tindakan"),
            _("Status"),
            _("Oleh"),
            _("Catatan"),
        )
        return format_html('<table class="kla-history">{}<tbody>{}</tbody></table>', head, rows)

    def get_readonly_fields(self, request, obj=None):
        return [f for _, options in self.fieldsets for f in options["fields"]]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Here rather than in change_view, which would fetch the submission a second time.
        if obj is not None and self.may_review(request):
            context["review_actions"], context["review_refusal"] = workflow.available_actions(
                obj, request.user
            )
            context["review_url"] = reverse("admin:indicators_submission_review", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    # review actions

    def _review(self, request, queryset, action, note=""):
        ids = list(queryset.values_list("pk", flat=True))
        outcome = review.review_many(
            action=action, versions=posted_versions(request, ids), actor=request.user, note=note
        )
        level = messages.SUCCESS if not outcome.skipped else messages.WARNING
        self.message_user(request, outcome.message(), level)

    @admin.action(description=_("Setujui isian terpilih"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._review(request, queryset, review.APPROVE)

    @admin.action(
        description=_("Kembalikan isian terpilih (dengan catatan)"), permissions=["change"]
    )
    def return_selected(self, request, queryset):
        return self._note_step(request, queryset, review.RETURN)

    @admin.action(
        description=_("Buka kembali isian disetujui (dengan catatan)"), permissions=["change"]
    )
    def reopen_selected(self, request, queryset):
        return self._note_step(request, queryset, review.REOPEN)

    def _note_step(self, request, queryset, action):
        form = NoteForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._review(request, queryset, action, form.cleaned_data["note"])
            return None
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": {
                review.RETURN: _("Kembalikan isian ke OPD"),
                review.REOPEN: _("Buka kembali isian yang disetujui"),
            }[action],
            "form": form,
            "action": request.POST.get("action"),
            "selected": [(pk, request.POST.get(f"version-{pk}", "")) for pk in ids],
            "submissions": queryset.select_related("agency", "item")[:200],
            "count": len(ids),
        }
        return TemplateResponse(request, "admin/indicators/submission/note.html", context)

    # custom views

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="indicators_submission_import"),
            path(
                "import/template.xlsx",
                view(self.import_template_view),
                name="indicators_submission_import_template",
            ),
            path("recap/", view(self.recap_view), name="indicators_submission_recap"),
            path(
                "<int:pk>/review/",
                view(self.review_view),
                name="indicators_submission_review",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, pk):
        """The Approve / Return / Reopen buttons of the change page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, str(pk))
        if obj is None:
            raise PermissionDenied
        if not self.may_review(request):
            raise PermissionDenied
        action = request.POST.get("review")
        if action not in review.ACTIONS:
            raise PermissionDenied
        raw = request.POST.get("version", "")
        outcome = review.review_many(
            action=action,
            versions={obj.pk: int(raw) if raw.isdigit() else None},
            actor=request.user,
            note=request.POST.get("note", ""),
        )
        if outcome.done:
            self.message_user(request, outcome.message(), messages.SUCCESS)
        else:
            reason = next(iter(outcome.skipped))
            self.message_user(request, _("Tidak diproses: %(r)s") % {"r": reason}, messages.ERROR)
        return redirect(reverse("admin:indicators_submission_change", args=[obj.pk]))

    def import_view(self, request):
        """Upload, preview (dry run) and confirm an import of values; all or nothing."""
        if not self.may_review(request):
            raise PermissionDenied
        regions = scoped_regions(request)
        context = {**self.admin_site.each_context(request), "opts": self.opts}
        context["title"] = _("Impor nilai isian")
        if request.method == "POST" and "token" in request.POST:
            return self._import_confirm(request, regions, context)
        form = ImportForm(request.POST or None, request.FILES or None, regions=regions)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            period, status = form.cleaned_data["period"], form.cleaned_data["status"]
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                plan = importing.values_import(
                    content=content,
                    filename=upload.name,
                    period=period,
                    status=status,
                    actor=request.user,
                    dry_run=True,
                )
            except importing.ImportRejected as exc:
                context["errors"] = exc.errors
            else:
                token = _preview_token(period, status, upload.name, content, plan)
                context.update(plan=plan, token=token)
        return TemplateResponse(request, "admin/indicators/submission/import.html", context)

    def import_template_view(self, request):
        """The import template: the header the importer reads, the rules and the codes."""
        if not self.may_review(request):
            raise PermissionDenied
        regions = scoped_regions(request)
        period = (
            Period.objects.filter(region__in=regions)
            .select_related("framework")
            .order_by("locked", "-year")
            .first()
        )
        agencies = Agency.objects.filter(region__in=regions).order_by("code").distinct()
        content = import_template(period.framework if period else None, agencies)
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="templat-impor-nilai-kla.xlsx"'
        return response

    def _import_confirm(self, request, regions, context):
        try:
            data = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=3600)
            content = base64.b64decode(data["content"])
            seen, confirmation = data["seen"], data["id"]
        except (signing.BadSignature, binascii.Error, KeyError):
            self.message_user(request, _("Pratinjau kedaluwarsa; unggah ulang."), messages.ERROR)
            return redirect("admin:indicators_submission_import")
        period = get_object_or_404(Period.objects.filter(region__in=regions), pk=data["period"])
        try:
            plan = importing.values_import(
                content=content,
                filename=data["name"],
                period=period,
                status=data["status"],
                actor=request.user,
                replace_approved=request.POST.get("replace_approved") == "on",
                seen=seen,
                confirmation=confirmation,
            )
        except importing.ApprovedWouldChange as exc:
            # The same preview again, with the rows and the choice it needs: the token is
            # still unused, since the refused import rolled back.
            context.update(errors=exc.errors, plan=exc.plan, token=request.POST["token"])
            return TemplateResponse(request, "admin/indicators/submission/import.html", context)
        except importing.ImportRejected as exc:
            context.update(
                errors=exc.errors, form=ImportForm(regions=regions, initial={"period": period})
            )
            return TemplateResponse(request, "admin/indicators/submission/import.html", context)
        self.message_user(
            request,
            _("Impor selesai: %(new)d baru, %(changed)d berubah, %(same)d tetap.")
            % {"new": len(plan.new), "changed": len(plan.changed), "same": len(plan.unchanged)},
            messages.SUCCESS,
        )
        query = urlencode({"year": period.year, "region": period.region.slug})
        return redirect(reverse("admin:indicators_submission_changelist") + "?" + query)

    def recap_view(self, request):
        """The recap for the national application, per cluster and indicator, as a file."""
        if not self.may_review(request):
            raise PermissionDenied
        form = RecapForm(request.GET or None, regions=scoped_regions(request))
        if form.is_valid():
            period = form.cleaned_data["period"]
            content, content_type, ext = dataset_file(
                recap_dataset(period), form.cleaned_data["format"]
            )
            response = HttpResponse(content, content_type=content_type)
            name = f"rekap-kla-{period.region.slug}-{period.year}.{ext}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Rekap untuk aplikasi KLA nasional"),
            "form": form,
        }
        return TemplateResponse(request, "admin/indicators/submission/recap.html", context)


def _preview_token(period, status, name, content: bytes, plan) -> str:
    """The confirm form's signed token: the previewed file, the versions it saw, a single-use id.

    The confirmed import is exactly the previewed file, applied only if no submission it
    touches changed since (`seen`), once (`id`, recorded by `importing` when it is used).
    """
    return signing.dumps(
        {
            "period": period.pk,
            "status": status,
            "name": name,
            "content": base64.b64encode(content).decode(),
            "seen": plan.versions(),
            "id": secrets.token_urlsafe(18),
        },
        salt=IMPORT_SALT,
        compress=True,
    )

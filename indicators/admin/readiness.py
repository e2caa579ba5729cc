"""The verifier's view of readiness: the checklist and signs beside a submission's files, and
changelist filters by readiness and by sign.

The filters judge the rows already narrowed by the other filters in Python with the one rule
(`selectors.readiness.evaluate`), in a fixed number of queries: dates relative to each period's
reference date are not portable SQL, and one rule beats a second copy in SQL. So that a
national list cannot make one request judge every submission of the country, they judge at
most JUDGE_AT_MOST rows and otherwise ask for a region or year first.
"""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from indicators.models import Period
from indicators.selectors import flags as flag_signs
from indicators.selectors import readiness as ready


def _readiness_and_flags(obj):
    # The change page shows both panels: judge once per request's object, its files read once.
    if not hasattr(obj, "_kla_readiness"):
        files = list(obj.evidence.all())
        requirements = ready.requirements_by_item([obj.item_id]).get(obj.item_id, [])
        documents = [ready.document_of(e) for e in files]
        obj._kla_readiness = ready.evaluate(requirements, documents, obj.period.reference_on)
        obj._kla_flags = flag_signs.flags_of([obj], {obj.pk: obj._kla_readiness}, files=files)[
            obj.pk
        ]
    return obj._kla_readiness, obj._kla_flags


class ReadinessAdminMixin:
    """Readonly panels of the submission change page."""

    @admin.display(description=_("kesiapan verifikasi"))
    def readiness_panel(self, obj):
        readiness, _flags = _readiness_and_flags(obj)
        state = _("siap") if readiness.ready else _("belum siap")
        head = format_html(
            '<p class="kla-readiness kla-{}"><strong>{}</strong> · {} {}{}</p>',
            "ready" if readiness.ready else "not-ready",
            state,
            _("tanggal acuan"),
            readiness.reference_date.strftime("%d-%m-%Y"),
            format_html(" · <strong>{}</strong>", _("disetujui dengan kekurangan"))
            if obj.status == "approved" and obj.approved_with_gaps
            else "",
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    c.requirement.code,
                    c.requirement.name,
                    _("wajib") if c.requirement.required else _("pelengkap"),
                    c.label,
                )
                for c in readiness.checks
            ),
        )
        return format_html('{}<table class="kla-checklist">{}</table>', head, rows)

    @admin.display(description=_("tanda data"))
    def flags_panel(self, obj):
        _readiness, flags = _readiness_and_flags(obj)
        if not flags:
            return _("Tidak ada tanda data.")
        items = format_html_join(
            "", '<li class="kla-flag" data-flag="{}">{}</li>', ((f.code, f.message) for f in flags)
        )
        note = obj.flag_note or _("(OPD belum memberi penjelasan)")
        return format_html("<ul>{}</ul><p>{}: {}</p>", items, _("Penjelasan OPD"), note)


# A region's year is about 2,000 submissions; a national list is 100,000 and more.
JUDGE_AT_MOST = 20_000


def _few_enough(request, queryset) -> bool:
    """Whether the filtered rows are few enough to judge in this request; else say what to do."""
    if queryset.order_by()[JUDGE_AT_MOST : JUDGE_AT_MOST + 1].exists():
        messages.warning(
            request,
            _(
                "Saringan kesiapan dan tanda data hanya dipakai untuk paling banyak %(n)s isian "
                "sekaligus: pilih wilayah atau tahun terlebih dahulu."
            )
            % {"n": f"{JUDGE_AT_MOST:,}".replace(",", ".")},
        )
        return False
    return True


class ReadinessFilter(admin.SimpleListFilter):
    title = _("kesiapan verifikasi")
    parameter_name = "readiness"

    def lookups(self, request, model_admin):
        return [
            ("ready", _("siap")),
            ("not_ready", _("belum siap")),
            ("gaps", _("disetujui dengan kekurangan")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "gaps":
            return queryset.filter(status="approved", approved_with_gaps=True)
        if self.value() not in ("ready", "not_ready") or not _few_enough(request, queryset):
            return queryset
        rows = list(queryset.order_by().values_list("pk", "item_id", "period_id"))
        references = {
            p.pk: p.reference_on for p in Period.objects.filter(pk__in={r[2] for r in rows})
        }
        want = self.value() == "ready"
        judged = ready.readiness_of_rows(rows, references)
        return queryset.filter(pk__in=[pk for pk, r in judged.items() if r.ready == want])


class FlagFilter(admin.SimpleListFilter):
    title = _("tanda data")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [("any", _("ada tanda apa pun"))] + [
            (code, flag_signs.label(code)) for code in flag_signs.CODES
        ]

    def queryset(self, request, queryset):
        wanted = self.value()
        if wanted != "any" and wanted not in flag_signs.CODES:
            return queryset
        if not _few_enough(request, queryset):
            return queryset
        submissions = list(queryset.order_by().select_related("item", "period"))
        readiness = ready.readiness_of(submissions)
        flags = flag_signs.flags_of(submissions, readiness)
        ids = [
            pk
            for pk, found in flags.items()
            if found and (wanted == "any" or any(f.code == wanted for f in found))
        ]
        return queryset.filter(pk__in=ids)

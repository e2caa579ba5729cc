"""manage.py attach_evidence PATH --period YEAR --region SLUG --agency CODE --item CODE
--requirement CODE --document-date YYYY-MM-DD [--valid-until YYYY-MM-DD] [--number TEXT]
[--title TEXT]"""

import datetime
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from clusters.models import EvidenceRequirement
from indicators.models import Agency, Assignment
from indicators.selectors.periods import NotFound, period_for, region_by_slug
from indicators.selectors.workspace import submission_for
from indicators.services import documents, workflow


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"Tanggal '{text}' tidak terbaca: tulis YYYY-MM-DD, mis. 2026-03-31."
        ) from None


class Command(BaseCommand):
    help = (
        "Lampirkan satu berkas sebagai dokumen yang diminta sebuah butir, dengan pemeriksaan "
        "isi yang sama seperti unggahan di portal. Isian yang belum ada dibuat sebagai draf."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="berkas PDF, PNG, JPEG, XLSX, DOCX, ODT atau ODS")
        parser.add_argument("--period", type=int, required=True, help="tahun periode")
        parser.add_argument("--region", required=True, help="kode wilayah, mis. balikpapan")
        parser.add_argument("--agency", required=True, help="kode OPD, mis. DINKES")
        parser.add_argument("--item", required=True, help="kode butir, mis. II.9.a")
        parser.add_argument("--requirement", required=True, help="kode dokumen, mis. sk")
        parser.add_argument("--document-date", required=True, help="tanggal dokumen YYYY-MM-DD")
        parser.add_argument("--valid-until", help="berlaku sampai YYYY-MM-DD")
        parser.add_argument("--number", default="", help="nomor dokumen")
        parser.add_argument("--title", default="", help="judul berkas")

    def handle(self, *args, **options):
        # Messages from the services read in Indonesian, as the rest of the command does.
        with translation.override("id"):
            evidence = self._attach(**options)
        self.stdout.write(
            self.style.SUCCESS(
                f"Berkas {evidence.original_name} dilampirkan ke {options['item']} "
                f"{options['agency']} sebagai '{evidence.requirement.code}' "
                f"(SHA-256 {evidence.sha256[:12]}…)."
            )
        )

    def _attach(self, *, path, period, region, agency, item, requirement, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"Berkas '{path}' tidak ditemukan.")
        document_date = _date(options["document_date"])
        valid_until = _date(options["valid_until"]) if options["valid_until"] else None
        try:
            target = period_for(region_by_slug(region), period)
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        owner = Agency.objects.filter(region=target.region, code=agency).first()
        if owner is None:
            raise CommandError(f"OPD '{agency}' tidak ada di {target.region.name}.")
        assignment = (
            Assignment.objects.filter(
                agency=owner,
                item__code=item,
                item__indicator__cluster__framework_id=target.framework_id,
            )
            .select_related("item")
            .first()
        )
        if assignment is None:
            raise CommandError(f"Butir '{item}' tidak ditugaskan ke {agency} pada periode ini.")
        wanted = EvidenceRequirement.objects.filter(item=assignment.item, code=requirement).first()
        if wanted is None:
            known = ", ".join(
                assignment.item.evidence_requirements.order_by("order").values_list(
                    "code", flat=True
                )
            )
            raise CommandError(
                f"Dokumen '{requirement}' tidak diminta butir {item}. "
                f"Yang diminta: {known or '(tidak ada)'}."
            )
        try:
            # One transaction: a draft made to hold the file goes if the file is refused.
            with transaction.atomic():
                dates = (document_date, valid_until)
                return self._store(source, owner, assignment.item, target, wanted, dates, options)
        except workflow.WorkflowError as exc:
            raise CommandError(str(exc)) from None

    def _store(self, source, owner, item, target, wanted, dates, options):
        """The agency's submission (a new draft if none) with the file attached as the document."""
        submission = submission_for(agency=owner, item=item, period=target)
        if submission.pk is None:
            submission = workflow.submission_save(
                submission=submission, values={}, actor=None, version=None
            )
        with source.open("rb") as handle:
            return documents.document_add(
                submission=submission,
                upload=File(handle, name=source.name),
                actor=None,
                requirement=wanted,
                document_date=dates[0],
                valid_until=dates[1],
                number=options["number"],
                title=options["title"],
            )

"""manage.py import_values PATH --period YEAR --region SLUG [--status ...] [--dry-run]
[--replace-approved]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.selectors.periods import NotFound, period_for, region_by_slug
from indicators.services.importing import (
    IMPORT_STATUSES,
    ApprovedWouldChange,
    ImportRejected,
    values_import,
)


class Command(BaseCommand):
    help = (
        "Impor nilai isian dari CSV atau XLSX "
        "(kolom agency,item,numerator,denominator,value,note). "
        "Semua atau tidak sama sekali: satu baris salah membatalkan seluruh impor. "
        "Baris yang sama dengan isian tersimpan tidak mengubah apa pun; mengubah isian yang "
        "sudah disetujui memerlukan --replace-approved. --status approved menyetujui apa "
        "adanya dan melaporkan baris yang belum memiliki data dukung wajib."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="berkas CSV atau XLSX")
        parser.add_argument("--period", type=int, required=True, help="tahun periode, mis. 2026")
        parser.add_argument("--region", required=True, help="kode wilayah, mis. balikpapan")
        parser.add_argument("--status", choices=IMPORT_STATUSES, default="submitted")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tanpa menyimpan")
        parser.add_argument(
            "--replace-approved",
            action="store_true",
            help="izinkan mengubah isian yang sudah disetujui (persetujuannya ditinjau ulang)",
        )

    def handle(self, *args, path, period, region, status, dry_run, replace_approved, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"Berkas '{path}' tidak ditemukan.")
        try:
            target = period_for(region_by_slug(region), period)
            plan = values_import(
                content=source.read_bytes(),
                filename=source.name,
                period=target,
                status=status,
                dry_run=dry_run,
                replace_approved=replace_approved,
                # `--status approved` is the server operator's load of values checked
                # elsewhere (DESIGN's contract and its worked examples rely on it): approved
                # as they are, with the rows lacking required evidence reported. The admin
                # import, DP3AKB's everyday tool, holds those rows as submitted instead.
                evidence_rule=False,
            )
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        except ApprovedWouldChange as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _(
                    "Impor dibatalkan, tidak ada data yang diubah: %(count)s isian yang sudah "
                    "disetujui akan berubah (nilai terverifikasi %(before)s -> %(after)s). "
                    "Ulangi dengan --replace-approved bila memang dimaksud."
                )
                % {
                    "count": len(exc.errors),
                    "before": exc.plan.verified_before,
                    "after": exc.plan.verified_after,
                }
            ) from None
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Impor dibatalkan: {len(exc.errors)} kesalahan, tidak ada data yang diubah."
            ) from None
        self._report(plan, target, status, dry_run=dry_run, replace_approved=replace_approved)

    def _report(self, plan, target, status, *, dry_run, replace_approved):
        for row, current in sorted(plan.changed, key=lambda pair: pair[0].row):
            after = row.as_submission()
            self.stdout.write(
                _(
                    "baris %(row)s: %(agency)s %(item)s: %(old)s (%(old_status)s) -> "
                    "%(new)s (%(new_status)s)"
                )
                % {
                    "row": row.row,
                    "agency": row.agency.code,
                    "item": row.item.code,
                    "old": current.answer_display(),
                    "old_status": current.get_status_display(),
                    "new": after.answer_display(),
                    "new_status": after.get_status_display(),
                }
            )
        verb = "akan diimpor (uji coba, tidak disimpan)" if dry_run else "diimpor"
        self.stdout.write(
            self.style.SUCCESS(
                f"{plan.total} baris {verb} ke {target} sebagai {status}: "
                f"{len(plan.new)} baru, {len(plan.changed)} berubah, "
                f"{len(plan.unchanged)} tetap."
            )
        )
        if plan.approved_changed or plan.verified_before != plan.verified_after:
            self.stdout.write(
                _(
                    "Isian disetujui yang berubah: %(count)s; nilai terverifikasi "
                    "%(before)s -> %(after)s."
                )
                % {
                    "count": len(plan.approved_changed),
                    "before": plan.verified_before,
                    "after": plan.verified_after,
                }
            )
        if plan.approved_changed and dry_run and not replace_approved:
            self.stdout.write(
                self.style.WARNING(_("Impor sungguhan akan ditolak tanpa --replace-approved."))
            )
        if plan.lacking_evidence:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(count)s baris disetujui tanpa data dukung wajib: lengkapi data "
                        "dukungnya lewat Portal KLA."
                    )
                    % {"count": len(plan.lacking_evidence)}
                )
            )

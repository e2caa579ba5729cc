"""manage.py import_values PATH --period YEAR --region SLUG [--status ...] [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.selectors.periods import NotFound, period_for, region_by_slug
from indicators.services.importing import IMPORT_STATUSES, ImportRejected, values_import


class Command(BaseCommand):
    help = (
        "Impor nilai isian dari CSV atau XLSX "
        "(kolom agency,item,numerator,denominator,value,note). "
        "Semua atau tidak sama sekali: satu baris salah membatalkan seluruh impor."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="berkas CSV atau XLSX")
        parser.add_argument("--period", type=int, required=True, help="tahun periode, mis. 2026")
        parser.add_argument("--region", required=True, help="kode wilayah, mis. balikpapan")
        parser.add_argument("--status", choices=IMPORT_STATUSES, default="submitted")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tanpa menyimpan")

    def handle(self, *args, path, period, region, status, dry_run, **options):
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
            )
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Impor dibatalkan: {len(exc.errors)} kesalahan, tidak ada data yang diubah."
            ) from None
        verb = "akan diimpor (uji coba, tidak disimpan)" if dry_run else "diimpor"
        self.stdout.write(
            self.style.SUCCESS(
                f"{plan.total} baris {verb} ke {target} sebagai {status}: "
                f"{len(plan.new)} baru, {len(plan.changed)} berubah, "
                f"{len(plan.unchanged)} tetap."
            )
        )

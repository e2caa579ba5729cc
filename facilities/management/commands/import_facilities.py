"""manage.py import_facilities PATH --region SLUG [--dry-run]: the register from CSV or XLSX."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from facilities.importing import HEADER, ImportRejected, register_import
from indicators.selectors.periods import NotFound, region_by_slug


class Command(BaseCommand):
    help = (
        "Impor register fasilitas dan sertifikasinya dari CSV atau XLSX (kolom "
        + ",".join(HEADER)
        + "). Jenis dan standar dengan kode berkas acuan, kelurahan dengan kode Kemendagri, "
        "tanggal TTTT-BB-HH. Baris tanpa standar hanya mendaftarkan tempat; jenis, nama dan "
        "kelurahan yang sama adalah tempat yang sama. Semua atau tidak sama sekali."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="berkas CSV atau XLSX")
        parser.add_argument("--region", required=True, help="kode wilayah, mis. balikpapan")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tanpa menyimpan")

    def handle(self, *args, path, region, dry_run, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"Berkas '{path}' tidak ditemukan.")
        try:
            target = region_by_slug(region)
            plan = register_import(
                content=source.read_bytes(), filename=source.name, region=target, dry_run=dry_run
            )
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Impor dibatalkan: {len(exc.errors)} kesalahan, tidak ada data yang diubah."
            ) from None
        verb = "uji coba, tidak disimpan" if dry_run else "diimpor"
        self.stdout.write(self.style.SUCCESS(f"{target} ({verb}): {plan.summary()}"))

"""manage.py backup [--output DIR] [--archive]: database dump plus evidence files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.services.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Cadangkan basis data (JSON dumpdata) dan semua berkas data dukung ke folder bertanggal "
        "berisi manifest.json dengan checksum SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="folder tujuan (bawaan: backups)")
        parser.add_argument("--archive", action="store_true", help="simpan sebagai .tar.gz")

    def handle(self, *args, output, archive, **options):
        try:
            report = backup_create(output=Path(output), archive=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for name in report.missing:
            self.stderr.write(self.style.WARNING(f"Berkas data dukung hilang dari storage: {name}"))
        rows = sum(report.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Cadangan dibuat: {report.path} ({rows} baris, {report.files} berkas)"
            )
        )

"""manage.py restore PATH: a backup folder or .tar.gz into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.services.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Pulihkan cadangan dari 'manage.py backup' ke basis data kosong: periksa checksum, "
        "migrate, loaddata, lalu kembalikan berkas data dukung."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="folder cadangan atau berkas .tar.gz")

    def handle(self, *args, path, **options):
        try:
            report = backup_restore(source=Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(report.counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Cadangan dipulihkan: {rows} baris, {report.files} berkas.")
        )

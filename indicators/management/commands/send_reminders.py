"""manage.py send_reminders [--days N] [--region SLUG]: daily deadline emails, for cron."""

from django.core.management.base import BaseCommand, CommandError

from indicators.selectors.periods import NotFound, region_by_slug
from indicators.services.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Kirim email pengingat ke setiap OPD yang masih punya butir belum diisi atau "
        "dikembalikan bila batas pengisian tinggal N hari, dan ke setiap OPD yang sertifikat "
        "fasilitasnya di register segera berakhir (FACILITY_EXPIRY_ALERT_DAYS). Aman "
        "dijalankan berulang: satu email per OPD, jenis pengingat dan hari."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=7, help="kirim bila tenggat ≤ N hari lagi (7)"
        )
        parser.add_argument("--region", help="kode wilayah, mis. balikpapan (semua bila kosong)")

    def handle(self, *args, days, region, **options):
        if days < 0:
            raise CommandError("--days tidak boleh negatif.")
        try:
            chosen = region_by_slug(region) if region else None
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        report = reminders_send(days=days, region=chosen)
        self.stdout.write(
            f"Terkirim: {len(report.sent)} OPD {' '.join(report.sent)}".rstrip()
            + f"\nSudah dikirim hari ini: {len(report.already_sent)}"
            + f"\nTanpa alamat email: {len(report.without_recipients)}"
            + (f" ({' '.join(report.without_recipients)})" if report.without_recipients else "")
            + "\nSertifikat segera berakhir: "
            + f"{len(report.certificates_sent)} OPD {' '.join(report.certificates_sent)}".rstrip()
            + f", sudah dikirim hari ini: {len(report.certificates_already_sent)}"
            + f", tanpa alamat email: {len(report.certificates_without_recipients)}"
        )

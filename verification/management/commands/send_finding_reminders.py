"""manage.py send_finding_reminders: the one email before a finding's due time, for cron
(hourly, beside the daily send_reminders); it also freezes the forecast of periods whose
self-assessment day has come."""

from django.core.management.base import BaseCommand

from verification.services.mail import finding_reminders_send
from verification.services.stages import forecasts_freeze_due


class Command(BaseCommand):
    help = (
        "Kirim satu email pengingat untuk setiap catatan verifikator yang masih terbuka dan "
        "tenggatnya tinggal FINDING_REMINDER_HOURS jam, dan bekukan perkiraan periode yang "
        "tanggal penilaian mandirinya sudah tiba. Aman dijalankan berulang: satu pengingat "
        "per catatan."
    )

    def handle(self, *args, **options):
        frozen = forecasts_freeze_due()
        report = finding_reminders_send()
        self.stdout.write(
            f"Pengingat catatan terkirim: {len(report.sent)}"
            + f"\nTanpa alamat email: {len(report.without_recipients)}"
            + f"\nPerkiraan dibekukan: {frozen}"
        )

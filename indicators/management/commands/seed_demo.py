"""manage.py seed_demo [--without-values] [--password PW]: the Kota Balikpapan demo."""

from django.core.management.base import BaseCommand, CommandError

from clusters.selectors import current_framework
from facilities.seeding import register_seed
from facilities.services import reference_load
from indicators.seeding.demo import demo_seed


class Command(BaseCommand):
    help = "Buat data demo Kota Balikpapan: kecamatan, OPD, penugasan, periode dan pengguna."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-values", action="store_true", help="tanpa isian contoh (periode kosong)"
        )
        parser.add_argument(
            "--password", help="kata sandi semua pengguna demo (bawaan: acak, dicetak sekali)"
        )

    def handle(self, *args, without_values, password, **options):
        framework = current_framework()
        if framework is None:
            raise CommandError("Instrumen belum dimuat: jalankan dulu 'manage.py load_framework'.")
        reference_load()
        report = demo_seed(framework=framework, with_values=not without_values, password=password)
        self.stdout.write(f"{report.region.name}: periode {report.period.year} ({framework}).")
        places = register_seed(report.region, report.period.reference_on)
        if places:
            self.stdout.write(f"{places} tempat di register fasilitas dibuat.")
        if report.filled:
            self.stdout.write(f"{report.filled} isian contoh dibuat.")
        if report.created_users:
            self.stdout.write("Pengguna dibuat: " + ", ".join(report.created_users))
        if report.password and not password:
            self.stdout.write(
                self.style.WARNING(
                    f"Kata sandi pengguna demo baru: {report.password} "
                    "(hanya ditampilkan sekali; ganti dengan --password)"
                )
            )
        elif password:
            self.stdout.write("Kata sandi semua pengguna demo diatur dari --password.")
        else:
            self.stdout.write("Pengguna demo sudah ada; kata sandi tidak diubah.")

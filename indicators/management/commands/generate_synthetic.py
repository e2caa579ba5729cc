"""manage.py generate_synthetic --regions N --periods P --seed S: national benchmark data."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clusters.selectors import current_framework
from indicators.seeding.synthetic import SyntheticError, synthetic_generate


class Command(BaseCommand):
    help = (
        "Buat data sintetis berskala nasional untuk uji kinerja: wilayah r0001..rNNNN dengan "
        "OPD, pengguna, penugasan, periode, isian, data dukung (tanpa berkas) dan riwayat. "
        "Deterministik untuk --seed yang sama; wilayah yang sudah ada dilewati."
    )

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=int, required=True, help="jumlah kabupaten/kota")
        parser.add_argument("--periods", type=int, default=1, help="jumlah tahun (bawaan 1)")
        parser.add_argument("--seed", type=int, default=1, help="benih acak (bawaan 1)")
        parser.add_argument("--agencies", type=int, default=40, help="OPD per wilayah")
        parser.add_argument(
            "--year", type=int, default=None, help="tahun periode terbuka (bawaan: tahun ini)"
        )
        parser.add_argument(
            "--password",
            help="kata sandi semua pengguna sintetis (bawaan: tidak bisa masuk dengan sandi)",
        )

    def handle(self, *args, regions, periods, seed, agencies, year, password, **options):
        framework = current_framework()
        if framework is None:
            raise CommandError("Instrumen belum dimuat: jalankan dulu 'manage.py load_framework'.")
        started = time.monotonic()
        try:
            report = synthetic_generate(
                regions=regions,
                periods=periods,
                seed=seed,
                framework=framework,
                year=year or timezone.localdate().year,
                agencies=agencies,
                password=password,
            )
        except SyntheticError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.monotonic() - started
        if report.skipped_regions:
            self.stdout.write(
                f"{len(report.skipped_regions)} wilayah sudah ada dan dilewati "
                f"({report.skipped_regions[0]} ... {report.skipped_regions[-1]})."
            )
        counts = ", ".join(f"{name} {count}" for name, count in report.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created_regions)} wilayah dibuat dalam {elapsed:.1f} s: {counts}."
            )
        )

"""manage.py load_regions [--province 64|NAMA] [--source DIR] [--package-version X.Y.Z]

Kemendagri's regions, kecamatan and kelurahan from the npm package idn-area-data (fetched on
demand with `npm pack` into .cache/, or read from --source, a directory of its CSV files).
"""

from django.core.management.base import BaseCommand, CommandError

from indicators.services.areas import VERSION, AreasError, areas_load, package_directory


class Command(BaseCommand):
    help = (
        "Muat daftar resmi kabupaten/kota, kecamatan dan kelurahan/desa dari paket npm "
        "idn-area-data (yang belum ada saja; aman dijalankan ulang)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", help="kode (64) atau nama provinsi; kosong: nasional")
        parser.add_argument("--source", help="direktori berisi provinces.csv ... villages.csv")
        parser.add_argument("--package-version", dest="package_version", default=VERSION)

    def handle(self, *args, province, source, package_version, **options):
        try:
            directory = source or package_directory(package_version)
            loaded = areas_load(directory, province)
        except AreasError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Dibuat: {loaded.regions} kabupaten/kota, {loaded.kecamatan} kecamatan, "
            f"{loaded.kelurahan} kelurahan/desa."
        )

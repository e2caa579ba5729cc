"""manage.py verification_pack --period YEAR --region SLUG --output PATH.zip [--scope ...]
[--cluster CODE] [--agency CODE] [--item CODE]"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.answers import format_number
from indicators.exports.verification_pack import pack_write
from indicators.selectors.packs import SCOPES, Filters, check_filters
from indicators.selectors.periods import NotFound, period_for, region_by_slug


def megabytes(size: int) -> str:
    return f"{format_number(size / (1024 * 1024), 1)} MB"


class Command(BaseCommand):
    help = (
        "Paket verifikasi: semua berkas dukung cakupan yang dipilih dalam satu ZIP, dengan "
        "index.xlsx, index.html dan SHA256SUMS, untuk jendela unggah 2x24 jam."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="tahun periode")
        parser.add_argument("--region", required=True, help="kode wilayah, mis. balikpapan")
        parser.add_argument("--output", required=True, help="berkas ZIP yang ditulis")
        parser.add_argument("--scope", choices=SCOPES, default="approved")
        parser.add_argument("--cluster", default="", help="kode klaster, mis. II")
        parser.add_argument("--agency", default="", help="kode OPD, mis. DLH")
        parser.add_argument("--item", default="", help="kode butir, mis. II.11.a")

    def handle(self, *args, period, region, output, scope, cluster, agency, item, **options):
        output = Path(output)
        if output.suffix.lower() != ".zip":
            raise CommandError(f"--output harus berakhiran .zip, bukan '{output.name}'.")
        if not output.parent.is_dir():
            raise CommandError(f"Folder '{output.parent}' tidak ada.")
        try:
            found = period_for(region_by_slug(region), period)
            filters = check_filters(found, Filters(scope, cluster, agency, item))
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        partial = output.with_name(output.name + ".part")
        shown = {"step": -1}

        def progress(state):
            # One line per file, and no more than every 5 % within a large one.
            step = state.bytes_done * 20 // state.bytes_total if state.bytes_total else 0
            if state.current and (step != shown["step"] or state.files_done != shown.get("n")):
                shown.update(step=step, n=state.files_done)
                percent = state.bytes_done * 100 // state.bytes_total if state.bytes_total else 100
                self.stderr.write(
                    f"[{state.files_done}/{state.files_total}] {percent:3d}% "
                    f"{megabytes(state.bytes_done)} / {megabytes(state.bytes_total)} "
                    f"{state.current}"
                )

        try:
            result = pack_write(partial, period=found, filters=filters, progress=progress)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, output)
        for left in result.left_out:
            self.stderr.write(
                self.style.WARNING(
                    f"TIDAK DISERTAKAN: {left['item']} {left['agency']} '{left['name']}': "
                    f"{left['reason']}"
                )
            )
        files = len({row.path for row in result.packed})
        self.stdout.write(
            f"Paket verifikasi ditulis ke {output}: {files} berkas, "
            f"{megabytes(result.bytes_packed)}"
            + (f"; {len(result.left_out)} berkas tidak disertakan" if result.left_out else "")
            + "."
        )

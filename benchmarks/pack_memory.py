"""Memory of `verification_pack` while it packs a few hundred MB (docs/PERFORMANCE.md).

Usage: .venv/bin/python benchmarks/pack_memory.py [--files 40] [--megabytes 8]

Makes a throw-away SQLite database and media folder, the demo city and one approved submission
per file (random content, so nothing compresses), then runs the command twice in fresh
processes: once on a scope with no files (the baseline: Django, the ORM, openpyxl) and once on
the whole pack. Each child reports its peak resident set (VmHWM, else ru_maxrss) and the peak
of Python allocations (tracemalloc). Nothing is timed.
"""

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MB = 1024 * 1024


def setup(folder: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "kla_portal.test_settings",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
        }
    )
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = folder / "media"


def seed(files: int, megabytes: int) -> int:
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from clusters.models import Item
    from indicators.models import Agency, Evidence, Period, Submission

    call_command("migrate", verbosity=0)
    call_command("load_framework", verbosity=0)
    call_command("seed_demo", "--without-values", "--password", "pack-memory-only", verbosity=0)
    period = Period.objects.filter(region__slug="balikpapan").order_by("-year").first()
    items = list(Item.objects.filter(indicator__cluster__framework=period.framework)[:files])
    agency = Agency.objects.get(region=period.region, code="DP3AKB")
    for n in range(files):
        item = items[n % len(items)]
        submission, _ = Submission.objects.get_or_create(
            agency=agency, item=item, period=period, defaults={"status": "approved", "count": 1}
        )
        content = os.urandom(megabytes * MB)
        evidence = Evidence(
            submission=submission,
            original_name=f"dokumen-{n:03d}.pdf",
            kind="document",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        evidence.file.save(f"dokumen-{n:03d}.pdf", ContentFile(content), save=True)
    return period.year


def peak_rss() -> int:
    """This process's peak resident set in bytes. VmHWM belongs to this program alone;
    ru_maxrss would also count the parent's pages at the fork."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(year: int, output: str, item: str) -> None:
    import tracemalloc

    from django.core.management import call_command

    tracemalloc.start()
    with open(os.devnull, "w") as quiet:
        call_command(
            "verification_pack", period=year, region="balikpapan", output=output, item=item,
            stdout=quiet, stderr=quiet,
        )  # fmt: skip
    _current, peak = tracemalloc.get_traced_memory()
    rss = peak_rss()
    print(json.dumps({"traced_peak": peak, "max_rss": rss, "size": Path(output).stat().st_size}))


def measure(folder: Path, year: int, item: str, name: str) -> dict:
    output = folder / name
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--child", str(folder), str(year), str(output), item],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--megabytes", type=int, default=8, help="size of each file")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        folder, year, output, item = options.child
        setup(Path(folder))
        child(int(year), output, item)
        return
    with tempfile.TemporaryDirectory(prefix="kla-pack-memory-") as raw:
        folder = Path(raw)
        setup(folder)
        year = seed(options.files, options.megabytes)
        from clusters.models import Item

        empty = Item.objects.exclude(submissions__evidence__isnull=False).first().code
        baseline = measure(folder, year, empty, "empty.zip")
        full = measure(folder, year, "", "full.zip")
    total = options.files * options.megabytes
    print(f"evidence packed: {options.files} files x {options.megabytes} MB = {total} MB")
    print(f"archive size: {full['size'] / MB:.1f} MB")
    for label, run in (("baseline (no files)", baseline), ("full pack", full)):
        print(
            f"{label}: max RSS {run['max_rss'] / MB:.1f} MB, "
            f"tracemalloc peak {run['traced_peak'] / MB:.2f} MB"
        )
    print(f"RSS added by packing {total} MB: {(full['max_rss'] - baseline['max_rss']) / MB:.1f} MB")


if __name__ == "__main__":
    main()

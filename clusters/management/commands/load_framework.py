"""manage.py load_framework: load the bundled edition(s); running it twice changes nothing."""

from django.core.management.base import BaseCommand

from clusters.services import bundled_editions, framework_load


class Command(BaseCommand):
    help = "Muat edisi instrumen KLA bawaan (idempoten: yang sudah ada tidak diubah)."

    def handle(self, *args, **options):
        for directory in bundled_editions():
            report = framework_load(directory=directory)
            fw = report.framework
            if report.created_any:
                counts = ", ".join(f"{k} {v}" for k, v in report.created.items())
                self.stdout.write(self.style.SUCCESS(f"{fw.name} ({fw.code}): dibuat {counts}"))
            else:
                self.stdout.write(f"{fw.name} ({fw.code}): sudah lengkap, tidak ada perubahan")

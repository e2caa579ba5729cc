"""The shape every "one period's document" command shares: --period, --region, --format."""

import json

from django.core.management.base import BaseCommand, CommandError

from indicators.models import Period
from indicators.selectors.periods import NotFound, period_for, region_by_slug


class PeriodDocumentCommand(BaseCommand):
    """Print a region's period as a JSON document (the contract) or a table for people."""

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="tahun periode")
        parser.add_argument("--region", required=True, help="kode wilayah, mis. balikpapan")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def document(self, period: Period, **options) -> dict:
        raise NotImplementedError

    def render_table(self, document: dict) -> str:
        raise NotImplementedError

    def handle(self, *args, period, region, format, **options):
        try:
            document = self.document(period_for(region_by_slug(region), period), **options)
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        if format == "json":
            self.stdout.write(json.dumps(document, indent=1, ensure_ascii=False))
        else:
            self.stdout.write(self.render_table(document))

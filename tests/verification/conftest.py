"""Fixtures for findings: one recorded by DP3AKB's verifier for Dinkes on an item."""

import pytest

from clusters.models import Item
from indicators.models import Agency
from verification.services.findings import finding_create


@pytest.fixture
def record(demo, verifier):
    """Record a finding of the open period: `record("III.13.a", ["DINKES"], stage="vl")`."""

    def make(item_code="III.13.a", agency_codes=("DINKES",), *, stage="vl", **options):
        return finding_create(
            period=demo.period,
            stage=stage,
            item=Item.objects.get(code=item_code),
            text="Data cakupan berbeda dengan laporan dinas; unggah laporan resmi.",
            agencies=list(Agency.objects.filter(region=demo.region, code__in=agency_codes)),
            actor=verifier,
            **options,
        )

    return make

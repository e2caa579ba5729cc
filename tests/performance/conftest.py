"""Fixtures for the performance tests: synthetic data of a chosen size."""

import pytest

from indicators.seeding.synthetic import synthetic_generate

YEAR = 2025


@pytest.fixture
def generate(framework):
    """Generate synthetic regions (small sizes by default, so tests stay fast)."""

    def run(**options):
        options = {"regions": 1, "agencies": 8, "seed": 1, "year": YEAR, **options}
        return synthetic_generate(framework=framework, **options)

    return run

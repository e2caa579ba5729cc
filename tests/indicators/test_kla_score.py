"""`import_values` then `kla_score` reproduce the worked examples of shared/kla/examples."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.selectors.periods import period_for
from indicators.selectors.scores import period_score
from tests.conftest import nothing_cached

# The bundled copy, and shared/kla/examples beside the clone when it is there (as in CI).
EXAMPLE_DIRS = [
    Path(__file__).resolve().parent.parent / "examples",
    Path(__file__).resolve().parents[3] / "shared" / "kla" / "examples",
]
EXAMPLES = {p.name: p for d in EXAMPLE_DIRS if d.is_dir() for p in d.iterdir() if p.is_dir()}


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def assert_same_numbers(actual, expected, path="$"):
    if isinstance(expected, dict):
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            assert_same_numbers(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), path
        for n, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same_numbers(a, e, f"{path}[{n}]")
    elif isinstance(expected, float | int) and not isinstance(expected, bool):
        assert round(actual, 2) == round(expected, 2), f"{path}: {actual} != {expected}"
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


@pytest.mark.parametrize("example", sorted(EXAMPLES))
@pytest.mark.parametrize("basis", ["verified", "self"])
def test_examples_reproduce_through_import_values_and_kla_score(demo, example, basis):
    folder = EXAMPLES[example]
    year = str(demo.period.year)
    for status in ("approved", "submitted"):
        if (folder / f"{status}.csv").exists():
            run(
                "import_values",
                str(folder / f"{status}.csv"),
                "--period",
                year,
                "--region",
                "balikpapan",
                "--status",
                status,
            )
    output = json.loads(
        run("kla_score", "--period", year, "--region", "balikpapan", "--basis", basis)
    )
    expected = json.loads((folder / f"expected-{basis}.json").read_text())
    assert output["region"] == "balikpapan"
    assert output["period"] == demo.period.year
    assert_same_numbers(output, expected)


def test_table_format_is_readable(demo_with_values):
    year = str(demo_with_values.period.year)
    table = run(
        "kla_score",
        "--period",
        year,
        "--region",
        "balikpapan",
        "--basis",
        "self",
        "--format",
        "table",
    )
    document = json.loads(
        run("kla_score", "--period", year, "--region", "balikpapan", "--basis", "self")
    )
    assert f"Total: {document['total']:.2f} / 1000" in table
    assert "perkiraan tidak resmi" in table
    assert "III.13.a" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026", "--region", "atlantis", "--basis", "self"], "Wilayah 'atlantis'"),
        (["--period", "1999", "--region", "balikpapan", "--basis", "self"], "Periode 1999"),
    ],
)
def test_unknown_region_or_period_is_a_clear_message(demo, args, message):
    with pytest.raises(CommandError, match=message):
        run("kla_score", *args)


def test_unknown_basis_is_refused(demo):
    with pytest.raises(CommandError, match="basis"):
        run("kla_score", "--period", "2026", "--region", "balikpapan", "--basis", "hope")


def test_score_uses_a_constant_number_of_queries(demo_with_values):
    region = demo_with_values.region
    period = period_for(region, demo_with_values.period.year)
    with CaptureQueriesContext(connection) as small:
        period_score(period, "self")
    previous = period_for(region, period.year - 1)
    nothing_cached()  # both years share the edition, whose plain values are cached
    with CaptureQueriesContext(connection) as large:
        period_score(previous, "self")
    assert len(small) == len(large) == 5

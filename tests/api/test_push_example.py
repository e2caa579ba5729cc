"""docs/api_push_example.py against a live server: an agency pushes a year and reads its score."""

import subprocess
import sys
from pathlib import Path

import pytest

from clusters.models import Item
from indicators.models import Assignment, Submission
from tests.api.conftest import token_for

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api_push_example.py"


@pytest.mark.django_db(transaction=True)
def test_the_documented_script_pushes_a_year_and_reads_back_the_score(demo, live_server, tmp_path):
    items = {
        a.item.kind: a.item
        for a in Assignment.objects.filter(agency__code="DINKES").select_related("item")
    }
    values = tmp_path / "values.csv"
    values.write_text(
        "item,numerator,denominator,value,note\n"
        f"{items[Item.Kind.PERCENT].code},8.102,11.334,,Rekap sistem gizi\n"
        + (f"{items[Item.Kind.CHECK].code},,,ya,SK terbit\n" if Item.Kind.CHECK in items else ""),
        encoding="utf-8",
    )
    env = {"KLA_TOKEN": token_for("operator.dinkes"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), str(values), "--base-url", live_server.url,
         "--region", "balikpapan", "--year", str(demo.period.year), "--agency", "DINKES"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = Submission.objects.filter(period=demo.period, agency__code="DINKES")
    percent = rows.get(item=items[Item.Kind.PERCENT])
    assert (percent.numerator, percent.denominator, percent.status) == (8102, 11334, "submitted")
    assert "checked: " in done.stdout and "sent: " in done.stdout
    assert "score (self, DINKES): " in done.stdout
    assert float(done.stdout.split("score (self, DINKES): ")[1].split()[0]) > 0


@pytest.mark.django_db(transaction=True)
def test_the_script_prints_row_errors_and_writes_nothing(demo, live_server, tmp_path):
    values = tmp_path / "values.csv"
    values.write_text("item,value\nNOPE.1,1\n", encoding="utf-8")
    env = {"KLA_TOKEN": token_for("operator.dinkes"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), str(values), "--base-url", live_server.url,
         "--region", "balikpapan", "--year", str(demo.period.year), "--agency", "DINKES"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "baris 2, kolom item" in done.stderr
    assert not Submission.objects.exists()

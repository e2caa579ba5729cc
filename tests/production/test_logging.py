"""Structured logs of review actions, imports and failures; JSON lines with LOG_FORMAT=json."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indicators.services import workflow
from indicators.services.importing import ImportRejected, values_import
from kla_portal.logging import JsonFormatter
from tests.conftest import make_ready
from tests.production.conftest import evidence_for

ROOT = Path(__file__).resolve().parents[2]
CSV = b"agency,item,numerator,denominator,value,note\n"


def records(caplog, name):
    return [r for r in caplog.records if r.name == name]


def test_every_review_action_logs_who_did_what(caplog, draft, operator, verifier):
    evidence_for(draft)
    make_ready(draft)
    with caplog.at_level(logging.INFO, logger="kla.review"):
        workflow.submission_submit(submission=draft, actor=operator, version=None)
        workflow.submission_approve(submission_id=draft.pk, actor=verifier)
    submitted, approved = records(caplog, "kla.review")
    assert (submitted.action, submitted.actor) == ("submitted", "operator.dinkes")
    assert (approved.action, approved.actor, approved.submission) == (
        "approved",
        "verifikator",
        draft.pk,
    )
    assert (approved.from_status, approved.to_status, approved.item) == (
        "submitted",
        "approved",
        "III.12.a",
    )


def test_an_import_logs_its_rows_and_outcome(caplog, demo):
    content = CSV + b"DINKES,III.12.a,90,100,,\nDLH,II.11.a,,,4,\n"
    with caplog.at_level(logging.INFO, logger="kla.import"):
        values_import(content=content, filename="v.csv", period=demo.period, status="submitted")
    (record,) = records(caplog, "kla.import")
    assert (record.outcome, record.rows, record.new, record.changed) == ("written", 2, 2, 0)


def test_a_rejected_import_logs_a_warning_with_the_error_count(caplog, demo):
    content = CSV + b"NOPE,III.12.a,90,100,,\nDINKES,III.12.a,190,100,,\n"
    with caplog.at_level(logging.INFO, logger="kla.import"), pytest.raises(ImportRejected):
        values_import(content=content, filename="v.csv", period=demo.period, status="submitted")
    (record,) = records(caplog, "kla.import")
    assert (record.levelname, record.outcome, record.errors) == ("WARNING", "rejected", 2)


def test_the_json_formatter_writes_one_object_with_the_extra_fields():
    record = logging.LogRecord("kla.review", logging.INFO, __file__, 1, "review %s", ("x",), None)
    record.action, record.submission = "approved", 7
    line = JsonFormatter().format(record)
    assert "\n" not in line
    document = json.loads(line)
    assert document["message"] == "review x" and document["level"] == "INFO"
    assert (document["action"], document["submission"]) == ("approved", 7)


def test_a_failure_keeps_its_traceback_in_the_json_line():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    document = json.loads(JsonFormatter().format(record))
    assert "RuntimeError: boom" in document["exception"]


def django_logs(log_format):
    """What a fresh process configured by the real settings prints for one review record."""
    env = {**os.environ, "SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "kla_portal.settings"}
    env["LOG_FORMAT"] = log_format
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('kla.review').info('review approved', extra={'action': 'approved'})"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_log_format_json_makes_the_settings_log_json_lines_to_stdout():
    document = json.loads(django_logs("json"))
    assert (document["logger"], document["action"]) == ("kla.review", "approved")


def test_plain_logs_are_the_default():
    line = django_logs("plain")
    assert line.endswith("INFO kla.review review approved") and not line.startswith("{")

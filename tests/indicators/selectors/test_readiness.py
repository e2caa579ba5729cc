"""The readiness rule at its edges: how recent, in force on the reference date, what is missing."""

import datetime

from indicators.selectors.readiness import (
    EXPIRED,
    MET,
    MISSING,
    OPTIONAL,
    TOO_OLD,
    Document,
    Requirement,
    evaluate,
    months_before,
)

REFERENCE = datetime.date(2026, 6, 30)
REPORT = Requirement(1, "laporan", "Laporan", True, 12, False)
DECREE = Requirement(2, "sk", "SK", True, None, True)
PHOTO = Requirement(3, "foto", "Foto", False, 12, False)


def _day(text):
    return datetime.date.fromisoformat(text)


def test_months_before_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert months_before(_day("2026-06-30"), 12) == _day("2025-06-30")
    assert months_before(_day("2026-03-31"), 1) == _day("2026-02-28")
    assert months_before(_day("2024-03-31"), 1) == _day("2024-02-29")
    assert months_before(_day("2026-01-15"), 13) == _day("2024-12-15")


def test_a_document_dated_exactly_max_age_months_before_the_reference_date_counts():
    readiness = evaluate([REPORT], [Document(1, _day("2025-06-30"))], REFERENCE)
    assert readiness.ready
    assert readiness.checks[0].state == MET


def test_a_document_one_day_older_than_the_window_is_too_old():
    readiness = evaluate([REPORT], [Document(1, _day("2025-06-29"))], REFERENCE)
    assert not readiness.ready
    assert readiness.too_old == ["laporan"]
    assert readiness.missing == readiness.expired == []
    assert readiness.checks[0].state == TOO_OLD


def test_a_decree_valid_until_the_reference_date_is_in_force():
    readiness = evaluate([DECREE], [Document(2, _day("2020-01-01"), REFERENCE)], REFERENCE)
    assert readiness.ready


def test_a_decree_that_ended_the_day_before_the_reference_date_has_expired():
    ended = REFERENCE - datetime.timedelta(days=1)
    readiness = evaluate([DECREE], [Document(2, _day("2020-01-01"), ended)], REFERENCE)
    assert readiness.expired == ["sk"]
    assert readiness.checks[0].state == EXPIRED
    assert not readiness.ready


def test_a_decree_without_an_end_date_is_in_force():
    assert evaluate([DECREE], [Document(2, _day("2010-01-01"), None)], REFERENCE).ready


def test_a_required_document_without_a_file_is_missing_and_an_optional_one_does_not_block():
    readiness = evaluate([REPORT, PHOTO], [], REFERENCE)
    assert readiness.missing == ["laporan"]
    assert [c.state for c in readiness.checks] == [MISSING, OPTIONAL]
    assert evaluate([PHOTO], [], REFERENCE).ready


def test_a_file_without_its_document_date_meets_nothing_until_completed():
    readiness = evaluate([REPORT], [Document(1, None), Document(None, None)], REFERENCE)
    assert readiness.missing == ["laporan"]


def test_one_good_file_is_enough_beside_an_old_one():
    files = [Document(1, _day("2020-01-01")), Document(1, _day("2026-01-01"))]
    assert evaluate([REPORT], files, REFERENCE).ready


def test_files_that_each_fail_a_different_rule_name_both_rules_and_never_read_ready():
    rule = Requirement(4, "sertifikat", "Sertifikat", True, 12, True)
    files = [
        Document(4, _day("2020-01-01"), None),  # in force but too old
        Document(4, _day("2026-01-01"), _day("2026-02-01")),  # recent but expired
    ]
    readiness = evaluate([rule], files, REFERENCE)
    assert not readiness.ready
    assert readiness.too_old == ["sertifikat"] and readiness.expired == ["sertifikat"]

"""The register's reference data and the validity dates of certificates."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from facilities.feeds import FeedRule, feed_rules
from facilities.models import FacilityType, Standard
from facilities.services import add_months, certification_valid_until, reference_load


def test_feed_rules_parse_every_shipped_rule_and_refuse_a_bad_one():
    assert feed_rules("I.6.a:exists:kota|I.6.c:share_kelurahan:kelurahan") == [
        FeedRule("I.6.a", "exists", "kota"),
        FeedRule("I.6.c", "share_kelurahan", "kelurahan"),
    ]
    assert feed_rules("") == []
    with pytest.raises(ValidationError, match="II.11.a:tally"):
        feed_rules("II.11.a:tally")


@pytest.mark.django_db
def test_reference_load_is_idempotent_and_keeps_admin_edits():
    assert reference_load() == {"types": 14, "standards": 11}
    prap = Standard.objects.get(code="PRAP")
    assert prap.validity_months == 36 and prap.facility_type.code == "PUSKESMAS"
    assert Standard.objects.get(code="DEKELA").facility_type is None
    FacilityType.objects.filter(code="PUSPAGA").update(name="PUSPAGA Balikpapan")
    assert reference_load() == {"types": 0, "standards": 0}
    assert FacilityType.objects.get(code="PUSPAGA").name == "PUSPAGA Balikpapan"
    assert FacilityType.objects.get(code="SEKOLAH").level_names[0] == "PAUD"


def test_valid_until_prefers_the_certificate_then_the_standard():
    prap = Standard(code="PRAP", validity_months=36)
    rbra = Standard(code="RBRA", validity_months=None)
    granted = datetime.date(2023, 3, 31)
    assert certification_valid_until(prap, granted, None) == datetime.date(2026, 3, 30)
    assert certification_valid_until(prap, granted, datetime.date(2025, 1, 1)) == datetime.date(
        2025, 1, 1
    )
    assert certification_valid_until(rbra, granted, None) is None
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)

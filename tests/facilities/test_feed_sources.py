"""The feeds rules are never read stale: cached only where every worker shares the cache."""

import pytest

from facilities.models import Standard
from facilities.selectors import feed_sources, source_of, sources_by_code
from facilities.services import reference_load

pytestmark = pytest.mark.django_db


def _rbra_item():
    return next(s.item_code for s in feed_sources() if s.standard == "RBRA")


def test_a_save_reaches_the_cached_rules_at_once(settings):
    settings.SCORE_CACHE_SECONDS = 3600
    reference_load()
    assert _rbra_item() == "II.11.a"
    rbra = Standard.objects.get(code="RBRA")
    rbra.feeds = "II.11.b:count"
    rbra.save()
    assert _rbra_item() == "II.11.b"


def test_without_a_shared_cache_even_a_bulk_update_is_seen_at_once(settings):
    settings.SCORE_CACHE_SECONDS = 0  # local memory per worker: the rules are read fresh
    reference_load()
    assert _rbra_item() == "II.11.a"
    Standard.objects.filter(code="RBRA").update(feeds="II.11.b:count")  # no signal
    assert _rbra_item() == "II.11.b"


def test_an_item_is_fed_only_by_a_rule_that_suits_its_kind(settings):
    reference_load()
    by_code = sources_by_code()
    assert source_of("II.11.a", "count", by_code).standard == "RBRA"
    assert source_of("II.11.a", "check", by_code) is None
    assert source_of("NO.SUCH", "count", by_code) is None

"""Values under versioned keys, kept in the shared cache and copied in this worker
(`kla_portal.versioned_cache`), and the versions a request reads once (`kla_portal.versions`)."""

import pytest
from django.core.cache import cache
from django.test import Client

from indicators.models import Agency
from kla_portal import versioned_cache, versions

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request):
    if request.param == "redis":
        request.getfixturevalue("redis_cache")


def test_a_copy_is_served_without_the_shared_cache_and_never_shared_as_one_object(any_cache):
    versioned_cache.put("k", {"rows": [1]}, 60)
    cache.delete(f"{versioned_cache.FORMAT}:k")  # only this worker's copy is left
    first = versioned_cache.get("k")
    first["rows"].append(2)  # a caller changing what it got changes nobody else's
    assert versioned_cache.get("k") == {"rows": [1]}


def test_a_copy_taken_from_the_shared_cache_expires_when_the_shared_entry_does(
    any_cache, monkeypatch
):
    clock = [1_000_000.0]
    monkeypatch.setattr(versioned_cache.time, "time", lambda: clock[0])
    versioned_cache.put("k", "html", 30, frozen=True)  # as another worker stored it
    versioned_cache.forget_local()
    assert versioned_cache.get("k") == "html"  # copied here, with the entry's end
    cache.delete(f"{versioned_cache.FORMAT}:k")
    clock[0] += 29
    assert versioned_cache.get("k") == "html"
    clock[0] += 2
    assert versioned_cache.get("k") is versioned_cache.MISSING


def test_copies_are_bounded_in_number_and_size(any_cache, monkeypatch):
    monkeypatch.setattr(versioned_cache, "LOCAL_ENTRIES", 3)
    for n in range(5):
        versioned_cache.put(f"k{n}", n, 60)
    assert list(versioned_cache._copies) == ["k2", "k3", "k4"]  # the oldest dropped
    versioned_cache.put("big", "x" * (versioned_cache.LOCAL_BYTES + 1), 60, frozen=True)
    assert "big" not in versioned_cache._copies
    assert versioned_cache.get("big") == "x" * (versioned_cache.LOCAL_BYTES + 1)  # shared
    monkeypatch.setattr(versioned_cache, "LOCAL_TOTAL_BYTES", 250)
    for n in range(3):
        versioned_cache.put(f"page{n}", "y" * 100, 60, frozen=True)
    assert list(versioned_cache._copies) == ["page1", "page2"]  # 200 bytes held, not 300
    assert versioned_cache._held == [200]


def test_another_workers_write_is_seen_though_this_worker_holds_a_copy(any_cache, demo):
    """The copy is keyed by the version, which is read from the shared cache: a write made by
    another worker (here: the shared version moved by hand) changes the key."""
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert versions.remember("t", (), compute, Agency) == 1
    assert versions.remember("t", (), compute, Agency) == 1
    versions.bump(["indicators_agency"])  # what another worker's committed write does
    assert versions.remember("t", (), compute, Agency) == 2


def test_a_request_reads_the_versions_once_and_again_after_its_own_write(
    any_cache, demo, operator, monkeypatch
):
    """The first read in a request fetches every version in one round trip; a write of the
    request forgets them, so what it reads next is keyed by the moved version."""
    reads = []
    real = versions._fetch
    monkeypatch.setattr(versions, "_fetch", lambda keys: reads.append(len(keys)) or real(keys))
    seen = {}

    def view_probe(request):  # what a view does between the two signals
        seen["before"] = (versions.current(), versions.current(Agency), versions.current())
        fetched = len(reads)
        Agency.objects.filter(code="DINKES").update(name="Dinas Kesehatan Kota")
        seen["after"] = versions.current(Agency)
        seen["reads"] = (fetched, len(reads))

    # The receivers of request_started and request_finished themselves: sending the signals
    # would also run Django's close_old_connections on the test's own connection.
    versions._request_started(sender=None)
    try:
        view_probe(None)
    finally:
        versions._request_finished(sender=None)
    first, again, third = seen["before"]
    assert first == third and seen["reads"][0] == 1  # one fetch for all three reads
    assert reads[0] == len(versions._all_keys())
    assert seen["after"] != again and seen["reads"][1] == 2  # the write made it read again
    # Outside a request nothing is kept: each read asks the shared cache.
    before = len(reads)
    versions.current(), versions.current()
    assert len(reads) == before + 2


def test_a_cached_page_fetches_the_versions_once(any_cache, demo, gugus_tugas, monkeypatch):
    """Through Django's request signals: a dashboard served from the caches reads its access
    facts' versions and the data's for its content in a single fetch."""
    client = Client()
    client.force_login(gugus_tugas)
    assert client.get("/dashboard/").status_code == 200  # now cached
    reads = []
    real = versions._fetch
    monkeypatch.setattr(versions, "_fetch", lambda keys: reads.append(len(keys)) or real(keys))
    assert client.get("/dashboard/").status_code == 200
    assert reads == [len(versions._all_keys())]

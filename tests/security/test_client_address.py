"""The client address behind trusted proxies: what the lockout, the throttle and the logs see."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from kla_portal.client_address import client_address, trusted_proxies_parse
from kla_portal.logging import ClientAddressFilter, JsonFormatter, PlainFormatter


def request_from(peer, forwarded=None):
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.fixture
def behind(settings):
    """Trust the given proxies for the test."""

    def trust(value):
        settings.TRUSTED_PROXIES = trusted_proxies_parse(value)

    return trust


def test_without_trusted_proxies_the_connection_address_is_the_client(behind):
    behind("")
    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(behind):
    behind("127.0.0.1")
    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_the_address_nginx_appends_is_the_client_not_what_the_visitor_sent(behind):
    behind("127.0.0.1")
    # The visitor sent "1.1.1.1" themselves; nginx appended the address it saw.
    assert client_address(request_from("127.0.0.1", "1.1.1.1, 203.0.113.7")) == "203.0.113.7"


def test_a_chain_through_two_trusted_proxies_reaches_the_client(behind):
    behind("127.0.0.1, 10.0.0.0/24")
    forwarded = "6.6.6.6, 203.0.113.7, 10.0.0.5"
    assert client_address(request_from("127.0.0.1", forwarded)) == "203.0.113.7"


def test_ipv6_clients_and_proxies(behind):
    behind("::1, 2001:db8:ffff::/48")
    forwarded = "2001:db8:1::7, 2001:db8:ffff::2"
    assert client_address(request_from("::1", forwarded)) == "2001:db8:1::7"
    assert client_address(request_from("::1", "[2001:db8:1::8]:4711")) == "2001:db8:1::8"


def test_ipv4_mapped_peers_are_the_same_ipv4_proxy(behind):
    behind("127.0.0.1")
    assert client_address(request_from("::ffff:127.0.0.1", "203.0.113.7")) == "203.0.113.7"


def test_ports_in_the_header_are_dropped(behind):
    behind("127.0.0.1")
    assert client_address(request_from("127.0.0.1", "203.0.113.7:51234")) == "203.0.113.7"


@pytest.mark.parametrize(
    "garbage", ["bogus", "", " , ", "999.1.1.1", "203.0.113.7\x00", "<script>"]
)
def test_garbage_ends_the_walk_at_the_last_checked_proxy(behind, garbage):
    behind("127.0.0.1, 10.0.0.0/8")
    assert client_address(request_from("127.0.0.1", garbage)) == "127.0.0.1"
    assert client_address(request_from("127.0.0.1", f"{garbage}, 10.0.0.9")) == "10.0.0.9"


def test_a_request_only_through_trusted_proxies_is_the_farthest_proxy(behind):
    behind("10.0.0.0/8")
    assert client_address(request_from("10.0.0.1", "10.0.0.3, 10.0.0.2")) == "10.0.0.3"


def test_an_unreadable_connection_address_is_no_address(behind):
    behind("")
    assert client_address(request_from("")) is None


@pytest.mark.parametrize("bad", ["nginx", "10.0.0.0/33", "127.0.0.1,,2001:zz::1"])
def test_a_bad_trusted_proxies_value_is_refused_loudly(bad):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        trusted_proxies_parse(bad)


def test_trusted_proxies_accept_addresses_and_networks_of_both_families():
    networks = trusted_proxies_parse(" 127.0.0.1, ::1 ,10.0.0.0/8,")
    assert [str(n) for n in networks] == ["127.0.0.1/32", "::1/128", "10.0.0.0/8"]


def test_log_lines_of_a_request_name_the_client_behind_the_proxy(behind):
    behind("127.0.0.1")
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden", (), None
    )
    record.request = request_from("127.0.0.1", "203.0.113.7")
    assert ClientAddressFilter().filter(record)
    assert record.client == "203.0.113.7"
    plain = PlainFormatter("%(levelname)s %(message)s").format(record)
    assert plain == "WARNING Forbidden client=203.0.113.7"
    assert '"client": "203.0.113.7"' in JsonFormatter().format(record)


def test_log_lines_without_a_request_are_left_alone():
    record = logging.LogRecord("kla.review", logging.INFO, __file__, 1, "review", (), None)
    assert ClientAddressFilter().filter(record) and not hasattr(record, "client")
    assert PlainFormatter("%(message)s").format(record) == "review"

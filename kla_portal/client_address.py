"""The address of the person making a request, as far as the trusted proxies in front vouch for it.

Behind nginx or a load balancer every request arrives from the proxy, so REMOTE_ADDR alone makes
all visitors one: five wrong passwords from anyone would lock the real user out everywhere.
`X-Forwarded-For` is believed only as far as it was written by proxies listed in
`TRUSTED_PROXIES`; anything a visitor sends themselves is ignored. Login throttling (axes and
the address throttle) and the logs all read the address from here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def trusted_proxies_parse(value: str | Iterable[str]) -> tuple[Network, ...]:
    """The networks of a comma-separated `TRUSTED_PROXIES`; a bad entry stops the start-up."""
    entries = value.split(",") if isinstance(value, str) else value
    networks = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network ({exc}). Use "
                "comma-separated addresses or networks, e.g. 127.0.0.1,::1,10.0.0.0/24."
            ) from exc
    return tuple(networks)


def _address(text: str) -> Address | None:
    """An address from a header entry or REMOTE_ADDR: `1.2.3.4`, `1.2.3.4:80`, `[::1]:80`."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [IPv6] or [IPv6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4:port (a bare IPv6 address has several colons)
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; they are the same visitor.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_address(request) -> str | None:
    """The visitor's address: REMOTE_ADDR, or X-Forwarded-For read from the right past proxies.

    The header is read only when the connection itself comes from a trusted proxy; from the
    right, each entry a trusted proxy appended is skipped until the first untrusted one, which
    is the client. An entry that is not an address ends the walk at the last proxy that could
    be checked. None only when even REMOTE_ADDR is not an address.
    """
    proxies = settings.TRUSTED_PROXIES
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    if not proxies or not _trusted(peer, proxies):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",") if forwarded.strip() else []):
        hop = _address(entry)
        if hop is None:
            break
        client = hop
        if not _trusted(hop, proxies):
            break
    return str(client)

"""The client's address, the one rule for rate limits and the login lockout.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only when the
connection comes from a proxy listed in ``settings.TRUSTED_PROXIES`` (addresses or networks).
Each proxy appends the address it received the request from, so the header is read from the
right: the first address that is not a trusted proxy is the client. Anything to its left was
written by the client and is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted_networks() -> list[Network]:
    return [ipaddress.ip_network(item, strict=False) for item in settings.TRUSTED_PROXIES]


def _is_trusted(address: Address | None, networks: list[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The address of the client that sent ``request`` (also axes' AXES_CLIENT_IP_CALLABLE)."""
    remote = request.META.get("REMOTE_ADDR", "")
    peer = _address(remote)
    networks = _trusted_networks()
    if not _is_trusted(peer, networks):
        return str(peer) if peer is not None else remote
    hop = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for item in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(item)
        if address is None:
            break  # not written by a proxy of ours: the last trusted hop is all we know
        hop = address
        if not _is_trusted(address, networks):
            break
    return str(hop)

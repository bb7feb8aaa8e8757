"""A site's network ranges: CIDR blocks ("10.0.0.0/22") or first-last ranges
("10.0.0.10-10.0.0.60"), IPv4 only, on private or loopback addresses."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from desktop.errors import ValidationError

MAX_RANGE_ADDRESSES = 65_536  # a /16: far more than any site's miners, small enough to scan


@dataclass(frozen=True, order=True)
class NetworkRange:
    first: int
    last: int
    spec: str

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def addresses(self) -> Iterator[str]:
        for value in range(self.first, self.last + 1):
            yield str(ipaddress.IPv4Address(value))

    def __contains__(self, address: object) -> bool:
        try:
            value = int(ipaddress.IPv4Address(str(address)))
        except ValueError:
            return False
        return self.first <= value <= self.last


def _address(text: str, spec: str) -> ipaddress.IPv4Address:
    try:
        return ipaddress.IPv4Address(text.strip())
    except ValueError:
        raise ValidationError("network", f"'{spec}': '{text.strip()}' is not an IPv4 address") from None


def parse_network(spec: str) -> NetworkRange:
    """``spec`` as a range; ValidationError (field "network") names what is wrong."""
    text = str(spec).strip()
    if not text:
        raise ValidationError("network", "is empty (give a CIDR block like 10.0.0.0/24 or a range first-last)")
    if "/" in text:
        try:
            block = ipaddress.IPv4Network(text, strict=False)
        except ValueError as error:
            raise ValidationError("network", f"'{text}' is not a CIDR block ({error})") from None
        if block.prefixlen == 32:
            first = last = block.network_address
        elif block.prefixlen == 31:
            first, last = block.network_address, block.broadcast_address
        else:  # leave out the network and broadcast addresses: no miner answers there
            first, last = block.network_address + 1, block.broadcast_address - 1
        canonical = str(block)
    elif "-" in text:
        first_text, last_text = text.split("-", 1)
        first, last = _address(first_text, text), _address(last_text, text)
        if last < first:
            raise ValidationError("network", f"'{text}': the last address comes before the first")
        canonical = f"{first}-{last}"
    else:
        first = last = _address(text, text)
        canonical = str(first)
    for end in (first, last):
        if not (end.is_private or end.is_loopback) or end.is_link_local or end.is_multicast:
            raise ValidationError(
                "network", f"'{text}': {end} is not a private or loopback address (miners live on private networks)"
            )
    size = int(last) - int(first) + 1
    if size > MAX_RANGE_ADDRESSES:
        raise ValidationError("network", f"'{text}' holds {size:,} addresses; at most {MAX_RANGE_ADDRESSES:,} (a /16)")
    return NetworkRange(int(first), int(last), canonical)


def parse_networks(specs: Iterable[str]) -> list[NetworkRange]:
    """Every spec parsed (all checked before any is used), duplicates dropped, in order."""
    found: dict[str, NetworkRange] = {}
    for spec in specs:
        network = parse_network(spec)
        found.setdefault(network.spec, network)
    return list(found.values())


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.IPv4Address(address).is_loopback
    except ValueError:
        return False

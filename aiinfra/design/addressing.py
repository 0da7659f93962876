"""Address pools: allocation by position, with capacity and overlap checks (netaddr).

Every address is block ``index`` of its pool, where the index comes from the
device's position (SU, rail, leaf, node number; :mod:`aiinfra.design.positions`),
never from how many devices were allocated before it: growing a cluster then adds
addresses and renumbers none. Pools shared by several roles are cut into fixed
shares (:func:`share`), so one role growing never moves another's addresses.

Allocation is integer arithmetic on the pool's first address, which keeps a
32k-GPU design fast; netaddr does the set algebra for overlap checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from netaddr import IPNetwork, IPSet

_OCTETS = tuple(str(i) for i in range(256))
_PREFIXES: dict[int, str] = {}  # value >> 8 -> "a.b.c.": a 131k-GPU design uses about 2,000 of them
_MAX_PREFIXES = 1 << 16


_CIDR31 = tuple(f"{i}/31" for i in range(256))  # the last octet and a /31's prefix length


def dotted(value: int) -> str:
    """``a.b.c.d`` of an IPv4 address held as an int.

    A design formats a million addresses from a few thousand /24s, so the first three
    octets are formatted once per /24 (three times faster than formatting all four).
    """
    return _prefix(value >> 8) + _OCTETS[value & 255]


def _prefix(high: int) -> str:
    """``a.b.c.`` of the /24 ``high`` (an address shifted right by 8), formatted once."""
    prefix = _PREFIXES.get(high)
    if prefix is None:
        if len(_PREFIXES) >= _MAX_PREFIXES:
            _PREFIXES.clear()
        prefix = _PREFIXES[high] = f"{high >> 16 & 255}.{high >> 8 & 255}.{high & 255}."
    return prefix


@dataclass
class Pool:
    """A named IPv4 pool handing out fixed-size blocks in order."""

    name: str
    network: IPNetwork
    block: int  # addresses per allocation: 1 for /32, 2 for /31
    offset: int = 0

    def __post_init__(self) -> None:
        # netaddr properties are slow in a loop of 100k allocations; cache them as ints.
        self._first = int(self.network.first)
        self._size = int(self.network.size)
        self._capacity = self._size // self.block

    @property
    def capacity(self) -> int:
        return self._capacity

    def need(self, count: int) -> str | None:
        """Message when ``count`` blocks do not fit; None when they do."""
        if count <= self.capacity - self.offset // self.block:
            return None
        prefix = 32 - (self.block.bit_length() - 1)
        want = _prefix_for(count * self.block + self.offset)
        hint = f"use a /{want} or larger" if want >= 0 else "that is more than all of IPv4 holds"
        return (
            f"{self.network} holds {self.network.size:,} addresses but {count:,} /{prefix}s are needed "
            f"({count * self.block:,} addresses); {hint}"
        )

    def take(self) -> int:
        """First address (as int) of the next block."""
        start = self._first + self.offset
        self.offset += self.block
        if self.offset > self._size:
            raise PoolExhausted(self.name)
        return start

    def take_p2p(self) -> tuple[str, str]:
        """A /31: (low end, high end) as ``a.b.c.d/31``."""
        base = self.take()
        return f"{dotted(base)}/31", f"{dotted(base + 1)}/31"

    def take_host(self) -> str:
        return f"{dotted(self.take())}/32"

    def at(self, index: int) -> int:
        """First address (as int) of block ``index`` (0-based), whatever was taken before."""
        if not 0 <= index < self._capacity:
            raise PoolExhausted(self.name)
        return self._first + index * self.block

    def p2p_at(self, index: int) -> tuple[str, str]:
        """The /31 of block ``index``: (low end, high end) as ``a.b.c.d/31``."""
        low, high = self.p2p_ips_at(index)
        return f"{low}/31", f"{high}/31"

    def p2p_ips_at(self, index: int) -> tuple[str, str]:
        """The two ends of the /31 of block ``index`` as bare addresses (``a.b.c.d``)."""
        if not 0 <= index < self._capacity:
            raise PoolExhausted(self.name)
        base = self._first + index * self.block
        return dotted(base), dotted(base + 1)

    def p2p_ends_at(self, index: int) -> tuple[str, str, str, str]:
        """The /31 of block ``index``: its even and odd ends, bare and as ``a.b.c.d/31``.

        A /31 lies in one /24 (its first address is even), so the /24's prefix is found once.
        """
        if not 0 <= index < self._capacity:
            raise PoolExhausted(self.name)
        base = self._first + index * self.block
        low = base & 255
        if self.block != 2 or low & 1:  # not a pool of aligned /31s: no shared prefix to rely on
            even, odd = dotted(base), dotted(base + 1)
            return even, odd, f"{even}/31", f"{odd}/31"
        prefix = _PREFIXES.get(base >> 8) or _prefix(base >> 8)
        return prefix + _OCTETS[low], prefix + _OCTETS[low + 1], prefix + _CIDR31[low], prefix + _CIDR31[low + 1]

    def p2p_host_at(self, index: int) -> tuple[str, str]:
        """The /31 of block ``index`` as a host holds it: (the even end, its gateway; the odd
        end as ``a.b.c.d/31``, the host's address): :meth:`p2p_ends_at`'s first and last."""
        if not 0 <= index < self._capacity:
            raise PoolExhausted(self.name)
        base = self._first + index * self.block
        low = base & 255
        if self.block != 2 or low & 1:
            return dotted(base), f"{dotted(base + 1)}/31"
        prefix = _PREFIXES.get(base >> 8) or _prefix(base >> 8)
        return prefix + _OCTETS[low], prefix + _CIDR31[low + 1]

    def host_at(self, index: int) -> str:
        return f"{dotted(self.at(index))}/32"


# Fixed shares of a pool that several roles draw from, as (numerator, denominator) of the
# pool's start and end: leaves take the first half, spines the third quarter and
# super-spines the last, whatever the current counts are.
ROLE_SHARES = {"leaf": ((0, 1), (1, 2)), "spine": ((1, 2), (3, 4)), "super-spine": ((3, 4), (1, 1))}


def share(size: int, role: str) -> tuple[int, int]:
    """(first index, number of indexes) of ``role``'s fixed share of ``size`` slots."""
    (an, ad), (bn, bd) = ROLE_SHARES[role]
    start, end = size * an // ad, size * bn // bd
    return start, end - start


class PoolExhausted(Exception):
    pass


def _prefix_for(addresses: int) -> int:
    """Longest prefix length holding ``addresses``; negative when no IPv4 prefix does."""
    bits = max(0, (addresses - 1).bit_length())
    return 32 - bits


def overlaps(named: dict[str, IPNetwork]) -> list[tuple[str, str]]:
    """Pairs of pool names whose networks overlap."""
    items = sorted(named.items())
    out = []
    for i, (a, na) in enumerate(items):
        for b, nb in items[i + 1 :]:
            if IPSet([na]) & IPSet([nb]):
                out.append((a, b))
    return out

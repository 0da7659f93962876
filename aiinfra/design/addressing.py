"""Address pools: sequential allocation with capacity and overlap checks (netaddr).

Allocation is integer arithmetic on the pool's first address, which keeps a
32k-GPU design fast; netaddr does the set algebra for overlap checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from netaddr import IPNetwork, IPSet


def dotted(value: int) -> str:
    return f"{value >> 24 & 255}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}"


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

    @property
    def capacity(self) -> int:
        return self.network.size // self.block

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

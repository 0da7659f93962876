"""Unit conversions more than one OS driver states its numbers in.

The Design holds QoS in SI units (bytes, milliseconds); a driver's own ``units.py`` holds
what only that OS does, this module what several do the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from aiinfra.design.model import EcnProfile

KBYTE = 1000  # the ``kbytes`` of NX-OS and EOS random-detect thresholds, as aiinfra has always stated them


def kbytes(value: int) -> int:
    """Bytes as whole kbytes, rounded up so a threshold is never below the Design's."""
    return -(-value // KBYTE)


class Thresholds(NamedTuple):
    """WRED-ECN thresholds in kbytes: marking starts at ``min`` and peaks at ``max``."""

    min: int
    max: int


def ecn_kbytes(ecn: EcnProfile) -> Thresholds:
    return Thresholds(kbytes(ecn.min_bytes), kbytes(ecn.max_bytes))

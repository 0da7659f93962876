"""The Design's SI QoS numbers in the units EOS 4.32 statements take.

The Design holds the PFC watchdog in milliseconds and the WRED-ECN thresholds in bytes.
EOS states the watchdog ``timeout``, ``recovery-time`` and ``polling-interval`` in seconds
(AVD's schema: two decimals for the first two, three for the polling interval; validate
refuses detection/restore times that are not whole ``pfc_watchdog_step_ms`` of the eos row),
and WRED thresholds with a ``kbytes`` keyword.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from aiinfra.design.model import EcnProfile, PfcWatchdog

KBYTE = 1000  # the ``kbytes`` of the random-detect thresholds, as aiinfra has always stated them
MS_PER_S = 1000


def seconds(ms: int) -> str:
    """Milliseconds as decimal seconds without float noise or trailing zeros: 200 -> "0.2", 1000 -> "1"."""
    whole, frac = divmod(ms, MS_PER_S)
    return f"{whole}.{frac:03d}".rstrip("0").rstrip(".") if frac else str(whole)


@dataclass(frozen=True, slots=True)
class Watchdog:
    """The EOS ``priority-flow-control pause watchdog default`` timers, in seconds."""

    timeout_s: str
    recovery_time_s: str
    polling_interval_s: str


def watchdog(wd: PfcWatchdog) -> Watchdog:
    return Watchdog(seconds(wd.detection_ms), seconds(wd.restoration_ms), seconds(wd.poll_ms))


def kbytes(value: int) -> int:
    """Bytes as whole kbytes, rounded up so a threshold is never below the Design's."""
    return -(-value // KBYTE)


class Thresholds(NamedTuple):
    """WRED-ECN thresholds in kbytes: marking starts at ``min`` and peaks at ``max``."""

    min: int
    max: int


def ecn_kbytes(ecn: EcnProfile) -> Thresholds:
    return Thresholds(kbytes(ecn.min_bytes), kbytes(ecn.max_bytes))

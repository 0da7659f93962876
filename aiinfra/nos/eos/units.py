"""The Design's SI QoS numbers in the units EOS 4.32 statements take.

The Design holds the PFC watchdog in milliseconds and the WRED-ECN thresholds in bytes.
EOS states the watchdog ``timeout``, ``recovery-time`` and ``polling-interval`` in seconds
(AVD's schema: two decimals for the first two, three for the polling interval; validate
refuses detection/restore times that are not whole ``pfc_watchdog_step_ms`` of the eos row),
and WRED thresholds with a ``kbytes`` keyword (:func:`aiinfra.nos.units.ecn_kbytes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiinfra.design.model import PfcWatchdog

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

"""The Design's SI numbers in the units Junos EVO 23.4 states them in.

The Design holds the PFC watchdog in milliseconds. Junos' ``congestion-notification-profile
... pfc-watchdog`` takes ``poll-interval`` in ms, ``detection`` as a count of polls and
``recovery-time`` in ms (Junos CoS guide, "PFC watchdog"; docs/vendor-syntax.md 2.5).
The spec admits only timers that are whole numbers of polls, and validate refuses counts
outside the junos row's ``pfc_watchdog`` spans, so the division here is exact and in range.

WRED-ECN is not converted from the Design's bytes: Junos takes queue fill levels, the
vendor's DCQCN profile in the row's ``ecn_fill_pct``, and validate refuses explicit byte
thresholds for it (design/os_capabilities.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiinfra.design.model import PfcWatchdog


@dataclass(frozen=True, slots=True)
class JunosWatchdog:
    """The three numbers of a Junos ``pfc-watchdog`` block."""

    detection_polls: int  # ``detection``: polls without a drained queue before the storm is declared
    poll_interval_ms: int  # ``poll-interval``
    recovery_time_ms: int  # ``recovery-time``: how long the queue stays in drop before PFC returns


def pfc_watchdog(wd: PfcWatchdog) -> JunosWatchdog | None:
    """The watchdog in Junos units; None when the Design turns it off (no block is written)."""
    if not wd.enabled:
        return None
    return JunosWatchdog(
        detection_polls=wd.detection_ms // wd.poll_ms,
        poll_interval_ms=wd.poll_ms,
        recovery_time_ms=wd.restoration_ms,
    )

"""The Design's SI QoS numbers in the units NX-OS 10.5 statements take.

The Design holds the PFC watchdog in milliseconds and the WRED-ECN thresholds in bytes.
NX-OS states the watchdog as a poll interval in milliseconds and detection/restore as
multiples of that interval (``watch-dog shutdown-multiplier``, ``auto-restore multiplier``),
and WRED thresholds with a ``kbytes`` keyword (:func:`aiinfra.nos.units.ecn_kbytes`).
Validate has already refused timers outside the nxos row's ``pfc_watchdog`` spans and
detection/restore times that are not whole polls, so the divisions here are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiinfra.design.model import PfcWatchdog
    from aiinfra.nos.capabilities import WatchdogTimers


@dataclass(frozen=True, slots=True)
class Watchdog:
    """The NX-OS watchdog lines: ``interval_ms`` is None where the platform default is meant."""

    interval_ms: int | None
    shutdown_multiplier: int
    auto_restore_multiplier: int


def watchdog(wd: PfcWatchdog, limits: WatchdogTimers | None) -> Watchdog:
    """Detection and restore in polls; the interval left unstated when it is the OS default.

    NX-OS polls every 100 ms unless told otherwise, and Cisco's own NDFC only writes 101-1000 ms;
    leaving the default unstated is the same timer without relying on ``interval 100`` parsing.
    """
    default = limits.default_poll_ms if limits is not None else None
    return Watchdog(
        interval_ms=None if wd.poll_ms == default else wd.poll_ms,
        shutdown_multiplier=wd.detection_ms // wd.poll_ms,
        auto_restore_multiplier=wd.restoration_ms // wd.poll_ms,
    )

"""The Design's SI numbers in the units NVUE (Cumulus Linux 5.14) states them in.

* PFC watchdog: ``qos pfc-watchdog polling-interval`` is milliseconds and ``robustness``
  counts polls: NVUE declares a storm after ``robustness`` polling intervals with the
  queue paused (the 5.14 object model: polling-interval 100-5000, robustness 1-1000).
  NVUE has no restoration timer, so the Design's restoration time has no NVUE statement.
  The spec admits only whole numbers of polls and validate holds the count to the
  cumulus row's span, so the division is exact and in range.
* Cable length: a PFC profile's ``cable-length`` is whole metres.
* Time zone: the zone name as NVUE's enum spells it (``UTC`` is ``Etc/UTC``), from the
  row's ``timezone_aliases``; validate refused every zone the row does not list.

WRED-ECN thresholds and PFC headroom need no conversion: NVUE takes bytes, as the Design does.
"""

from __future__ import annotations

import math

from aiinfra.design.model import PfcWatchdog
from aiinfra.nos import profile

OS = "cumulus"


def watchdog(wd: PfcWatchdog) -> dict[str, int]:
    """``qos pfc-watchdog`` for an enabled watchdog: the poll in ms and the detection in polls."""
    return {"polling-interval": wd.poll_ms, "robustness": wd.detection_ms // wd.poll_ms}


def cable_length_m(metres: float) -> int:
    """NVUE's ``cable-length`` is whole metres (1..100000): round up, so the buffer NVUE
    reserves is never smaller than the headroom the Design computed for the real length."""
    return max(1, math.ceil(metres))


def timezone(name: str) -> str:
    """The spec's zone name as NVUE 5.14 spells it (``UTC`` is ``Etc/UTC`` there)."""
    return profile(OS).timezone_aliases.get(name, name)

"""The Design's SI numbers in the units SONiC 202411's CONFIG_DB takes, as ConfigDB strings.

ConfigDB stores every field as a string, so each conversion returns the text written.
Units per field, from the 202411 YANG models (sonic-buildimage ``src/sonic-yang-models``):

- ``PORT.speed``: Mb/s (sonic-port.yang, range 1..800000 for 800G); the Design holds Gb/s.
- ``PFC_WD`` ``detection_time``, ``restoration_time`` and ``GLOBAL.POLL_INTERVAL``:
  milliseconds ("in msec", sonic-pfcwd.yang), the Design's own unit, so no rounding is involved.
- ``WRED_PROFILE`` ``*_min_threshold``/``*_max_threshold``: bytes (sonic-wred-profile.yang);
  ``*_drop_probability``: percent. Both are the Design's units.
- ``PORT_QOS_MAP.pfc_enable``: a comma-separated list of priorities (sonic-port-qos-map.yang),
  here the Design's one no-drop priority, not a bitmap.
"""

from __future__ import annotations

from aiinfra.design.model import EcnProfile, PfcWatchdog, QosIntent

MBPS_PER_GBPS = 1000  # a unit name, not a derived quantity


def speed_mbps(gbps: int) -> int:
    return gbps * MBPS_PER_GBPS


def pfc_enable(qos: QosIntent) -> str:
    """The priorities PFC runs on, as ``pfc_enable`` lists them."""
    return str(qos.nodrop_priority)


def watchdog_ms(wd: PfcWatchdog) -> tuple[str, str, str]:
    """(detection_time, restoration_time, POLL_INTERVAL) in milliseconds."""
    return str(wd.detection_ms), str(wd.restoration_ms), str(wd.poll_ms)


def wred_thresholds(ecn: EcnProfile) -> tuple[str, str, str]:
    """(min_threshold, max_threshold, drop_probability): bytes, bytes, percent."""
    return str(ecn.min_bytes), str(ecn.max_bytes), str(ecn.max_probability_pct)

"""The Design's SI numbers in the units SR Linux 25.3.1 takes (Nokia's YANG models state each).

Conversions only: every figure was decided in :mod:`aiinfra.design`.
"""

from __future__ import annotations

import math

US_PER_MS = 1000
# srl_nokia-interfaces: a port's ``mtu`` (1450..9500) counts the Ethernet header, a subinterface's
# ``ip-mtu`` (1280..9486) does not: the two ranges differ by the 14-byte header (FCS excluded).
ETHERNET_HEADER_BYTES = 14
PERCENT = 100


def bfd_interval_us(interval_ms: int) -> int:
    """srl_nokia-bfd ``desired-minimum-transmit-interval`` / ``required-minimum-receive``: microseconds."""
    return interval_ms * US_PER_MS


def ip_mtu(port_mtu: int) -> int:
    """A routed subinterface's IP MTU for a port whose frames carry ``port_mtu`` bytes."""
    return port_mtu - ETHERNET_HEADER_BYTES


def watchdog_ms(ms: int) -> int:
    """srl_nokia-qos pfc-mapping-profile deadlock ``detection-timer`` / ``recovery-timer``: milliseconds,
    stated directly (no poll count); the driver's check keeps them in 10..1500 / 100..1500."""
    return ms


def ecn_bytes(value: int) -> int:
    """srl_nokia-qos queue-management-profile wred-slope ``min-threshold`` / ``max-threshold``: bytes."""
    return value


def reservation_pct(pool_bytes: int, buffer_bytes: int) -> int:
    """srl_nokia-qos forwarding-complex ``pfc-buffer-reservation``: whole percent of the packet buffer,
    rounded up so the reserved headroom is never smaller than the Design's pool."""
    return min(PERCENT, math.ceil(pool_bytes * PERCENT / buffer_bytes))


def speed(gbps: int) -> str:
    """srl_nokia-interfaces ``port-speed`` / ``breakout-port-speed`` enum spelling (``400G``)."""
    return f"{gbps}G"

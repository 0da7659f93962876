"""Lossless RoCEv2 numbers: classes, ECN thresholds and PFC headroom.

Computed once here; every switch template and host artefact formats these.
Sources: shared/reference/fabric.md sections 2.0, 4.1-4.3.
"""

from __future__ import annotations

import math

from aiinfra.design.model import EcnProfile, Headroom, PfcWatchdog, QosIntent, TrafficClass
from aiinfra.spec.fabrics import Roce

# IEEE 802.3 Annex 31B response time in pause quanta (512 bit times) per link speed,
# as encoded in SONiC buffer_headroom_mellanox.lua (fabric.md 4.1). 400G -> 463,360 BT.
RESPONSE_QUANTA = {10: 67, 25: 80, 40: 118, 50: 147, 100: 394, 200: 453, 400: 905, 800: 905}
# PHY/MAC delay upper bounds, bit times (fabric.md 4.1); not published above 100G.
INTERFACE_DELAY_BT = {10: 8_192, 25: 6_144, 40: 24_576, 100: 122_880}
PFC_FRAME_BT = 672  # 64 B PFC frame + IFG + preamble
FRAME_OVERHEAD_BT = 96 + 64  # IFG + preamble/SFD around a max frame
CABLE_NS_PER_M = 5.0

# ECN "auto": Kmin = 3 us and Kmax = 30 us of line rate. At 400G that is 150 KB / 1.5 MB,
# the Spectrum/Cumulus defaults (fabric.md 4.3); thresholds scale with speed so the queue
# delay at which marking starts is the same on every link. Kmax is capped at 10 % of the
# smallest switch buffer in the fabric so marking always starts well before PFC XOFF.
ECN_KMIN_US = 3.0
ECN_KMAX_US = 30.0
ECN_KMAX_BUFFER_SHARE = 0.10
ECN_AUTO_PMAX = 100
JUNOS_KMAX_FILL_PCT = 90  # Juniper DCQCN configlet marks 100 % at 90 % fill (fabric.md 2.5)

# Class layout (fabric.md 2.0 / 2.3): CNP strict, RoCE and best effort share DWRR 50/50.
BEST_EFFORT_TC = 0


def headroom_bytes(speed_gbps: int, cable_m: float, mtu: int) -> int:
    """Per-priority PFC headroom (IEEE 802.1Qbb delay model), in bytes.

    Sum of: a max frame the receiver finishes after XOFF trips, the PFC frame,
    the interface delay (where published), the round trip on the cable, the
    sender's response time, and one more max frame already in flight at the
    sender. Rounded up to 1 KiB, as switch buffers allocate in cells.
    """
    max_frame = mtu * 8 + FRAME_OVERHEAD_BT
    cable_bt = 2 * cable_m * CABLE_NS_PER_M * speed_gbps
    response = RESPONSE_QUANTA.get(speed_gbps, RESPONSE_QUANTA[800]) * 512
    bits = 2 * max_frame + PFC_FRAME_BT + INTERFACE_DELAY_BT.get(speed_gbps, 0) + cable_bt + response
    return math.ceil(bits / 8 / 1024) * 1024


def headroom_profile(speed_gbps: int, cable_m: float, mtu: int) -> Headroom:
    metres = f"{cable_m:g}".replace(".", "p")
    return Headroom(
        speed_gbps=speed_gbps,
        cable_m=cable_m,
        mtu=mtu,
        bytes=headroom_bytes(speed_gbps, cable_m, mtu),
        name=f"pg_lossless_{speed_gbps}g_{metres}m",
    )


def ecn_profile(roce: Roce, speed_gbps: int, min_buffer_bytes: int) -> EcnProfile:
    if roce.ecn == "auto":
        bytes_per_us = speed_gbps * 1e9 / 8 / 1e6
        kmin = round(ECN_KMIN_US * bytes_per_us)
        kmax = min(round(ECN_KMAX_US * bytes_per_us), int(min_buffer_bytes * ECN_KMAX_BUFFER_SHARE))
        kmax = max(kmax, kmin)
        pmax = ECN_AUTO_PMAX
        rule = (
            f"auto: Kmin = {ECN_KMIN_US:g} us x {speed_gbps}G = {kmin} B, "
            f"Kmax = min({ECN_KMAX_US:g} us x {speed_gbps}G, {ECN_KMAX_BUFFER_SHARE:.0%} of the smallest "
            f"buffer) = {kmax} B, Pmax = {pmax} %"
        )
        mode = "auto"
    else:
        kmin = roce.ecn.min_kbytes * 1000
        kmax = roce.ecn.max_kbytes * 1000
        pmax = roce.ecn.max_probability
        rule = "explicit (spec)"
        mode = "explicit"
    min_fill = max(1, round(JUNOS_KMAX_FILL_PCT * kmin / kmax)) if kmax else 1
    return EcnProfile(
        mode=mode,
        min_bytes=kmin,
        max_bytes=kmax,
        max_probability_pct=pmax,
        min_kbytes=math.ceil(kmin / 1000),
        max_kbytes=math.ceil(kmax / 1000),
        min_fill_pct=min(min_fill, JUNOS_KMAX_FILL_PCT),
        max_fill_pct=JUNOS_KMAX_FILL_PCT,
        rule=rule,
    )


def _seconds(ms: int) -> str:
    """Milliseconds as a decimal-seconds string without float noise: 200 -> "0.2"."""
    whole, frac = divmod(ms, 1000)
    return f"{whole}.{frac:03d}".rstrip("0").rstrip(".") if frac else str(whole)


def qos_intent(roce: Roce, speed_gbps: int, min_buffer_bytes: int) -> QosIntent:
    roce_dscps = tuple(sorted({roce.dscp, *roce.also_classify_dscp}))
    classes = (
        TrafficClass("BEST_EFFORT", BEST_EFFORT_TC, (), "dwrr", 50, False, False),
        TrafficClass("ROCE", roce.priority, roce_dscps, "dwrr", 50, True, True),
        TrafficClass("CNP", roce.cnp_priority, (roce.cnp_dscp,), "strict", 0, False, False),
    )
    wd = roce.pfc_watchdog
    return QosIntent(
        nodrop_priority=roce.priority,
        roce_dscp=roce.dscp,
        roce_dscps=roce_dscps,
        cnp_dscp=roce.cnp_dscp,
        cnp_priority=roce.cnp_priority,
        roce_tos=(roce.dscp << 2) | 0b10,
        classes=tuple(sorted(classes, key=lambda c: c.tc)),
        ecn=ecn_profile(roce, speed_gbps, min_buffer_bytes),
        pfc_watchdog=PfcWatchdog(
            enabled=wd.enabled,
            detection_ms=wd.detection_ms,
            restoration_ms=wd.restoration_ms,
            poll_ms=wd.poll_ms,
            action="drop",
            detection_polls=wd.detection_ms // wd.poll_ms,
            restoration_polls=wd.restoration_ms // wd.poll_ms,
            detection_s=_seconds(wd.detection_ms),
            restoration_s=_seconds(wd.restoration_ms),
            poll_s=_seconds(wd.poll_ms),
        ),
        dcqcn=roce.dcqcn,
        host_mtu=roce.host_mtu,
        pause_8023x=False,
    )

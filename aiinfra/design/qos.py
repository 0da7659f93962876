"""Lossless RoCEv2 numbers: classes, ECN thresholds and PFC headroom.

Computed once here; every switch template and host artefact formats these.
Sources: shared/reference/fabric.md sections 2.0, 4.1-4.3.
"""

from __future__ import annotations

import math

from aiinfra.catalog.headroom import AsicHeadroom
from aiinfra.design.model import EcnProfile, Headroom, HeadroomBudget, PfcWatchdog, QosIntent, TrafficClass
from aiinfra.spec.fabrics import Roce

# IEEE 802.3 Annex 31B response time in pause quanta (512 bit times) per link speed,
# as encoded in SONiC buffer_headroom_mellanox.lua (fabric.md 4.1). 400G -> 463,360 BT.
RESPONSE_QUANTA = {1: 2, 10: 67, 25: 80, 40: 118, 50: 147, 100: 394, 200: 453, 400: 905, 800: 905}
# PHY/MAC delay upper bounds, bit times (fabric.md 4.1); not published above 100G.
INTERFACE_DELAY_BT = {10: 8_192, 25: 6_144, 40: 24_576, 100: 122_880}
PFC_FRAME_BT = 672  # 64 B PFC frame + IFG + preamble
FRAME_OVERHEAD_BT = 96 + 64  # IFG + preamble/SFD around a max frame
CABLE_NS_PER_M = 5.0
# The calibrated model counts the cable as the lua does: light in fibre at 198,000,000 m/s.
FIBRE_M_PER_S = 198_000_000

# ECN "auto": Kmin = 3 us and Kmax = 30 us of line rate. At 400G that is 150 KB / 1.5 MB,
# the Spectrum/Cumulus defaults (fabric.md 4.3); thresholds scale with speed so the queue
# delay at which marking starts is the same on every link. Kmax is capped at 10 % of the
# smallest switch buffer in the fabric so marking always starts well before PFC XOFF.
ECN_KMIN_US = 3.0
ECN_KMAX_US = 30.0
ECN_KMAX_BUFFER_SHARE = 0.10
ECN_AUTO_PMAX = 100

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


def calibrated_xoff(terms: AsicHeadroom, speed_gbps: int, cable_m: float, port_mtu: int, lossless_mtu: int) -> int:
    """XOFF headroom from the vendor terms of one ASIC (data/headroom.yaml), in bytes.

    SONiC's buffer_headroom_mellanox.lua with per-ASIC constants: the peer's frame in
    flight, the cable both ways, the PHY/FEC/pipeline delay and the peer's response time,
    scaled by the worst-case cell occupancy, plus the frame being received; rounded up to
    the unit the vendor's table uses (1 KiB on Spectrum, a 254 B cell on TH5).
    """
    cable = 2 * cable_m * speed_gbps * 1e9 / 8 / FIBRE_M_PER_S
    phy = terms.phy_delay(speed_gbps) * speed_gbps / 8
    if terms.peer_response_bytes is not None:
        response = terms.peer_response_bytes
    else:
        response = RESPONSE_QUANTA.get(speed_gbps, RESPONSE_QUANTA[800]) * 512 // 8
    propagation = port_mtu + cable + phy + terms.mac_phy_bytes + response
    xoff = lossless_mtu + propagation * terms.cell_occupancy
    return math.ceil(xoff / terms.round_bytes) * terms.round_bytes


def headroom_profile(
    speed_gbps: int, cable_m: float, mtu: int, terms: AsicHeadroom | None = None, asic: str = ""
) -> Headroom:
    """One port profile: the calibrated XOFF at the switch MTU on both sides, never below the floor.

    Without calibrated terms (an ASIC no vendor table covers) the floor is the figure.
    """
    metres = f"{cable_m:g}".replace(".", "p")
    floor = headroom_bytes(speed_gbps, cable_m, mtu)
    if terms is not None and terms.calibrated:
        model = calibrated_xoff(terms, speed_gbps, cable_m, mtu, mtu)
        xoff, basis = (model, "calibrated") if model >= floor else (floor, "floor")
        xon = terms.xon(speed_gbps)
        size = terms.reserved_bytes if terms.size_rule == "reserved" else _round_up(xoff + xon, terms.round_bytes)
        offset = terms.xon_offset_bytes
    else:
        xoff, basis, xon, size, offset = floor, "uncalibrated", 0, floor, 0
    return Headroom(
        speed_gbps=speed_gbps,
        cable_m=cable_m,
        mtu=mtu,
        bytes=xoff,
        name=f"pg_lossless_{speed_gbps}g_{metres}m",
        floor_bytes=floor,
        xon_bytes=xon,
        xon_offset_bytes=offset,
        size_bytes=size,
        asic=asic,
        basis=basis,
    )


def _round_up(value: int, unit: int) -> int:
    return -(-value // unit) * unit


def headroom_budget(buffer_mb: float, headroom_pool_pct: int, terms: AsicHeadroom | None) -> HeadroomBudget:
    """The switch's room for headroom: the vendor's shared headroom pool where the ASIC has
    one (its share of the buffer and over-subscription as the vendor configures them),
    otherwise the catalog's ``headroom_pool_pct`` of the buffer, reserved per PG."""
    buffer = buffer_mb * 1e6
    if terms is not None and terms.budget.mode == "shared":
        b = terms.budget
        return HeadroomBudget(
            mode="shared",
            pool_bytes=int(buffer * b.pool_share),
            oversubscription=round(b.oversubscription, 2),
            basis=(
                f"shared headroom pool, {b.pool_share:.1%} of {buffer_mb:g} MB, per-PG xoff over-subscribed "
                f"{b.oversubscription:.2f}:1 as {b.source.path.split('/')[-2]} configures it"  # type: ignore[union-attr]
            ),
        )
    return HeadroomBudget(
        mode="reserved",
        pool_bytes=int(buffer * headroom_pool_pct / 100),
        oversubscription=1.0,
        basis=f"{headroom_pool_pct}% of {buffer_mb:g} MB",
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
    return EcnProfile(
        mode=mode,
        min_bytes=kmin,
        max_bytes=kmax,
        max_probability_pct=pmax,
        rule=rule,
    )


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
        ),
        dcqcn=roce.dcqcn,
        host_mtu=roce.host_mtu,
        pause_8023x=False,
    )

"""SONiC 202411 buffer tables that keep the RoCE class lossless across ``config reload``.

Why the static ("traditional") model, fully rendered:

- ``config reload`` replaces CONFIG_DB with config_db.json, so whatever the file does not
  carry is gone: a BUFFER_PROFILE without its BUFFER_POOL, or a lossless PG without a
  profile, leaves the no-drop priority with no headroom, and PFC then pauses nothing.
  The file therefore holds every buffer table: BUFFER_POOL, BUFFER_PROFILE, BUFFER_PG,
  BUFFER_QUEUE, CABLE_LENGTH, and ``DEVICE_METADATA.buffer_model = traditional``.
- The dynamic model computes headroom in ``buffer_headroom_<vendor>.lua``; SONiC ships
  that plugin for Mellanox only (sonic-device_metadata.yang: "This model is used by
  Mellanox so far"), and the fabric SONiC switches in the catalog are Broadcom TH5. The
  traditional model programs the numbers it is given, which are the Design's.
- In the traditional model buffermgrd (sonic-swss ``cfgmgr/buffermgr.cpp``,
  ``doSpeedUpdateTask``) reacts to PORT speed + CABLE_LENGTH + ``pfc_enable`` by writing
  ``BUFFER_PG|<port>|<pfc prio>`` with profile ``pg_lossless_<speed>_<cable>_profile``,
  creating that profile from the HwSKU's ``pg_profile_lookup.ini`` only if no profile of
  that name exists. The lossless profiles here carry exactly that name and CABLE_LENGTH
  the same length, so buffermgrd reuses them: the Design's headroom stays programmed
  whatever the HwSKU's lookup file says.

Numbers: ``xoff``, ``xon``, ``xon_offset`` and ``size`` are the Design's calibrated
headroom profile (design/qos.py, catalog/data/headroom.yaml), each in the ASIC's own
convention, which the Design already applies:

- Broadcom: ``size`` is the PG's guaranteed minimum and the headroom sits beside it in
  ``xoff`` (the TH5 lookup row ``800000 5m 8636 0 724662 0 3556``, fabric.md 2.4);
- NVIDIA Spectrum: ``size`` holds the headroom (sonic-swss ``buffer_headroom_mellanox.lua``:
  ``size = xoff + xon``).

Pools split the catalog switch's buffer: the catalog's ``headroom_pool_pct`` share goes
to the lossless ingress pool, and the rest is shared half and half with the lossy ingress
pool; egress lossless traffic is never dropped, so its pool is the whole buffer with a
static threshold, as in SONiC's Broadcom ``buffers_defaults``. Where the Design budgets a
shared headroom pool (``Device.headroom_budget``, mode ``shared``: TH5, as Arista's
7060X6 SONiC config does), that pool is the lossless ingress pool's ``xoff``; the budget
check in design/roce.py guarantees the ports' headroom fits it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aiinfra.design.model import Device, HeadroomBudget, Interface, SwitchHardware
from aiinfra.nos.sonic.units import speed_mbps

INGRESS_LOSSLESS_POOL = "ingress_lossless_pool"  # the name buffermgrd looks up (buffermgr.h)
INGRESS_LOSSY_POOL = "ingress_lossy_pool"
EGRESS_LOSSLESS_POOL = "egress_lossless_pool"
EGRESS_LOSSY_POOL = "egress_lossy_pool"
INGRESS_LOSSY_PROFILE = "ingress_lossy_profile"
EGRESS_LOSSLESS_PROFILE = "egress_lossless_profile"
EGRESS_LOSSY_PROFILE = "egress_lossy_profile"
LOSSLESS_DYNAMIC_TH = 0  # alpha 2^0, the TH5 lookup table's threshold column (fabric.md 2.4)
LOSSY_DYNAMIC_TH = 3  # alpha 2^3, SONiC's lossy-profile default in its buffer templates
CABLE_TABLE = "AIINFRA"
QUEUES = range(8)  # unicast queues 0-7 (sonic-buffer-queue.yang accepts 0-15)


@dataclass(frozen=True, slots=True)
class Pool:
    name: str
    type: str  # ingress | egress
    mode: str  # static | dynamic
    size: int
    xoff: int = 0  # a shared headroom pool inside this pool (Broadcom); 0: headroom reserved per PG


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    pool: str
    size: int
    thresholds: tuple[tuple[str, int], ...]  # (field, value) in the order written


@dataclass(frozen=True, slots=True)
class Binding:
    """One BUFFER_PG or BUFFER_QUEUE row: ``port|index`` -> profile."""

    port: str
    index: str  # "3" or a range "4-7"
    profile: str


@dataclass(frozen=True, slots=True)
class Buffers:
    pools: tuple[Pool, ...]
    profiles: tuple[Profile, ...]
    pgs: tuple[Binding, ...]
    queues: tuple[Binding, ...]
    cable_lengths: tuple[tuple[str, str], ...]  # (port, "5m")


def metres(iface: Interface) -> int:
    """CABLE_LENGTH takes whole metres ('[0-9]+m'); a fraction rounds up (more headroom, never less)."""
    assert iface.headroom is not None
    return math.ceil(iface.headroom.cable_m)


def lossless_name(iface: Interface) -> str:
    """The profile name buffermgrd derives for this port, so it reuses ours (module docstring)."""
    return f"pg_lossless_{speed_mbps(iface.speed_gbps)}_{metres(iface)}m_profile"


def ranges(indexes: list[int]) -> list[str]:
    """Contiguous runs as SONiC range keys: [0, 1, 2, 4] -> ["0-2", "4"]."""
    out: list[str] = []
    start = prev = None
    for i in sorted(indexes):
        if start is None:
            start = prev = i
        elif i == prev + 1:  # type: ignore[operator]
            prev = i
        else:
            out.append(f"{start}-{prev}" if start != prev else f"{start}")
            start = prev = i
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else f"{start}")
    return out


def pools(model: SwitchHardware, budget: HeadroomBudget | None) -> tuple[Pool, ...]:
    """The four pools. Where the Design budgets a shared headroom pool (TH5), it is the
    lossless ingress pool's ``xoff``, sized as the vendor sizes it (design/qos.py)."""
    total = model.buffer_bytes
    headroom = total * model.headroom_pool_pct // 100
    shared = total - headroom
    lossy = shared - shared // 2
    xoff = budget.pool_bytes if budget is not None and budget.mode == "shared" else 0
    return (
        Pool(EGRESS_LOSSLESS_POOL, "egress", "static", total),
        Pool(EGRESS_LOSSY_POOL, "egress", "dynamic", lossy),
        Pool(INGRESS_LOSSLESS_POOL, "ingress", "dynamic", headroom + shared // 2, xoff),
        Pool(INGRESS_LOSSY_POOL, "ingress", "dynamic", lossy),
    )


def lossless_profiles(ports: list[Interface]) -> tuple[Profile, ...]:
    """One profile per SONiC name; where two Design profiles share it, the larger headroom wins."""
    chosen: dict[str, Interface] = {}
    for i in ports:
        assert i.headroom is not None
        name = lossless_name(i)
        held = chosen.get(name)
        if held is None or (i.headroom.bytes, i.headroom.mtu) > (held.headroom.bytes, held.headroom.mtu):  # type: ignore[union-attr]
            chosen[name] = i
    out = []
    for name, i in sorted(chosen.items()):
        h = i.headroom
        assert h is not None
        thresholds: tuple[tuple[str, int], ...] = (("xon", h.xon_bytes),)
        if h.xon_offset_bytes:
            thresholds += (("xon_offset", h.xon_offset_bytes),)
        thresholds += (("xoff", h.bytes), ("dynamic_th", LOSSLESS_DYNAMIC_TH))
        out.append(Profile(name, INGRESS_LOSSLESS_POOL, h.size_bytes, thresholds))
    return tuple(out)


def buffers(device: Device, model: SwitchHardware) -> Buffers | None:
    """Every buffer table of a switch with a lossless class; None on one without QoS."""
    qos = device.qos
    if qos is None:
        return None
    ports = sorted((i for i in device.interfaces if i.roce and i.headroom is not None), key=lambda i: i.name)
    pool_list = pools(model, device.headroom_budget)
    egress_lossless = next(p for p in pool_list if p.name == EGRESS_LOSSLESS_POOL)
    profiles = (
        *lossless_profiles(ports),
        Profile(EGRESS_LOSSLESS_PROFILE, EGRESS_LOSSLESS_POOL, 0, (("static_th", egress_lossless.size),)),
        Profile(EGRESS_LOSSY_PROFILE, EGRESS_LOSSY_POOL, 0, (("dynamic_th", LOSSY_DYNAMIC_TH),)),
        Profile(INGRESS_LOSSY_PROFILE, INGRESS_LOSSY_POOL, 0, (("dynamic_th", LOSSY_DYNAMIC_TH),)),
    )
    lossless = [qos.nodrop_priority]  # the one PFC priority (pfc_enable), queue == PG == priority
    lossy_queues = ranges([q for q in QUEUES if q not in lossless])
    pgs: list[Binding] = []
    queues: list[Binding] = []
    for i in ports:
        pgs.append(Binding(i.name, "0", INGRESS_LOSSY_PROFILE))
        pgs.append(Binding(i.name, str(qos.nodrop_priority), lossless_name(i)))
        queues += [Binding(i.name, q, EGRESS_LOSSY_PROFILE) for q in lossy_queues]
        queues += [Binding(i.name, q, EGRESS_LOSSLESS_PROFILE) for q in ranges(lossless)]
    return Buffers(pool_list, profiles, tuple(pgs), tuple(queues), tuple((i.name, f"{metres(i)}m") for i in ports))

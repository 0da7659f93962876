"""Power, energy, CO2e and cost from a bill of materials.

IT power is nameplate maximum (for PDUs, UPS and cooling design) and average
(maximum x load factor, for energy). Facility power multiplies by PUE.
Units: W, kWh, tonnes CO2e, currency per month (730 h) or per run.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import Hardware
from aiinfra.spec.workloads import CostSettings, PowerSettings

HOURS_PER_MONTH = 730.0

# Pluggable optics, W per module by line rate (sizing.md 6): 800G twin-port OSFP 15-17 W (17 taken),
# 400G OSFP/QSFP112 8-9 W (9 taken), 200G mode of the 400G SR4 module 5 W. 100G QSFP28 3.5 W is the
# usual power class, not a figure from the reference.
OPTIC_W: dict[int, float] = {800: 17.0, 400: 9.0, 200: 5.0, 100: 3.5}


@dataclass(frozen=True)
class Bom:
    """What draws power: catalog node and switch models with counts, and optics by speed (Gb/s).

    The design layer builds one from its bill of materials; ``estimate_bom`` builds one for
    a node count when there is no design yet.
    """

    nodes: Mapping[str, int]
    switches: Mapping[str, int] = field(default_factory=dict)
    optics: Mapping[int, int] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class PowerReport:
    gpus: int
    nodes: int
    nodes_w: float
    switches_w: float
    optics_w: float
    it_max_w: float
    it_avg_w: float
    facility_max_w: float
    facility_avg_w: float
    hours: float
    energy_kwh: float
    co2e_t: float
    gpu_hours: float
    cost: float | None
    cost_basis: str
    note: str


def _bom_watts(bom: Bom, catalog: Catalog) -> tuple[float, float, float, int, int]:
    nodes_w = switches_w = optics_w = 0.0
    gpus = nodes = 0
    for key, count in bom.nodes.items():
        server = catalog.servers.get(key)
        if server is None:
            raise SizingError(f"BOM names unknown server {key!r}")
        nodes_w += server.power_w * count
        gpus += server.gpus * count
        nodes += count
    for key, count in bom.switches.items():
        switch = catalog.switches.get(key)
        if switch is None:
            raise SizingError(f"BOM names unknown switch {key!r}")
        switches_w += switch.power_w * count
    for speed, count in bom.optics.items():
        if speed not in OPTIC_W:
            raise SizingError(f"no power figure for {speed}G optics; known: {sorted(OPTIC_W)}")
        optics_w += OPTIC_W[speed] * count
    return nodes_w, switches_w, optics_w, gpus, nodes


def cost_for(
    settings: PowerSettings, cost: CostSettings | None, gpus: int, nodes: int, hours: float, facility_avg_w: float
) -> tuple[float | None, str]:
    """Cost of running ``gpus`` on ``nodes`` for ``hours``, and how it was computed.

    A price per GPU-hour is all-in (energy included). Capex is spread straight-line over
    its life; energy is added when a price per kWh is given.
    """
    if cost is None:
        return None, "no cost settings (give workloads.cost)"
    if cost.price_per_gpu_hour is not None:
        return gpus * hours * cost.price_per_gpu_hour, (
            f"{cost.price_per_gpu_hour:g} {cost.currency} per GPU-hour, all-in"
        )
    assert cost.capex_per_node is not None and cost.amortisation_years is not None
    capex = nodes * cost.capex_per_node * hours / (cost.amortisation_years * 8760)
    basis = f"capex {cost.capex_per_node:,.0f} {cost.currency}/node over {cost.amortisation_years:g} years"
    if settings.energy_price_per_kwh is None:
        return capex, basis + "; energy not priced (set power.energy_price_per_kwh)"
    energy = facility_avg_w / 1000 * hours * settings.energy_price_per_kwh
    return capex + energy, basis + f" + energy at {settings.energy_price_per_kwh:g} {cost.currency}/kWh"


def power_from_bom(
    bom: Bom,
    catalog: Catalog,
    settings: PowerSettings,
    cost: CostSettings | None = None,
    hours: float = HOURS_PER_MONTH,
) -> PowerReport:
    """Power, and energy, CO2e and cost of running everything in ``bom`` for ``hours``
    (default: one month around the clock)."""
    nodes_w, switches_w, optics_w, gpus, nodes = _bom_watts(bom, catalog)
    it_max = nodes_w + switches_w + optics_w
    it_avg = it_max * settings.it_load_factor
    facility_avg = it_avg * settings.pue
    energy = facility_avg / 1000 * hours
    amount, basis = cost_for(settings, cost, gpus, nodes, hours, facility_avg)
    return PowerReport(
        gpus=gpus,
        nodes=nodes,
        nodes_w=nodes_w,
        switches_w=switches_w,
        optics_w=optics_w,
        it_max_w=it_max,
        it_avg_w=it_avg,
        facility_max_w=it_max * settings.pue,
        facility_avg_w=facility_avg,
        hours=hours,
        energy_kwh=energy,
        co2e_t=energy * settings.grid_gco2_per_kwh / 1e6,
        gpu_hours=gpus * hours,
        cost=amount,
        cost_basis=basis,
        note=bom.note,
    )


def estimate_bom(hw: Hardware, nodes: int, catalog: Catalog, switch_key: str | None = None) -> Bom:
    """A back-end fabric estimate for ``nodes`` when no design exists yet.

    Non-blocking (1:1) leaf-spine: one tier while one switch holds every GPU NIC, two while
    ``radix^2 / 2`` do, else three; each NIC then uses ``2 x tiers - 1`` switch ports. Optics
    are counted on the NIC end only, because catalog switch figures such as the SN5600's
    already include their own optics. Front-end, storage and management networks are left out.
    """
    nic_key = hw.server.backend.nic
    nic = catalog.nics.get(nic_key)
    if nic is None:
        raise SizingError(f"server {hw.server_key!r} names back-end NIC {nic_key!r}, not in the catalog")
    nics = nodes * hw.server.backend.count
    key = switch_key or _default_switch(catalog, nic.speed_gbps)
    switch = catalog.switches.get(key)
    if switch is None:
        raise SizingError(f"unknown switch {key!r}; known: {', '.join(sorted(catalog.switches))}")
    radix = switch.radix(nic.speed_gbps) if switch.supports_speed(nic.speed_gbps) else switch.ports
    tiers = 1 if nics <= radix else 2 if nics <= radix * radix // 2 else 3
    switches = math.ceil(nics * (2 * tiers - 1) / radix) if nics else 0
    return Bom(
        nodes={hw.server_key: nodes},
        switches={key: switches} if switches else {},
        optics={nic.speed_gbps: nics} if nics else {},
        note=f"estimated {tiers}-tier 1:1 back-end fabric of {key}; front-end, storage and OOB not counted",
    )


def _default_switch(catalog: Catalog, speed_gbps: int) -> str:
    """The first fabric switch (by name) that runs the NIC speed, preferring the SN5600."""
    if "sn5600" in catalog.switches:
        return "sn5600"
    for key in sorted(catalog.switches):
        s = catalog.switches[key]
        if s.role == "fabric" and s.supports_speed(speed_gbps):
            return key
    raise SizingError(f"no fabric switch in the catalog runs {speed_gbps}G ports")


def bom_from_design(design: Design) -> Bom:
    """The power-relevant part of the design's bill of materials: real switch and optic counts."""
    nodes = Counter(n.model for n in design.nodes)
    switches = Counter(d.model for d in design.devices.values())
    optics: Counter[int] = Counter()
    for line in design.bom:
        if line.category == "optic":
            optics[line.speed_gbps] += line.count
    return Bom(nodes=dict(nodes), switches=dict(switches), optics=dict(optics), note="from the design's BOM")

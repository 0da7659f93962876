"""The overview figures, the tier table and the bill of materials, from the Design.

Formatting only: every count, ratio and bandwidth was decided in :mod:`aiinfra.design`.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from aiinfra.design.model import Design
from aiinfra.report.model import Figure, Table

FABRIC = {"backend": "Back-end", "frontend": "Front-end", "storage": "Storage", "oob": "OOB"}


def gbps(value: float) -> str:
    """A bandwidth in the unit that reads best: ``51.2 Tb/s``, ``400 Gb/s``."""
    if value >= 1000:
        return f"{value / 1000:,.1f} Tb/s"
    return f"{value:,.0f} Gb/s"


def ratio(value: float) -> str:
    return f"{value:g}:1" if value else "-"


def figures(design: Design) -> tuple[Figure, ...]:
    gpus = sum(n.gpus for n in design.nodes)
    per_fabric = Counter(d.fabric for d in design.devices.values())
    lb = sorted({d.load_balancing for d in design.devices_by(fabric="backend")})
    gpu_models = sorted({n.gpu for n in design.nodes})
    platform = design.platform.type if design.platform else "none"
    out = [
        Figure("GPUs", f"{gpus:,}" + (f" ({', '.join(gpu_models)})" if gpu_models else "")),
        Figure("GPU nodes", f"{len(design.nodes):,}"),
        Figure("Switches", f"{len(design.devices):,}"),
        Figure("Scalable units", f"{design.scalable_units:,}"),
        Figure("Rails", f"{design.rails:,}"),
        Figure("Back-end tiers", f"{design.backend_tiers}"),
        Figure("Back-end bisection", gbps(design.backend_bisection_gbps)),
        Figure("Back-end load balancing", ", ".join(lb) or "-"),
        Figure("Platform", platform),
    ]
    out += [Figure(f"{FABRIC.get(f, f)} switches", f"{n:,}") for f, n in sorted(per_fabric.items())]
    return tuple(out)


def tier_table(design: Design) -> Table:
    rows = tuple(
        (
            t.fabric,
            t.tier,
            t.model,
            t.os,
            f"{t.count:,}",
            f"{t.downlinks_per_switch:,}",
            f"{t.uplinks_per_switch:,}",
            ratio(t.oversubscription),
        )
        for t in design.tiers
    )
    return Table(
        "Switches per tier: model, OS, ports down and up per switch, oversubscription",
        ("fabric", "tier", "model", "OS", "switches", "down", "up", "oversubscription"),
        rows,
        (False, False, False, False, True, True, True, True),
    )


def bom_table(design: Design, server_w: dict[str, float], optic_w: dict[int, float]) -> Table:
    """The Design's BOM with power per line: switches from each device's ``power_w``; servers
    (``server_w``: BOM item -> W) and optics from the figures ``aiinfra size`` uses ("-" where none is known)."""
    switch_w: dict[str, float] = defaultdict(float)
    for d in design.devices.values():
        hw = design.switch_models.get(d.model)
        if hw is not None:
            switch_w[f"{hw.vendor} {hw.model}"] += d.power_w
    rows = []
    for line in design.bom:
        watts: float | None = None
        if line.category == "switch":
            watts = switch_w.get(line.item)
        elif line.category == "optic" and line.speed_gbps in optic_w:
            watts = optic_w[line.speed_gbps] * line.count
        elif line.category == "server" and line.item in server_w:
            watts = server_w[line.item] * line.count
        rows.append((line.category, line.item, f"{line.count:,}", line.detail, _kw(watts)))
    return Table(
        "Bill of materials, with maximum power per line",
        ("category", "item", "count", "detail", "max power"),
        tuple(rows),
        (False, False, True, False, True),
    )


def _kw(watts: float | None) -> str:
    if not watts:
        return "-"
    return f"{watts / 1000:,.1f} kW"

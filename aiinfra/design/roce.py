"""RoCE ports of the back-end fabric: headroom profiles and each switch's buffer budget.

The per-port figures and budgets are computed in ``qos`` from the ASIC's vendor-calibrated
terms (``catalog/data/headroom.yaml``); this module attaches them and reports a switch whose
ports need more headroom than its buffer allows, positioned at ``roce.cable_length_m``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from aiinfra.catalog.headroom import asic_headroom
from aiinfra.catalog.models import SwitchModel
from aiinfra.design.context import BuildContext
from aiinfra.design.model import Device, Headroom, HeadroomBudget, HeadroomProfileRow, HeadroomRow
from aiinfra.design.problems import Problems
from aiinfra.design.qos import headroom_budget, headroom_profile


def apply_roce(ctx: BuildContext, backend: list[Device], problems: Problems) -> list[HeadroomRow]:
    """Mark RoCE ports, attach headroom profiles and check each switch's headroom budget.

    Profiles use the ASIC's vendor-calibrated terms (catalog/data/headroom.yaml); the budget
    is the vendor's shared headroom pool where the ASIC has one, else the catalog's share of
    the buffer reserved per lossless PG (one per port: the no-drop priority).
    """
    cables = ctx.spec.fabrics.backend.roce.cable_length_m
    host_leaf, leaf_spine, spine_super_spine = cables.host_leaf, cables.leaf_spine, cables.spine_super_spine
    report: dict[tuple[str, str], _Row] = {}
    over: dict[tuple[str, str], list[tuple[int, Device, list[Headroom]]]] = {}
    profiles: dict[tuple[int, float, int, str], Headroom] = {}
    for d in backend:
        model = ctx.catalog.switches[d.model]
        terms = asic_headroom(model.asic)
        budget = headroom_budget(model.buffer_mb, model.headroom_pool_pct, terms)
        d.headroom_budget = budget
        used: list[Headroom] = []
        local: dict[tuple[int, float], Headroom] = {}  # (speed, metres) -> profile, on this switch
        leaf, spine = d.role == "leaf", d.role == "spine"
        last: tuple[int, float] | None = None  # neighbouring ports mostly share one profile
        profile: Headroom
        for i in d.interfaces:
            role = i.role
            if role == "host":
                metres = host_leaf
            elif (leaf and role == "uplink") or (spine and role == "downlink"):
                metres = leaf_spine
            else:
                metres = spine_super_spine
            speed = i.speed_gbps
            if last is None or last[0] != speed or last[1] != metres:
                last = (speed, metres)
                found = local.get(last)
                if found is None:
                    key = (speed, metres, d.switch_mtu, model.asic)
                    if key not in profiles:
                        profiles[key] = headroom_profile(speed, metres, d.switch_mtu, terms, model.asic)
                    found = local[last] = profiles[key]
                profile = found
            i.lossless = True
            i.headroom = profile
            used.append(profile)
        total = budget.demand(used)
        if total > budget.pool_bytes:
            over.setdefault((d.role, d.model), []).append((total, d, used))
        row = report.setdefault((d.role, d.model), _Row(d.role, d.model, model.asic, budget))
        row.add(used, total)
    for role_model in sorted(over):  # one problem per role and model: the worst switch, and how many more
        failing = over[role_model]
        total, d, used = max(failing, key=lambda f: f[0])  # the first of the worst, in design order
        model = ctx.catalog.switches[d.model]
        message = _over_budget(d, model, report[role_model].budget, used, total)
        if len(failing) > 1:
            message += f" ({len(failing) - 1} more {d.role} switches of this model are over budget too)"
        problems.add(("fabrics", "backend", "roce", "cable_length_m"), message)
    return [report[k].row() for k in sorted(report)]


_XOFF, _NAME = attrgetter("bytes"), attrgetter("name")  # per port, 700k at 131k GPUs: mapped, not a loop


@dataclass
class _Row:
    """One ``pfc_headroom`` row of design.yaml: a role and model, worst switch first."""

    role: str
    model: str
    asic: str
    budget: HeadroomBudget
    switches: int = 0
    roce_ports: int = 0
    max_xoff_bytes: int = 0
    max_headroom_bytes: int = 0
    profiles: dict[str, Headroom] = field(default_factory=dict)

    def add(self, used: list[Headroom], demand: int) -> None:
        self.switches += 1
        self.roce_ports = max(self.roce_ports, len(used))
        self.max_xoff_bytes = max(self.max_xoff_bytes, sum(map(_XOFF, used)))
        self.max_headroom_bytes = max(self.max_headroom_bytes, demand)
        self.profiles.update(zip(map(_NAME, used), used, strict=True))  # the last profile of each name

    def row(self) -> HeadroomRow:
        return HeadroomRow(
            role=self.role,
            model=self.model,
            asic=self.asic,
            switches=self.switches,
            roce_ports=self.roce_ports,
            max_xoff_bytes=self.max_xoff_bytes,
            max_headroom_bytes=self.max_headroom_bytes,
            budget_bytes=self.budget.pool_bytes,
            budget=self.budget.basis,
            profiles={name: _profile(h) for name, h in sorted(self.profiles.items())},
        )


def _over_budget(d: Device, model: SwitchModel, budget: HeadroomBudget, used: list[Headroom], total: int) -> str:
    """The budget failure, with the numbers the user needs to act on it."""
    if budget.mode == "shared":
        xoff = sum(h.bytes for h in used)
        return (
            f"{d.name} ({model.model}) needs {total:,} B of PFC headroom ({xoff:,} B of per-port xoff "
            f"over {budget.oversubscription:g}:1) but only {budget.pool_bytes:,} B ({budget.basis}) is available; "
            "shorten cables or lower the MTU"
        )
    return (
        f"{d.name} ({model.model}) needs {total:,} B of PFC headroom but only {budget.pool_bytes:,} B "
        f"({budget.basis}) is available; shorten cables or lower the MTU"
    )


def _profile(h: Headroom) -> HeadroomProfileRow:
    return HeadroomProfileRow(xoff_bytes=h.bytes, size_bytes=h.size_bytes, floor_bytes=h.floor_bytes, basis=h.basis)

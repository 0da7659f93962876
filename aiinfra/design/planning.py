"""Switch counts per fabric, chosen by the spec's design for each: the planners are in :mod:`clos`."""

from __future__ import annotations

from aiinfra.catalog import Catalog
from aiinfra.design.clos import (
    LeafSpinePlan,
    RailPlan,
    SizingError,
    plan_collapsed,
    plan_leaf_spine,
    plan_rail_fabric,
    plan_single_switch,
)
from aiinfra.design.problems import Problems
from aiinfra.spec.base import parse_ratio, speed_gbps
from aiinfra.spec.model import ClusterSpec


def plan_fabrics(
    spec: ClusterSpec, catalog: Catalog, n: int, rails: int, link: int, models: dict, problems: Problems
) -> tuple[RailPlan, dict[str, LeafSpinePlan]]:
    """Switch counts for every fabric; a plan that does not fit becomes a problem on its fabric."""
    be = spec.fabrics.backend
    rail_plan = None
    try:
        if be.design == "single-switch":
            rail_plan = plan_single_switch(nodes=n, rails=rails, leaf_radix=models["leaf"].radix(link))
        else:
            rail_plan = plan_rail_fabric(
                nodes=n,
                nodes_per_su=be.nodes_per_su,
                rails=rails,
                leaf_radix=models["leaf"].radix(link),
                spine_radix=models["spine"].radix(link),
                super_spine_radix=models["super_spine"].radix(link),
                oversubscription=parse_ratio(be.oversubscription),
            )
    except SizingError as exc:
        problems.add(("fabrics", "backend"), str(exc))
    fabric_plans: dict[str, LeafSpinePlan] = {}
    for name in ("frontend", "storage"):
        fab = getattr(spec.fabrics, name)
        if fab is None:
            continue
        leaf = catalog.switches[fab.switches.for_tier("leaf").model]
        spine = catalog.switches[fab.switches.for_tier("spine").model]
        down, up = speed_gbps(fab.link_speed), speed_gbps(fab.uplink_speed)
        db, ub = leaf.breakout_for(down), leaf.breakout_for(up)
        try:
            if fab.collapsed:
                fabric_plans[name] = plan_collapsed(
                    nodes=n, leaf_ports=leaf.ports, down_ways=db.ways if db else 1, up_ways=ub.ways if ub else 1
                )
                continue
            fabric_plans[name] = plan_leaf_spine(
                nodes=n,
                leaf_ports=leaf.ports,
                down_ways=db.ways if db else 1,
                up_ways=ub.ways if ub else 1,
                down_gbps=down,
                up_gbps=up,
                spine_radix=spine.radix(up),
                oversubscription=parse_ratio(fab.oversubscription),
            )
        except SizingError as exc:
            problems.add(("fabrics", name), str(exc))
    return rail_plan, fabric_plans  # type: ignore[return-value]

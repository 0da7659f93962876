"""Switch checks per fabric tier, for the tiers the design builds.

A tier without its own ``switches`` entry uses the one below it, so checking
every tier separately reported one mistake once per tier, including the
super-spine tier of a two-tier fabric. Here the catalog identity of a switch
choice (model exists, runs the OS, is a fabric switch, has the port speeds) is
checked once, where it is written, and each OS/model capability once per OS or
model, naming the tiers that use it, and only for tiers the design has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aiinfra.catalog import Catalog
from aiinfra.catalog.models import SwitchModel
from aiinfra.design.clos import SizingError, plan_rail_fabric
from aiinfra.design.problems import Problems
from aiinfra.errors import Path
from aiinfra.nos.capabilities import OsProfile
from aiinfra.spec.base import SwitchChoice, TieredSwitches, parse_ratio, speed_gbps
from aiinfra.spec.model import ClusterSpec

L2_OVERHEAD = 22  # Ethernet header + 802.1Q tag + FCS beyond the IP MTU
PLURAL = {"leaf": "leaves", "spine": "spines", "super_spine": "super-spines"}
BACKEND_TIERS = ("leaf", "spine", "super_spine")
LEAF_SPINE_TIERS = ("leaf", "spine")


def names(d: Mapping[str, object]) -> str:
    return ", ".join(sorted(d))


def check_switch(
    p: Problems,
    catalog: Catalog,
    choice: SwitchChoice,
    path: Path,
    speeds: list[int],
    role: str = "fabric",
) -> bool:
    """The choice names a catalog switch of ``role`` that runs its OS at ``speeds``."""
    model = catalog.switches.get(choice.model)
    if model is None:
        p.add((*path, "model"), f"unknown switch model {choice.model!r}; catalog has: {names(catalog.switches)}")
        return False
    ok = True
    if choice.os not in model.os:
        p.add((*path, "os"), f"{model.model} does not run {choice.os}; it runs: {', '.join(model.os)}")
        ok = False
    if model.role != role:
        p.add((*path, "model"), f"{model.model} is a {model.role} switch, not a {role} switch")
        ok = False
    for s in speeds:
        if not model.supports_speed(s):
            p.add((*path, "model"), f"{model.model} cannot run {s}G ports; it offers {model.logical_speeds()} G")
            ok = False
    return ok


def written_tier(switches: TieredSwitches, tier: str) -> str:
    """The tier whose entry ``tier`` uses (itself, or the nearest tier below it)."""
    order = BACKEND_TIERS[: BACKEND_TIERS.index(tier) + 1]
    return next(t for t in reversed(order) if getattr(switches, t) is not None)


def check_tier_identities(
    p: Problems,
    catalog: Catalog,
    switches: TieredSwitches,
    path: Path,
    tiers: tuple[str, ...],
    speeds: Callable[[str], list[int]],
) -> bool:
    """Check each written entry once, with the port speeds of every tier that uses it."""
    ok = True
    for tier in tiers:
        if getattr(switches, tier) is None:
            continue
        users = [t for t in tiers if written_tier(switches, t) == tier]
        wanted = sorted({s for t in users for s in speeds(t)})
        ok &= check_switch(p, catalog, switches.for_tier(tier), (*path, tier), wanted)
    return ok


def built_backend_tiers(spec: ClusterSpec, catalog: Catalog, nodes: int, rails: int) -> tuple[str, ...]:
    """Tiers of the rail fabric the design will build: a super-spine tier only when
    two tiers cannot hold it. A fabric that does not fit at all is reported by the
    planner; its first two tiers are checked meanwhile."""
    be = spec.fabrics.backend
    link = speed_gbps(be.link_speed)
    radix = {t: catalog.switches[be.switches.for_tier(t).model].radix(link) for t in BACKEND_TIERS}
    try:
        plan = plan_rail_fabric(
            nodes=nodes,
            nodes_per_su=be.nodes_per_su,
            rails=rails,
            leaf_radix=radix["leaf"],
            spine_radix=radix["spine"],
            super_spine_radix=radix["super_spine"],
            oversubscription=parse_ratio(be.oversubscription),
        )
    except SizingError:
        return BACKEND_TIERS[:2]
    return BACKEND_TIERS[: plan.tiers]


def _group(switches: TieredSwitches, tiers: tuple[str, ...], key: Callable[[SwitchChoice], str]) -> dict[str, str]:
    """``{os or model: "leaves and spines"}`` over the built tiers, in tier order."""
    groups: dict[str, list[str]] = {}
    for tier in tiers:
        groups.setdefault(key(switches.for_tier(tier)), []).append(PLURAL[tier])
    return {k: " and ".join(v) for k, v in groups.items()}


def check_unnumbered(
    p: Problems, catalog: Catalog, switches: TieredSwitches, tiers: tuple[str, ...], path: tuple[str, ...]
) -> None:
    """BGP unnumbered is asked for: every OS on the built tiers must render it (capabilities.yaml ``unnumbered``)."""
    for os_name, where in _group(switches, tiers, lambda c: c.os).items():
        profile = catalog.os[os_name]
        if not profile.unnumbered:
            p.add(
                path,
                f"aiinfra renders BGP unnumbered only where the OS supports it; {profile.name} on the {where} "
                "does not: set unnumbered: false",
            )


def mtu_problem(mtu: int, profiles: list[OsProfile]) -> str | None:
    """Why ``mtu`` plus L2 overhead does not fit every switch MTU, with the largest that does."""
    lacking = [o for o in profiles if mtu + L2_OVERHEAD > o.switch_mtu]
    if not lacking:
        return None
    limit = min(o.switch_mtu for o in profiles) - L2_OVERHEAD
    shown = ", ".join(sorted({f"{o.name} switch MTU {o.switch_mtu}" for o in lacking}))
    return f"host MTU {mtu} + {L2_OVERHEAD} B L2 overhead exceeds the {shown}; use {limit} or less"


def check_backend_capabilities(p: Problems, spec: ClusterSpec, catalog: Catalog, tiers: tuple[str, ...]) -> None:
    """Load balancing, host MTU and BGP unnumbered on the back-end tiers that are built."""
    be = spec.fabrics.backend
    sw = be.switches
    mode = be.load_balancing
    for os_name, where in _group(sw, tiers, lambda c: c.os).items():
        profile = catalog.os[os_name]
        if mode not in profile.load_balancing:
            p.add(
                ("fabrics", "backend", "load_balancing"),
                f"{profile.name} {profile.release} on the {where} cannot do {mode} load balancing; "
                f"it supports: {', '.join(profile.load_balancing)}",
            )
    if be.underlay.unnumbered:
        check_unnumbered(p, catalog, sw, tiers, ("fabrics", "backend", "underlay", "unnumbered"))
    for model_name, where in _group(sw, tiers, lambda c: c.model).items():
        model: SwitchModel = catalog.switches[model_name]
        if (mode == "flowlet" and not model.features.dlb_flowlet) or (
            mode == "per-packet" and not model.features.dlb_per_packet
        ):
            p.add(
                ("fabrics", "backend", "load_balancing"),
                f"{model.model} ({model.asic}) on the {where} has no {mode} dynamic load balancing",
            )
    profiles = [catalog.os[o] for o in _group(sw, tiers, lambda c: c.os)]
    problem = mtu_problem(be.roce.host_mtu, profiles)
    if problem:
        p.add(("fabrics", "backend", "roce", "host_mtu"), problem)


def check_ethernet_fabric(p: Problems, spec: ClusterSpec, catalog: Catalog, name: str) -> None:
    """A front-end or storage leaf-spine fabric: switch identities, the MTU and BGP unnumbered."""
    fab = getattr(spec.fabrics, name)
    up, down = speed_gbps(fab.uplink_speed), speed_gbps(fab.link_speed)

    def speeds(tier: str) -> list[int]:
        return [up, down] if tier == "leaf" else [up]

    path = ("fabrics", name, "switches")
    if not check_tier_identities(p, catalog, fab.switches, path, LEAF_SPINE_TIERS, speeds):
        return
    profiles = [catalog.os[o] for o in _group(fab.switches, LEAF_SPINE_TIERS, lambda c: c.os)]
    problem = mtu_problem(fab.mtu, profiles)
    if problem:
        p.add(("fabrics", name, "mtu"), problem)
    if fab.underlay.unnumbered:
        check_unnumbered(p, catalog, fab.switches, LEAF_SPINE_TIERS, ("fabrics", name, "underlay", "unnumbered"))

"""``build_design(spec) -> Design``: the one entry point of the design stage."""

from __future__ import annotations

import gc
import math
from pathlib import Path

from netaddr import IPNetwork

from aiinfra.catalog import Catalog
from aiinfra.catalog.models import BYTES_PER_MB
from aiinfra.design.addressing import Pool, overlaps, share
from aiinfra.design.apps import with_apps
from aiinfra.design.backend import build_backend
from aiinfra.design.bgp import assign_underlay
from aiinfra.design.bom import bill_of_materials
from aiinfra.design.checks import precheck
from aiinfra.design.checks_addresses import check_management_collisions
from aiinfra.design.clos import LeafSpinePlan, RailPlan
from aiinfra.design.containerlab import with_lab
from aiinfra.design.context import BuildContext
from aiinfra.design.invariants import check_invariants
from aiinfra.design.leafspine import build_leaf_spine
from aiinfra.design.management import management_plane
from aiinfra.design.mgmt_addresses import assign_management
from aiinfra.design.model import Design, Device, SwitchHardware, TierSummary
from aiinfra.design.naming import check_name_widths
from aiinfra.design.nodes import build_nodes
from aiinfra.design.oob import build_oob, oob_endpoints, oob_switch_count
from aiinfra.design.overrides import apply_hatches
from aiinfra.design.planning import plan_fabrics
from aiinfra.design.platform_build import with_platform
from aiinfra.design.ports import PortBudgetExceeded
from aiinfra.design.problems import DesignError, Problem, Problems
from aiinfra.design.qos import qos_intent
from aiinfra.design.roce import apply_roce
from aiinfra.design.telemetry import telemetry_intent
from aiinfra.design.unused import fill_unused
from aiinfra.gcpause import gc_paused
from aiinfra.spec.base import speed_gbps
from aiinfra.spec.model import ClusterSpec
from aiinfra.spec.node_facts import LoadedFacts


def resolve_catalog(spec: ClusterSpec) -> Catalog:
    return Catalog.with_additions(spec.catalog)


def node_count(spec: ClusterSpec) -> int:
    c = spec.compute
    return c.nodes if c.nodes is not None else (c.scalable_units or 1) * spec.fabrics.backend.nodes_per_su


def build_design(
    spec: ClusterSpec,
    catalog: Catalog | None = None,
    *,
    node_facts: LoadedFacts | None = None,
    spec_dir: Path | None = None,
    invariants: bool = True,
) -> Design:
    """Validate across layers, then decide topology, ports, addresses, ASNs and QoS.

    The cyclic garbage collector is paused while building: a 32k-GPU design creates
    about a million small objects and no cycles worth collecting, and the collector's
    repeated full scans would otherwise cost a third of the run time. The finished
    objects are then moved straight to the oldest generation (``gc.freeze`` and
    ``gc.unfreeze``, both constant time): otherwise the first young collection after the build
    walks all of them (about half a second at 32k GPUs).

    The finished Design is checked against its invariants (:mod:`aiinfra.design.invariants`);
    a violation is a bug and raises ``DesignInvariantError``. ``invariants=False`` leaves
    that to the caller: ``aiinfra render`` checks them in a render job beside the others.
    """
    with gc_paused():
        try:
            design = _build_design(spec, catalog, node_facts, spec_dir)
            if invariants:
                check_invariants(design)
            return design
        finally:
            gc.freeze()
            gc.unfreeze()


def _build_design(
    spec: ClusterSpec, catalog: Catalog | None, node_facts: LoadedFacts | None, spec_dir: Path | None
) -> Design:
    catalog = catalog or resolve_catalog(spec)
    problems = precheck(spec, catalog)
    if problems:
        raise DesignError(problems.items)

    be = spec.fabrics.backend
    server = catalog.servers[spec.compute.node_model]
    nic_key = spec.compute.backend_nic or server.backend.nic
    rails = be.rails or server.backend.count
    link = speed_gbps(be.link_speed)
    n = node_count(spec)
    models = {t: catalog.switches[be.switches.for_tier(t).model] for t in ("leaf", "spine", "super_spine")}

    plans = plan_fabrics(spec, catalog, n, rails, link, models, problems)
    if problems:
        raise DesignError(problems.items)
    rail_plan, fabric_plans = plans
    _check_pools(spec, n, rails, rail_plan, fabric_plans, problems)
    switch_count = rail_plan.scalable_units * rails * rail_plan.leaves_per_rail + rail_plan.spines
    switch_count += rail_plan.super_spines + sum(fp.leaf_pairs * 2 + fp.spines for fp in fabric_plans.values())
    oob_count = oob_switch_count(catalog.switches[spec.fabrics.oob.switch.model], 2 * n + switch_count)
    check_name_widths(spec.naming, n, rail_plan, fabric_plans, oob_count, problems)
    if problems:
        raise DesignError(problems.items)

    ctx = BuildContext(spec, catalog)
    pools = _pools(spec)
    nodes = build_nodes(
        cluster=spec.name,
        prefix=spec.compute.hostname_prefix,
        count=n,
        digits=spec.naming.node_digits,
        nodes_per_su=rail_plan.nodes_per_su,
        server_key=spec.compute.node_model,
        server=server,
        backend_nic=nic_key,
        nic_speed=catalog.nics[nic_key].speed_gbps,
        rails=rails,
        host_mtu=be.roce.host_mtu,
        gpu_pool=pools["backend.gpu"],
    )
    try:
        backend = build_backend(ctx, rail_plan, nodes, rails)
        others: dict[str, list[Device]] = {}
        for name, plan in fabric_plans.items():
            fab = getattr(spec.fabrics, name)
            others[name] = build_leaf_spine(
                ctx, name, fab, plan, nodes, pools[f"{name}.host_links"], pools[f"{name}.hosts"]
            )
    except PortBudgetExceeded as exc:
        raise DesignError(problems.items or [Problem(("fabrics",), str(exc))]) from None

    assign_underlay(
        backend,
        ctx.routed,
        be.underlay,
        pools["backend.loopbacks"],
        pools["backend.fabric_links"],
        be.underlay.unnumbered,
        ctx.slots,
    )
    for name, fabric_devices in others.items():
        fab = getattr(spec.fabrics, name)
        assign_underlay(
            fabric_devices,
            ctx.routed,
            fab.underlay,
            pools[f"{name}.loopbacks"],
            pools[f"{name}.fabric_links"],
            fab.underlay.unnumbered,
            ctx.slots,
        )

    ctx.routed.clear()  # the underlay was their only reader: freed before the rest is built
    fabric_switches = backend + [d for ds in others.values() for d in ds]
    oob = build_oob(ctx, oob_endpoints(fabric_switches, nodes))
    all_switches = oob + fabric_switches
    assign_management(spec, all_switches, nodes, ctx.slots, problems)
    if not problems:
        check_management_collisions(problems, spec, all_switches, nodes)
    if problems:
        raise DesignError(problems.items)

    min_buffer = min(int(m.buffer_mb * 1e6) for m in models.values())
    qos = qos_intent(be.roce, link, min_buffer)
    for d in backend:
        d.qos = qos
        d.load_balancing = be.load_balancing
    headroom_report = apply_roce(ctx, backend, problems)
    if problems:
        raise DesignError(problems.items)

    for d in all_switches:
        fill_unused(ctx, d, _default_speed(ctx, d))
        d.physical_ports = ctx.allocators[d.name].physical_ports(_default_speed(ctx, d))

    devices = {d.name: d for d in all_switches}
    design = Design(
        name=spec.name,
        domain=spec.site.domain,
        devices=devices,
        links=ctx.links,
        nodes=nodes,
        qos={"backend": qos},
        tiers=_tiers(spec, rail_plan, fabric_plans, devices, models),
        backend_tiers=rail_plan.tiers,
        scalable_units=rail_plan.scalable_units,
        rails=rails,
        backend_bisection_gbps=_bisection(rail_plan, link, devices),
        headroom_report=headroom_report,
        mgmt_network=str(spec.site.management.network),
        mgmt_gateway=str(spec.site.management.gateway),
        pools={k: str(v.network) for k, v in sorted(pools.items())},
        management=management_plane(spec),
        bom=bill_of_materials(devices, ctx.links, nodes, catalog),
        switch_models=switch_hardware(devices, catalog),
    )
    design.telemetry = telemetry_intent(spec, design, catalog)
    apply_hatches(spec, design, catalog, problems, spec_dir)  # overrides, raw_config, templates
    if problems:
        raise DesignError(problems.items)
    design = with_platform(design, spec, catalog, node_facts)  # node facts, host and platform intent
    return with_lab(with_apps(design, spec, catalog), spec)  # serving and RAG services, sized; lab scope


def switch_hardware(devices: dict[str, Device], catalog: Catalog) -> dict[str, SwitchHardware]:
    """The catalog facts of every switch model in use, in model-name order."""
    out = {}
    for key in sorted({d.model for d in devices.values()}):
        m = catalog.switches[key]
        out[key] = SwitchHardware(
            vendor=m.vendor,
            model=m.model,
            asic=m.asic,
            port_speed_gbps=m.port_speed_gbps,
            lanes_per_port=m.lanes_per_port,
            buffer_bytes=int(m.buffer_mb * BYTES_PER_MB),
            headroom_pool_pct=m.headroom_pool_pct,
        )
    return out


def _pools(spec: ClusterSpec) -> dict[str, Pool]:
    be = spec.fabrics.backend.addressing
    pools = {
        "backend.loopbacks": Pool("backend.loopbacks", IPNetwork(str(be.loopbacks)), 1),
        "backend.fabric_links": Pool("backend.fabric_links", IPNetwork(str(be.fabric_links)), 2),
        "backend.gpu": Pool("backend.gpu", IPNetwork(str(be.gpu)), 2),
    }
    for name in ("frontend", "storage"):
        fab = getattr(spec.fabrics, name)
        if fab is None:
            continue
        a = fab.addressing
        pools[f"{name}.loopbacks"] = Pool(f"{name}.loopbacks", IPNetwork(str(a.loopbacks)), 1)
        pools[f"{name}.fabric_links"] = Pool(f"{name}.fabric_links", IPNetwork(str(a.fabric_links)), 2)
        pools[f"{name}.host_links"] = Pool(f"{name}.host_links", IPNetwork(str(a.host_links)), 2)
        pools[f"{name}.hosts"] = Pool(f"{name}.hosts", IPNetwork(str(a.hosts)), 1)
    return pools


def _check_pools(
    spec: ClusterSpec, n: int, rails: int, rp: RailPlan, fps: dict[str, LeafSpinePlan], problems: Problems
) -> None:
    pools = _pools(spec)
    be_underlay = spec.fabrics.backend.underlay
    leaves = rp.scalable_units * rails * rp.leaves_per_rail
    be_links = leaves * rp.leaf_uplinks + rp.spines * rp.spine_uplinks
    need = {
        "backend.gpu": (n * rails, f"{n} nodes x {rails} NICs"),
        "backend.fabric_links": (be_links, f"{be_links} back-end fabric links"),
    }
    roles = {"backend": {"leaf": leaves, "spine": rp.spines, "super-spine": rp.super_spines}}
    for name, fp in fps.items():
        roles[name] = {"leaf": fp.leaf_pairs * 2, "spine": fp.spines}
        need[f"{name}.fabric_links"] = (fp.leaf_pairs * 2 * fp.leaf_uplinks, f"{name} leaf uplinks")
        need[f"{name}.host_links"] = (n * 2, f"{n} nodes x 2 uplinks")
        need[f"{name}.hosts"] = (n, f"{n} nodes")
    for key, (count, why) in need.items():
        msg = pools[key].need(count)
        if msg:
            fabric, field = key.split(".")
            problems.add(("fabrics", fabric, "addressing", field), f"{msg} ({why})")
    for fabric, counts in roles.items():
        loopbacks = pools[f"{fabric}.loopbacks"]
        for role, count in counts.items():
            room = share(loopbacks.capacity, role)[1]
            if count > room:
                problems.add(
                    ("fabrics", fabric, "addressing", "loopbacks"),
                    f"{loopbacks.network} keeps {room:,} loopbacks for {role} switches (a fixed share, so growth "
                    f"renumbers nothing) but {count:,} {fabric} {role} switches need one; use a larger prefix",
                )

    named = {k: p.network for k, p in pools.items()}
    named["site.management.network"] = IPNetwork(str(spec.site.management.network))

    def field_path(key: str) -> tuple[str, ...]:
        fabric, _, field = key.partition(".")
        return tuple(key.split(".")) if key.startswith("site") else ("fabrics", fabric, "addressing", field)

    for a, b in overlaps(named):
        problems.add(
            field_path(a),
            f"{named[a]} overlaps {'.'.join(field_path(b))} ({named[b]}); address pools must be disjoint",
        )

    asn_need = {
        "backend": {"leaf": leaves, "spine": rp.spines, "super-spine": rp.super_spines}
        if be_underlay.asn_scheme == "unique"
        else {"leaf": leaves, "spine": rp.pods if rp.tiers == 3 else 1, "super-spine": int(rp.tiers == 3)},
    }
    for name, fp in fps.items():
        unique = getattr(spec.fabrics, name).underlay.asn_scheme == "unique"
        asn_need[name] = {"leaf": fp.leaf_pairs * 2, "spine": fp.spines if unique else 1}
    for fabric, wants in asn_need.items():
        underlay = getattr(spec.fabrics, fabric).underlay
        pool = underlay.asn_pool
        size = pool.last - pool.first + 1
        for role, want in wants.items():
            room = share(size, role)[1]
            if want > room:
                problems.add(
                    ("fabrics", fabric, "underlay", "asn_pool"),
                    f"{size:,} ASNs in {pool.first}-{pool.last} keep {room:,} for {role} switches (a fixed share) "
                    f"but the {underlay.asn_scheme} scheme needs {want:,}",
                )
    _check_asn_pools_disjoint(spec, problems)


def _check_asn_pools_disjoint(spec: ClusterSpec, problems: Problems) -> None:
    ranges = [("backend", spec.fabrics.backend.underlay.asn_pool)]
    ranges += [
        (k, getattr(spec.fabrics, k).underlay.asn_pool)
        for k in ("frontend", "storage")
        if getattr(spec.fabrics, k) is not None
    ]
    for i, (a, ra) in enumerate(ranges):
        for b, rb in ranges[i + 1 :]:
            if ra.first <= rb.last and rb.first <= ra.last:
                problems.add(
                    ("fabrics", b, "underlay", "asn_pool"),
                    f"ASN range {rb.first}-{rb.last} overlaps the {a} range {ra.first}-{ra.last}; "
                    "fabric ASNs must be unique across fabrics",
                )


def _default_speed(ctx: BuildContext, d: Device) -> int:
    spec = ctx.spec
    if d.fabric == "backend":
        return speed_gbps(spec.fabrics.backend.link_speed)
    if d.fabric == "oob":
        return ctx.catalog.switches[d.model].port_speed_gbps
    fab = getattr(spec.fabrics, d.fabric)
    return speed_gbps(fab.uplink_speed)


def _tiers(
    spec: ClusterSpec, rp: RailPlan, fps: dict[str, LeafSpinePlan], devices: dict[str, Device], models: dict
) -> list[TierSummary]:
    out = []
    for d_fabric in ("backend", "frontend", "storage", "oob"):
        for role in ("leaf", "spine", "super-spine", "oob"):
            group = [d for d in devices.values() if d.fabric == d_fabric and d.role == role]
            if not group:
                continue
            first = group[0]
            down = sum(1 for i in first.interfaces if i.role in ("host", "downlink", "oob-access"))
            up = sum(1 for i in first.interfaces if i.role in ("uplink", "oob-uplink"))
            down_bw = sum(i.speed_gbps for i in first.interfaces if i.role in ("host", "downlink", "oob-access"))
            up_bw = sum(i.speed_gbps for i in first.interfaces if i.role in ("uplink", "oob-uplink"))
            ratio = round(down_bw / up_bw, 2) if up_bw and role in ("leaf", "spine") else 0.0
            out.append(TierSummary(d_fabric, role, first.model, first.os, len(group), down, up, ratio))
    return out


def _bisection(rp: RailPlan, link: int, devices: dict[str, Device]) -> int:
    """Back-end bisection bandwidth in Gb/s: half the leaf uplink capacity (Clos min-cut).

    One switch has no uplinks: its min-cut is half its host ports (it is non-blocking).
    """
    if rp.tiers == 1:
        hosts = sum(1 for d in devices.values() if d.fabric == "backend" for i in d.interfaces if i.role == "host")
        return math.floor(hosts * link / 2)
    uplinks = sum(
        1
        for d in devices.values()
        if d.fabric == "backend" and d.role == "leaf"
        for i in d.interfaces
        if i.role == "uplink"
    )
    return math.floor(uplinks * link / 2)

"""The rail-optimized back-end: leaves per rail and SU, spines, super-spines, and cables.

NIC r of every node in SU s lands on a leaf of rail r in SU s, so same-rail
traffic is one switch hop and cross-rail traffic crosses a spine (or NVLink).

Names use the spec's fixed digit counts, each switch's slot (its position in its role)
comes from its SU, rail, pod and number, and uplinks start at a front-panel port fixed by
the model and the oversubscription: adding nodes or SUs touches no existing identity.
"""

from __future__ import annotations

import math

from aiinfra.catalog.models import SwitchModel
from aiinfra.design.clos import RailPlan, max_downlinks
from aiinfra.design.context import BuildContext, fabric_interface
from aiinfra.design.model import Device, InterfaceRole, Node
from aiinfra.design.naming import num
from aiinfra.spec.base import parse_ratio, speed_gbps
from aiinfra.spec.model import ClusterSpec


def build_backend(ctx: BuildContext, plan: RailPlan, nodes: list[Node], rails: int) -> list[Device]:
    """Create back-end switches, node-leaf and fabric cables, in a fixed order."""
    spec = ctx.spec
    be = spec.fabrics.backend
    speed = speed_gbps(be.link_speed)
    cables = be.roce.cable_length_m
    c = spec.name
    leaf_choice = be.switches.for_tier("leaf")
    spine_choice = be.switches.for_tier("spine")
    ss_choice = be.switches.for_tier("super_spine")
    mtu = ctx.catalog.os[leaf_choice.os].switch_mtu

    # --- switches, top-down so names and later loopbacks are ordered by tier -----------
    sw_digits, su_digits = spec.naming.switch_digits, spec.naming.su_digits
    super_spines: dict[tuple[int, int], Device] = {}
    if plan.tiers == 3:
        for plane in range(1, plan.planes + 1):
            for i in range(1, plan.super_spines_per_plane + 1):
                name = f"{c}-be-ss-pl{num(plane, sw_digits)}-{num(i, sw_digits)}"
                super_spines[(plane, i)] = ctx.add_switch(name, "backend", "super-spine", ss_choice, plane=plane)
                ctx.slots[name] = (i - 1) * plan.planes + plane - 1  # a plane gaining members appends
    spines: dict[tuple[int, int], Device] = {}
    for pod in range(1, plan.pods + 1):
        for j in range(1, plan.spines_per_pod + 1):
            name = (
                f"{c}-be-spine-{num(j, sw_digits)}"
                if plan.tiers == 2
                else f"{c}-be-spine-p{num(pod, sw_digits)}-{num(j, sw_digits)}"
            )
            ctx.slots[name] = (pod - 1) * plan.spines_per_pod + j - 1
            spines[(pod, j)] = ctx.add_switch(
                name,
                "backend",
                "spine",
                spine_choice,
                pod=pod if plan.tiers == 3 else None,
                plane=j if plan.tiers == 3 else None,
            )
    leaves: dict[tuple[int, int, int], Device] = {}
    if plan.tiers == 1:  # single-switch: one leaf takes every rail of every node
        ctx.slots[f"{c}-be-leaf"] = 0
        switch = ctx.add_switch(f"{c}-be-leaf", "backend", "leaf", leaf_choice, su=1)
        leaves = {(1, rail, 0): switch for rail in range(1, rails + 1)}
    for su in range(1, plan.scalable_units + 1 if plan.tiers > 1 else 1):
        pod = (su - 1) // plan.sus_per_pod + 1
        for rail in range(1, rails + 1):
            for k in range(plan.leaves_per_rail):
                suffix = chr(ord("a") + k) if plan.leaves_per_rail > 1 else ""
                name = f"{c}-be-leaf-su{num(su, su_digits)}-r{rail}{suffix}"
                ctx.slots[name] = ((su - 1) * rails + rail - 1) * plan.leaves_per_rail + k
                leaves[(su, rail, k)] = ctx.add_switch(
                    name,
                    "backend",
                    "leaf",
                    leaf_choice,
                    su=su,
                    rail=rail,
                    pod=pod if plan.tiers == 3 else None,
                )

    # --- node to leaf -------------------------------------------------------------------
    leaf_port_gbps = ctx.switch_model(leaf_choice).port_speed_gbps
    host_leaf_m = cables.host_leaf
    allocators = ctx.allocators
    for node in nodes:
        local = (node.index - 1) % plan.nodes_per_su
        k = local // plan.nodes_per_leaf
        for nic in node.backend:
            leaf = leaves[(node.su, nic.index, k)]
            ifname, phys, member = allocators[leaf.name].claim(speed)
            nic.switch, nic.switch_interface = leaf.name, ifname
            ctx.cable(
                "backend",
                "node-leaf",
                (node.name, nic.netdev, nic.speed_gbps),
                (leaf.name, ifname, leaf_port_gbps),
                speed,
                host_leaf_m,
            )
            iface = fabric_interface(ifname, InterfaceRole.HOST, speed, mtu, node.name, nic.netdev, phys, member)
            iface.address, iface.peer_address = f"{nic.gateway}/31", nic.address.partition("/")[0]
            leaf.interfaces.append(iface)

    # --- leaf to spine ------------------------------------------------------------------
    if plan.tiers == 1:
        return [leaves[(1, 1, 0)]]
    leaf_model = ctx.switch_model(leaf_choice)
    most = max_downlinks(leaf_model.radix(speed), _ratio(spec))
    leaf_up = uplink_port(leaf_model, speed, most, speed, plan.leaf_uplinks)
    for leaf in leaves.values():
        ctx.allocators[leaf.name].skip_to(leaf_up)
    for (_su, _rail, _k), leaf in leaves.items():
        pod = leaf.pod or 1
        for u in range(plan.leaf_uplinks):
            spine = spines[(pod, u % plan.spines_per_pod + 1)]
            connect(ctx, "leaf-spine", leaf, spine, speed, cables.leaf_spine)

    # --- spine to super-spine -----------------------------------------------------------
    if plan.tiers == 3:
        spine_model = ctx.switch_model(spine_choice)
        spine_up = uplink_port(spine_model, speed, spine_model.radix(speed) // 2, speed, plan.spine_uplinks)
        for spine in spines.values():
            ctx.allocators[spine.name].skip_to(spine_up)
        for (_pod, j), spine in spines.items():
            for u in range(plan.spine_uplinks):
                ss = super_spines[(j, u % plan.super_spines_per_plane + 1)]
                connect(ctx, "spine-super-spine", spine, ss, speed, cables.spine_super_spine)

    return [*super_spines.values(), *spines.values(), *leaves.values()]


def _ratio(spec: ClusterSpec) -> float:
    return parse_ratio(spec.fabrics.backend.oversubscription)


def uplink_port(model: SwitchModel, down_speed: int, most_downlinks: int, up_speed: int, uplinks: int) -> int:
    """The front-panel port a switch's first uplink takes: the one after the most downlinks
    it could ever have, so downlinks added later never push uplinks along (moved back only
    as far as ``uplinks`` must fit)."""
    down, up = model.breakout_for(down_speed), model.breakout_for(up_speed)
    after_down = math.ceil(most_downlinks / (down.ways if down else 1)) + 1
    return min(after_down, model.ports - math.ceil(uplinks / (up.ways if up else 1)) + 1)


def connect(ctx: BuildContext, kind: str, lower: Device, upper: Device, speed: int, length_m: float) -> None:
    lo_if, lo_phys, lo_member = ctx.claim(lower, speed)
    up_if, up_phys, up_member = ctx.claim(upper, speed)
    lo_model = ctx.catalog.switches[lower.model]
    up_model = ctx.catalog.switches[upper.model]
    ctx.cable(
        lower.fabric,
        kind,
        (lower.name, lo_if, lo_model.port_speed_gbps),
        (upper.name, up_if, up_model.port_speed_gbps),
        speed,
        length_m,
    )
    lower.interfaces.append(
        fabric_interface(lo_if, InterfaceRole.UPLINK, speed, lower.switch_mtu, upper.name, up_if, lo_phys, lo_member)
    )
    upper.interfaces.append(
        fabric_interface(up_if, InterfaceRole.DOWNLINK, speed, upper.switch_mtu, lower.name, lo_if, up_phys, up_member)
    )

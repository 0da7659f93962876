"""The rail-optimized back-end: leaves per rail and SU, spines, super-spines, and cables.

NIC r of every node in SU s lands on a leaf of rail r in SU s, so same-rail
traffic is one switch hop and cross-rail traffic crosses a spine (or NVLink).
"""

from __future__ import annotations

from aiinfra.design.clos import RailPlan
from aiinfra.design.context import BuildContext, fabric_interface, width
from aiinfra.design.model import Device, InterfaceRole, Node
from aiinfra.spec.base import speed_gbps


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
    super_spines: dict[tuple[int, int], Device] = {}
    if plan.tiers == 3:
        wp, wi = width(plan.planes), width(plan.super_spines_per_plane)
        for plane in range(1, plan.planes + 1):
            for i in range(1, plan.super_spines_per_plane + 1):
                name = f"{c}-be-ss-pl{plane:0{wp}d}-{i:0{wi}d}"
                super_spines[(plane, i)] = ctx.add_switch(name, "backend", "super-spine", ss_choice, plane=plane)
    spines: dict[tuple[int, int], Device] = {}
    for pod in range(1, plan.pods + 1):
        ws = width(plan.spines_per_pod)
        for j in range(1, plan.spines_per_pod + 1):
            name = (
                f"{c}-be-spine-{j:0{ws}d}"
                if plan.tiers == 2
                else f"{c}-be-spine-p{pod:0{width(plan.pods)}d}-{j:0{ws}d}"
            )
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
        switch = ctx.add_switch(f"{c}-be-leaf", "backend", "leaf", leaf_choice, su=1)
        leaves = {(1, rail, 0): switch for rail in range(1, rails + 1)}
    wsu = width(plan.scalable_units)
    for su in range(1, plan.scalable_units + 1 if plan.tiers > 1 else 1):
        pod = (su - 1) // plan.sus_per_pod + 1
        for rail in range(1, rails + 1):
            for k in range(plan.leaves_per_rail):
                suffix = chr(ord("a") + k) if plan.leaves_per_rail > 1 else ""
                name = f"{c}-be-leaf-su{su:0{wsu}d}-r{rail}{suffix}"
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
    for node in nodes:
        local = (node.index - 1) % plan.nodes_per_su
        k = local // plan.nodes_per_leaf
        for nic in node.backend:
            leaf = leaves[(node.su, nic.index, k)]
            ifname, phys, member = ctx.claim(leaf, speed)
            nic.switch, nic.switch_interface = leaf.name, ifname
            ctx.cable(
                "backend",
                "node-leaf",
                (node.name, nic.netdev, nic.speed_gbps),
                (leaf.name, ifname, ctx.switch_model(leaf_choice).port_speed_gbps),
                speed,
                cables.host_leaf,
            )
            iface = fabric_interface(ifname, InterfaceRole.HOST, speed, mtu, node.name, nic.netdev, phys, member)
            iface.address, iface.peer_address = f"{nic.gateway}/31", nic.address.split("/")[0]
            leaf.interfaces.append(iface)

    # --- leaf to spine ------------------------------------------------------------------
    if plan.tiers == 1:
        return [leaves[(1, 1, 0)]]
    for leaf in leaves.values():
        ctx.allocators[leaf.name].skip_to_boundary()
    for (_su, _rail, _k), leaf in leaves.items():
        pod = leaf.pod or 1
        for u in range(plan.leaf_uplinks):
            spine = spines[(pod, u % plan.spines_per_pod + 1)]
            connect(ctx, "leaf-spine", leaf, spine, speed, cables.leaf_spine)

    # --- spine to super-spine -----------------------------------------------------------
    if plan.tiers == 3:
        for spine in spines.values():
            ctx.allocators[spine.name].skip_to_boundary()
        for (_pod, j), spine in spines.items():
            for u in range(plan.spine_uplinks):
                ss = super_spines[(j, u % plan.super_spines_per_plane + 1)]
                connect(ctx, "spine-super-spine", spine, ss, speed, cables.spine_super_spine)

    return [*super_spines.values(), *spines.values(), *leaves.values()]


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

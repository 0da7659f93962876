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
from aiinfra.design.cabling import optic_name, reach_for
from aiinfra.design.clos import RailPlan, max_downlinks
from aiinfra.design.context import BuildContext, new_link
from aiinfra.design.model import Device, Interface, InterfaceRole, Node, PortMode
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
    if nodes:
        _cable_hosts(ctx, nodes, leaves, plan, speed, mtu, leaf_port_gbps, cables.host_leaf)

    # --- leaf to spine ------------------------------------------------------------------
    if plan.tiers == 1:
        return [leaves[(1, 1, 0)]]
    leaf_model = ctx.switch_model(leaf_choice)
    most = max_downlinks(leaf_model.radix(speed), _ratio(spec))
    leaf_up = uplink_port(leaf_model, speed, most, speed, plan.leaf_uplinks)
    for leaf in leaves.values():
        ctx.allocators[leaf.name].skip_to(leaf_up)
    leaf_spine = [
        (leaf, spines[(leaf.pod or 1, u % plan.spines_per_pod + 1)])
        for leaf in leaves.values()
        for u in range(plan.leaf_uplinks)
    ]
    connect_all(ctx, "leaf-spine", leaf_spine, speed, cables.leaf_spine)

    # --- spine to super-spine -----------------------------------------------------------
    if plan.tiers == 3:
        spine_model = ctx.switch_model(spine_choice)
        spine_up = uplink_port(spine_model, speed, spine_model.radix(speed) // 2, speed, plan.spine_uplinks)
        for spine in spines.values():
            ctx.allocators[spine.name].skip_to(spine_up)
        spine_ss = [
            (spine, super_spines[(j, u % plan.super_spines_per_plane + 1)])
            for (_pod, j), spine in spines.items()
            for u in range(plan.spine_uplinks)
        ]
        connect_all(ctx, "spine-super-spine", spine_ss, speed, cables.spine_super_spine)

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


def _cable_hosts(
    ctx: BuildContext,
    nodes: list[Node],
    leaves: dict[tuple[int, int, int], Device],
    plan: RailPlan,
    speed: int,
    mtu: int,
    leaf_port_gbps: int,
    length_m: float,
) -> None:
    """Every node's rail NICs to their rail leaves, in node and rail order: the cable, the leaf's
    host port (its /31's leaf end) and the NIC's switch and port.

    One pass over 131k NICs at 131k GPUs, so what every cable shares (reach, cable type,
    the leaf's optic) is decided once, and the port and cable are built positionally.
    """
    reach, cable, family = reach_for(length_m)
    leaf_optic = optic_name(leaf_port_gbps, speed, family)
    nic_optics: dict[int, str] = {}
    links, allocators = ctx.links, ctx.allocators
    host, routed = InterfaceRole.HOST, PortMode.ROUTED
    to_host = f"{host.value} to "  # a fabric port's description: "<role> to <peer> <peer port>"
    per_su, per_leaf = plan.nodes_per_su, plan.nodes_per_leaf
    for node in nodes:
        k = (node.index - 1) % per_su // per_leaf
        su, node_name = node.su, node.name
        for nic in node.backend:
            leaf = leaves[(su, nic.index, k)]
            ifname, phys, member = allocators[leaf.name].claim(speed)
            nic.switch, nic.switch_interface = leaf.name, ifname
            netdev, nic_gbps = nic.netdev, nic.speed_gbps
            nic_optic = nic_optics.get(nic_gbps)
            if nic_optic is None:
                nic_optic = nic_optics[nic_gbps] = optic_name(nic_gbps, speed, family)
            links.append(  # Link's field order (pinned by tests/design/test_build_speed.py)
                new_link(
                    "backend",
                    "node-leaf",
                    node_name,
                    netdev,
                    leaf.name,
                    ifname,
                    speed,
                    length_m,
                    reach,
                    cable,
                    nic_optic,
                    leaf_optic,
                    nic_gbps,
                    leaf_port_gbps,
                )
            )
            leaf.interfaces.append(  # the host port, with its /31 (Interface's field order)
                Interface(
                    ifname,
                    host,
                    speed,
                    mtu,
                    f"{to_host}{node_name} {netdev}",
                    True,
                    f"{nic.gateway}/31",  # address: the leaf holds the /31's even end
                    node_name,
                    netdev,
                    nic.address.partition("/")[0],  # peer_address
                    False,
                    None,
                    phys,
                    member,
                    routed,
                    False,
                )
            )


def connect(ctx: BuildContext, kind: str, lower: Device, upper: Device, speed: int, length_m: float) -> None:
    """One routed switch-to-switch cable: :func:`connect_all` of one pair."""
    connect_all(ctx, kind, [(lower, upper)], speed, length_m)


def connect_all(ctx: BuildContext, kind: str, pairs: list[tuple[Device, Device]], speed: int, length_m: float) -> None:
    """Cable each (lower, upper) pair in order: the next free port of each at ``speed``, the
    :class:`~aiinfra.design.model.Link`, the lower switch's uplink and the upper's downlink.

    Each cable is also recorded in ``ctx.routed`` with its two ports, so the underlay
    addresses them without looking ports up by name (470k cables at 131k GPUs).
    """
    if not pairs:
        return
    reach, cable, family = reach_for(length_m)
    links, routed, allocators, switches = ctx.links, ctx.routed, ctx.allocators, ctx.catalog.switches
    port_gbps: dict[str, tuple[int, str]] = {}  # model -> (its port speed, the optic this cable puts in it)
    for model in {d.model for pair in pairs for d in pair}:
        gbps = switches[model].port_speed_gbps
        port_gbps[model] = (gbps, optic_name(gbps, speed, family))
    uplink, downlink, mode = InterfaceRole.UPLINK, InterfaceRole.DOWNLINK, PortMode.ROUTED
    to_upper, to_lower = f"{uplink.value} to ", f"{downlink.value} to "  # "<role> to <peer> <peer port>"
    for lower, upper in pairs:
        lo_name, up_name = lower.name, upper.name
        lo_if, lo_phys, lo_member = allocators[lo_name].claim(speed)
        up_if, up_phys, up_member = allocators[up_name].claim(speed)
        lo_gbps, lo_optic = port_gbps[lower.model]
        up_gbps, up_optic = port_gbps[upper.model]
        link = new_link(
            lower.fabric,
            kind,
            lo_name,
            lo_if,
            up_name,
            up_if,
            speed,
            length_m,
            reach,
            cable,
            lo_optic,
            up_optic,
            lo_gbps,
            up_gbps,
        )
        links.append(link)
        # the two routed ports, positionally (Interface's field order); the underlay addresses them
        low = Interface(
            lo_if,
            uplink,
            speed,
            lower.switch_mtu,
            f"{to_upper}{up_name} {up_if}",
            True,
            None,
            up_name,
            up_if,
            None,
            False,
            None,
            lo_phys,
            lo_member,
            mode,
            False,
        )
        high = Interface(
            up_if,
            downlink,
            speed,
            upper.switch_mtu,
            f"{to_lower}{lo_name} {lo_if}",
            True,
            None,
            lo_name,
            lo_if,
            None,
            False,
            None,
            up_phys,
            up_member,
            mode,
            False,
        )
        lower.interfaces.append(low)
        upper.interfaces.append(high)
        routed.append((link, lower, upper, low, high))

"""Front-end and storage fabrics: leaf pairs with every node dual-homed at layer 3.

Each node uplink is a routed /31 (leaf .0, node .1) and the node's /32 lives on
its loopback. Both leaves of the pair hold a static route to that /32 through
the node's uplink and originate it into BGP, so the fabric sees two equal paths
and no OS needs MLAG, vPC or EVPN multihoming.

Positions, not counts: node n's address is host n of the pool and its uplinks /31s
2(n - 1) and 2(n - 1) + 1; pairs fill up in node order; leaf uplinks start after the
most hosts a leaf can take. Growth appends and renumbers nothing.
"""

from __future__ import annotations

from aiinfra.design.addressing import Pool
from aiinfra.design.backend import connect, uplink_port
from aiinfra.design.clos import LeafSpinePlan
from aiinfra.design.context import BuildContext, fabric_interface
from aiinfra.design.model import Device, InterfaceRole, Node, NodeNic, StaticRoute
from aiinfra.design.naming import num
from aiinfra.spec.base import speed_gbps
from aiinfra.spec.fabrics import EthernetFabric

SHORT = {"frontend": "fe", "storage": "st"}
TABLE_BASE = {"frontend": 200, "storage": 300}


def build_leaf_spine(
    ctx: BuildContext,
    fabric_name: str,
    fabric: EthernetFabric,
    plan: LeafSpinePlan,
    nodes: list[Node],
    host_links: Pool,
    hosts: Pool,
) -> list[Device]:
    c, short = ctx.spec.name, SHORT[fabric_name]
    down = speed_gbps(fabric.link_speed)
    up = speed_gbps(fabric.uplink_speed)
    leaf_choice, spine_choice = fabric.switches.for_tier("leaf"), fabric.switches.for_tier("spine")
    server = ctx.catalog.servers[ctx.spec.compute.node_model]
    group = server.frontend if fabric_name == "frontend" else server.storage
    assert group is not None  # checked before building
    nic_model = ctx.catalog.nics[group.nic]

    digits = ctx.spec.naming.switch_digits
    spines = []
    for j in range(1, plan.spines + 1):
        spines.append(ctx.add_switch(f"{c}-{short}-spine-{num(j, digits)}", fabric_name, "spine", spine_choice))
        ctx.slots[spines[-1].name] = j - 1
    pairs: list[tuple[Device, Device]] = []
    for p in range(1, plan.leaf_pairs + 1):
        pair = tuple(
            ctx.add_switch(f"{c}-{short}-leaf-{num(p, digits)}{side}", fabric_name, "leaf", leaf_choice)
            for side in "ab"
        )
        for side, leaf in enumerate(pair):
            ctx.slots[leaf.name] = (p - 1) * 2 + side
        pairs.append(pair)  # type: ignore[arg-type]

    mtu = ctx.catalog.os[leaf_choice.os].switch_mtu
    # the same for every node, looked up once: 16,384 nodes x 2 uplinks per fabric at 131k GPUs
    host_leaf_m = ctx.spec.fabrics.backend.roce.cable_length_m.host_leaf
    leaf_port_gbps = ctx.switch_model(leaf_choice).port_speed_gbps
    nic_gbps = nic_model.speed_gbps
    sides = range(2) if nodes else range(0)  # a node's two uplinks, one per leaf of its pair
    netdevs = [group.netdevs[i] if group.netdevs else f"{short}{i}" for i in sides]
    rdma = [group.rdma_devices[i] if group.rdma_devices else "" for i in sides]
    route = f"{fabric_name} address"
    for node in nodes:
        pair = pairs[(node.index - 1) // plan.nodes_per_pair]
        node_address = hosts.host_at(node.index - 1)
        nics: list[NodeNic] = []
        for i, leaf in enumerate(pair):
            leaf_ip, node_ip = host_links.p2p_ips_at((node.index - 1) * 2 + i)
            leaf_side = f"{leaf_ip}/31"
            ifname, phys, member = ctx.claim(leaf, down)
            netdev = netdevs[i]
            nics.append(
                NodeNic(
                    fabric=fabric_name,
                    index=i,
                    netdev=netdev,
                    rdma_device=rdma[i],
                    nic_model=group.nic,
                    speed_gbps=min(down, nic_gbps),
                    address=f"{node_ip}/31",
                    gateway=leaf_ip,
                    switch=leaf.name,
                    switch_interface=ifname,
                    route_table=TABLE_BASE[fabric_name] + i,
                    mtu=fabric.mtu,
                )
            )
            iface = fabric_interface(ifname, InterfaceRole.HOST, down, mtu, node.name, netdev, phys, member)
            iface.address, iface.peer_address = leaf_side, node_ip
            leaf.interfaces.append(iface)
            leaf.static_routes.append(StaticRoute(node_address, node_ip, f"{node.name} {route}"))
            ctx.cable(
                fabric_name,
                "node-leaf",
                (node.name, netdev, nic_gbps),
                (leaf.name, ifname, leaf_port_gbps),
                down,
                host_leaf_m,
            )
        if fabric_name == "frontend":
            node.frontend, node.frontend_address = nics, node_address
        else:
            node.storage, node.storage_address = nics, node_address

    leaves = [leaf for pair in pairs for leaf in pair]
    first_up = uplink_port(ctx.switch_model(leaf_choice), down, plan.host_ports, up, plan.leaf_uplinks)
    if not spines:  # collapsed: the pair's own leaves are each other's only neighbours
        a, b = pairs[0]
        for leaf in (a, b):
            ctx.allocators[leaf.name].skip_to(first_up)
        for _ in range(plan.leaf_uplinks):
            connect(ctx, "leaf-leaf", a, b, up, ctx.spec.fabrics.backend.roce.cable_length_m.host_leaf)
        return leaves
    for leaf in leaves:
        ctx.allocators[leaf.name].skip_to(first_up)
        for u in range(plan.leaf_uplinks):
            connect(
                ctx,
                "leaf-spine",
                leaf,
                spines[u % plan.spines],
                up,
                ctx.spec.fabrics.backend.roce.cable_length_m.leaf_spine,
            )
    return [*spines, *leaves]

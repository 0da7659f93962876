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
from aiinfra.design.backend import connect_all, uplink_port
from aiinfra.design.cabling import optic_name, reach_for
from aiinfra.design.clos import LeafSpinePlan
from aiinfra.design.context import BuildContext, new_link
from aiinfra.design.model import Device, Interface, InterfaceRole, Node, NodeNic, PortMode, StaticRoute
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
    if nodes:
        leaf_port_gbps = ctx.switch_model(leaf_choice).port_speed_gbps
        _cable_hosts(ctx, fabric_name, fabric, plan, nodes, pairs, (down, leaf_port_gbps, mtu), host_links, hosts)

    leaves = [leaf for pair in pairs for leaf in pair]
    first_up = uplink_port(ctx.switch_model(leaf_choice), down, plan.host_ports, up, plan.leaf_uplinks)
    if not spines:  # collapsed: the pair's own leaves are each other's only neighbours
        a, b = pairs[0]
        for leaf in (a, b):
            ctx.allocators[leaf.name].skip_to(first_up)
        pair_links = [(a, b)] * plan.leaf_uplinks
        connect_all(ctx, "leaf-leaf", pair_links, up, ctx.spec.fabrics.backend.roce.cable_length_m.host_leaf)
        return leaves
    for leaf in leaves:
        ctx.allocators[leaf.name].skip_to(first_up)
    uplinks = [(leaf, spines[u % plan.spines]) for leaf in leaves for u in range(plan.leaf_uplinks)]
    connect_all(ctx, "leaf-spine", uplinks, up, ctx.spec.fabrics.backend.roce.cable_length_m.leaf_spine)
    return [*spines, *leaves]


def _cable_hosts(
    ctx: BuildContext,
    fabric_name: str,
    fabric: EthernetFabric,
    plan: LeafSpinePlan,
    nodes: list[Node],
    pairs: list[tuple[Device, Device]],
    leaf_ports: tuple[int, int, int],
    host_links: Pool,
    hosts: Pool,
) -> None:
    """Each node's two uplinks to its leaf pair: the node's NICs, /32 and /31s, the leaves'
    host ports and static routes, and the cables, in node order.

    ``leaf_ports``: the host ports' speed, the leaf model's port speed and the leaf's MTU.
    What every node shares is looked up once: 16,384 nodes x 2 uplinks per fabric at 131k GPUs.
    """
    down, leaf_port_gbps, mtu = leaf_ports
    short = SHORT[fabric_name]
    server = ctx.catalog.servers[ctx.spec.compute.node_model]
    group = server.frontend if fabric_name == "frontend" else server.storage
    assert group is not None  # checked before building
    nic_gbps = ctx.catalog.nics[group.nic].speed_gbps
    host_leaf_m = ctx.spec.fabrics.backend.roce.cable_length_m.host_leaf
    reach, cable, family = reach_for(host_leaf_m)
    nic_optic, leaf_optic = optic_name(nic_gbps, down, family), optic_name(leaf_port_gbps, down, family)
    sides = [  # per uplink: (index, netdev, RDMA device, routing table)
        (
            i,
            group.netdevs[i] if group.netdevs else f"{short}{i}",
            group.rdma_devices[i] if group.rdma_devices else "",
            TABLE_BASE[fabric_name] + i,
        )
        for i in range(2)
    ]
    speed, nic_mtu, nic_model = min(down, nic_gbps), fabric.mtu, group.nic
    route = f" {fabric_name} address"
    to_host, routed = f"{InterfaceRole.HOST.value} to ", PortMode.ROUTED  # "<role> to <peer> <peer port>"
    links, allocators = ctx.links, ctx.allocators
    per_pair = plan.nodes_per_pair
    for node in nodes:
        pair = pairs[(node.index - 1) // per_pair]
        node_address = hosts.host_at(node.index - 1)
        node_name = node.name
        nics: list[NodeNic] = []
        for (i, netdev, rdma_device, table), leaf in zip(sides, pair, strict=True):
            leaf_ip, node_ip, leaf_cidr, node_cidr = host_links.p2p_ends_at((node.index - 1) * 2 + i)
            ifname, phys, member = allocators[leaf.name].claim(down)
            nics.append(  # positionally, in NodeNic's field order (pinned by a test)
                NodeNic(
                    fabric_name,  # fabric
                    i,  # index
                    netdev,  # netdev
                    rdma_device,  # rdma_device
                    nic_model,  # nic_model
                    speed,  # speed_gbps
                    node_cidr,  # address
                    leaf_ip,  # gateway
                    leaf.name,  # switch
                    ifname,  # switch_interface
                    table,  # route_table
                    nic_mtu,  # mtu
                )
            )
            leaf.interfaces.append(
                Interface(  # positionally, in Interface's field order (pinned by a test)
                    ifname,  # name
                    InterfaceRole.HOST,  # role
                    down,  # speed_gbps
                    mtu,  # mtu
                    f"{to_host}{node_name} {netdev}",  # description
                    True,  # enabled
                    leaf_cidr,  # address
                    node_name,  # peer_device
                    netdev,  # peer_interface
                    node_ip,  # peer_address
                    False,  # lossless
                    None,  # headroom
                    phys,  # physical_port
                    member,  # breakout_member
                    routed,  # mode
                    False,  # bfd
                )
            )
            leaf.static_routes.append(StaticRoute(node_address, node_ip, f"{node_name}{route}"))
            links.append(  # positionally, in Link's field order (pinned by a test)
                new_link(
                    fabric_name,
                    "node-leaf",
                    node_name,
                    netdev,
                    leaf.name,
                    ifname,
                    down,
                    host_leaf_m,
                    reach,
                    cable,
                    nic_optic,
                    leaf_optic,
                    nic_gbps,
                    leaf_port_gbps,
                )
            )
        if fabric_name == "frontend":
            node.frontend, node.frontend_address = nics, node_address
        else:
            node.storage, node.storage_address = nics, node_address

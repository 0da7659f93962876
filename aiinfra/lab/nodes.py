"""GPU nodes as namespaces: rail addresses, per-NIC tables and rules, MTU, from the design.

The lab plays the nodes itself (it does not run the node playbooks), using the same
host intent the node renderers format (``aiinfra.design.hosts``): one /31 per rail NIC,
the GPU prefix routed out of that NIC in its own table, a source rule selecting that
table, the NIC MTU, and the host sysctls (ARP flux fix, loose reverse-path filter).
Front-end NICs get their /31 and MTU and the node's /32 on the loopback, as the
netplan does; `verify` checks the back-end only.
"""

from __future__ import annotations

from aiinfra.catalog import Catalog
from aiinfra.design.hosts import host_intent
from aiinfra.design.model import Design
from aiinfra.lab import netns
from aiinfra.lab.topology import NodePlan

# Nodes are hosts: they must never forward between rails.
HOST_FORWARDING = (("net.ipv4.ip_forward", "0"),)


def configure(node: NodePlan, design: Design, catalog: Catalog) -> None:
    """Address one node namespace; its ports already exist (created with the cables)."""
    source = next(n for n in design.nodes if n.name == node.name)
    intent = host_intent(design, source, catalog)
    rail_by_netdev = {nic.netdev: nic for nic in intent.nics}
    commands: list[str] = []
    for nic, port in node.nics:
        commands += [
            f"link set dev {port.ifname} mtu {nic.mtu}",
            f"address add {nic.address} dev {port.ifname}",
            f"link set dev {port.ifname} up",
        ]
        rail = rail_by_netdev.get(nic.netdev)
        if rail is not None:
            commands += [
                f"route add {intent.gpu_pool} via {rail.gateway} dev {port.ifname} table {rail.route_table}",
                f"rule add from {rail.ip} table {rail.route_table}",
            ]
    if source.frontend_address:
        commands.append(f"address add {source.frontend_address} dev lo")
    netns.sysctls(node.namespace, [*intent.sysctls, *HOST_FORWARDING])
    netns.batch(node.namespace, commands)

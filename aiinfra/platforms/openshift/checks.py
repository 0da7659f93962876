"""What OpenShift cannot take: missing MACs, too few nodes, a VIP on a node, differing rail names."""

from __future__ import annotations

from aiinfra.design.model import Design
from aiinfra.design.platform import OpenShiftSettings, PlatformIntent, node_mac
from aiinfra.design.problems import Problem
from aiinfra.platforms.base import Where
from aiinfra.platforms.checks import name_list


def check(design: Design, intent: PlatformIntent, where: Where) -> list[Problem]:
    p = intent.settings
    assert isinstance(p, OpenShiftSettings)
    problems = _macs(design, where)
    replicas = p.control_plane_replicas
    if len(design.nodes) < replicas:
        problems.append(
            Problem(
                ("platform", "control_plane_replicas"),
                f"{replicas} control-plane nodes are taken from the GPU nodes but the design has {len(design.nodes)}",
            )
        )
    node_ips = {n.frontend_address.split("/")[0]: n.name for n in design.nodes if n.frontend_address}
    for field, vip in (("api_vip", p.api_vip), ("ingress_vip", p.ingress_vip)):
        if vip in node_ips:
            problems.append(Problem(("platform", field), f"{vip} is already the front-end address of {node_ips[vip]}"))
    problems += _uniform_rails(intent, where)
    return problems


def _macs(design: Design, where: Where) -> list[Problem]:
    """The agent-config needs every front-end MAC: one problem per missing field, naming the nodes."""
    missing: dict[str, list[str]] = {}
    for node in design.nodes:
        for nic in node.frontend:
            if node_mac(node, nic.netdev) is None:
                missing.setdefault(nic.netdev, []).append(node.name)
    return [
        Problem(
            where.facts,
            f"OpenShift agent-config needs each node's MAC for front-end interface {netdev} (field "
            f"macs.{netdev}); it is missing for {name_list(nodes)}; add it to {where.facts_file}",
        )
        for netdev, nodes in missing.items()
    ]


def _uniform_rails(intent: PlatformIntent, where: Where) -> list[Problem]:
    """The pool-wide MachineConfig and the per-rail resources need one set of rail names."""
    by_names: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for host in intent.hosts.values():
        by_names.setdefault(tuple((n.netdev, n.rdma_device) for n in host.nics), []).append(host.node)
    if len(by_names) <= 1:
        return []
    groups = list(by_names.values())
    others = [name for group in groups[1:] for name in group]
    return [
        Problem(
            where.facts,
            f"OpenShift renders one RoCE MachineConfig per pool, so every node needs the same rail netdev "
            f"and RDMA names; {name_list(others)} differ from {groups[0][0]}; rename them alike in "
            f"{where.facts_file}",
        )
    ]

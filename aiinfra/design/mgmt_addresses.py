"""Management addresses by position: a switch's or node's address never depends on how
many other devices exist, so adding nodes or switches renumbers none.

The usable addresses of ``site.management.network`` (from ``first_host_offset``, without
the gateway and the broadcast address) are cut into fixed shares: the first half for
switches, the second half for nodes, where node ``n`` takes host address ``2(n - 1)`` and
BMC address ``2(n - 1) + 1``. The switch half is cut per fabric (back-end one half,
OOB one quarter, front-end and storage one eighth each); in a fabric's share leaves
count up from the bottom by slot and spines down from the top, so either can grow; the
super-spines count down below the spines (a new pod, which adds spines, moves them).
"""

from __future__ import annotations

from netaddr import IPNetwork

from aiinfra.design.addressing import dotted
from aiinfra.design.model import Device, Node
from aiinfra.design.problems import Problems
from aiinfra.spec.model import ClusterSpec

FABRIC_SHARES = {"backend": (0, 4), "oob": (4, 6), "frontend": (6, 7), "storage": (7, 8)}  # eighths


def assign_management(
    spec: ClusterSpec, switches: list[Device], nodes: list[Node], slots: dict[str, int], problems: Problems
) -> None:
    """Fill ``mgmt_address`` of every switch and node, and ``bmc_address`` of every node."""
    mgmt = spec.site.management
    net = IPNetwork(str(mgmt.network))
    first, size = int(net.first) + mgmt.first_host_offset, int(net.size) - mgmt.first_host_offset
    size -= 1 if net.prefixlen <= 30 else 0  # the broadcast address
    gw = int(IPNetwork(f"{mgmt.gateway}/32").first)
    has_gw = first <= gw < first + size
    usable = size - has_gw
    half = usable // 2

    def address(index: int) -> str:
        value = first + index
        if has_gw and value >= gw:  # the gateway sits among the addresses: never hand it out
            value += 1
        return f"{dotted(value)}/{net.prefixlen}"

    where = ("site", "management", "network")
    room = f"{net} from offset {mgmt.first_host_offset} has {usable:,} usable addresses"
    if 2 * len(nodes) > usable - half:
        problems.add(
            where,
            f"{room}; its node half holds {usable - half:,} but {len(nodes):,} nodes need "
            f"{2 * len(nodes):,} (host + BMC); use a larger network",
        )
        return
    regions = {fabric: (half * lo // 8, half * hi // 8 - half * lo // 8) for fabric, (lo, hi) in FABRIC_SHARES.items()}
    spines = {f: sum(1 for d in switches if d.fabric == f and d.role == "spine") for f in FABRIC_SHARES}
    tops = {f: sum(1 for d in switches if d.fabric == f and d.role != "leaf") for f in FABRIC_SHARES}
    for d in switches:
        base, count = regions[d.fabric]
        slot = slots[d.name]
        index = {"spine": count - 1 - slot, "super-spine": count - 1 - spines[d.fabric] - slot}.get(d.role, slot)
        if not 0 <= index < count or (d.role == "leaf" and index >= count - tops[d.fabric]):
            problems.add(
                where,
                f"{room}; the {count:,} kept for {d.fabric} switches (a fixed share, so growth renumbers "
                f"nothing) do not reach {d.name}; use a larger network",
            )
            return
        d.mgmt_address = address(base + index)
    for node in nodes:
        node.mgmt_address = address(half + 2 * (node.index - 1))
        node.bmc_address = address(half + 2 * (node.index - 1) + 1)

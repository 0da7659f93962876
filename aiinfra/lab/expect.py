"""What the design predicts the running lab must show, with and without failures.

``verify`` compares the live lab to these predictions, never to constants, so the same
checks hold for any spec and after any ``fail``: a session on a failed cable must be
down, a leaf that lost an uplink must have one ECMP path fewer, traffic must still
flow with the hop count the Clos allows.

ECMP model: a leaf's paths to a prefix another leaf originates are its live uplink
sessions whose peer can still reach that leaf going up then down the Clos (valley-free,
which is also what eBGP's AS-path loop check leaves possible when a tier shares an
ASN), capped by the leaf's ``maximum-paths``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import cache
from ipaddress import IPv4Interface, IPv4Network

from aiinfra.design.model import Design, Device, Node, NodeNic

RANK = {"leaf": 0, "spine": 1, "super-spine": 2}


@dataclass(frozen=True)
class Failures:
    """Cable ends (device, design interface) and switches currently failed."""

    ends: frozenset[tuple[str, str]] = frozenset()
    switches: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Session:
    device: str
    address: str
    peer: str
    interface: str
    bfd: bool
    live: bool  # both ends and the cable up: must be Established (and BFD up)


@dataclass(frozen=True)
class Probe:
    """One node-to-node reachability check."""

    kind: str  # "same-rail" | "cross-rail"
    src_node: str
    src: NodeNic
    dst_node: str
    dst: NodeNic
    switch_hops: int  # switches on the shortest live path
    via_tier: int  # the highest tier (RANK) the path must cross


@dataclass
class Expectations:
    sessions: list[Session] = field(default_factory=list)
    ecmp: dict[str, dict[str, int]] = field(default_factory=dict)  # leaf -> prefix -> paths
    probes: list[Probe] = field(default_factory=list)


def cable_peer_ends(design: Design) -> dict[tuple[str, str], tuple[str, str]]:
    """Both directions of every cable: (device, interface) -> its other end."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for link in design.links:
        a, b = (link.a_device, link.a_interface), (link.b_device, link.b_interface)
        out[a], out[b] = b, a
    return out


def sessions(design: Design, failures: Failures) -> list[Session]:
    out = []
    for device in design.devices.values():
        if device.bgp is None:
            continue
        for n in device.bgp.neighbors:
            live = (
                device.name not in failures.switches
                and n.peer_device not in failures.switches
                and (device.name, n.interface) not in failures.ends
            )
            out.append(Session(device.name, n.address, n.peer_device, n.interface, n.bfd, live))
    return out


class Clos:
    """Live BGP adjacency of the fabric, ranked by tier, for reachability questions."""

    def __init__(self, design: Design, failures: Failures) -> None:
        self.design = design
        self.up: dict[str, list[str]] = {}
        for s in sessions(design, failures):
            if s.live:
                self.up.setdefault(s.device, []).append(s.peer)
        self.reach = cache(self._reach)
        self.reach_down = cache(self._reach_down)

    def rank(self, name: str) -> int:
        device = self.design.devices.get(name)
        return RANK.get(device.role, -1) if device else -1

    def _reach_down(self, x: str, target: str) -> bool:
        if x == target:
            return True
        return any(self.rank(y) < self.rank(x) and self.reach_down(y, target) for y in self.up.get(x, []))

    def _reach(self, x: str, target: str) -> bool:
        if self.reach_down(x, target):
            return True
        return any(self.rank(z) > self.rank(x) and self.reach(z, target) for z in self.up.get(x, []))

    def paths(self, leaf: Device, owner: str) -> int:
        assert leaf.bgp is not None
        uplinks = [p for p in self.up.get(leaf.name, []) if self.rank(p) > self.rank(leaf.name)]
        return min(sum(1 for p in uplinks if self.reach(p, owner)), leaf.bgp.maximum_paths)

    def switch_path(self, a: str, b: str) -> list[str]:
        """Shortest live switch path from leaf a to leaf b (leaves only as endpoints)."""
        if a == b:
            return [a]
        seen = {a: [a]}
        queue = deque([a])
        while queue:
            x = queue.popleft()
            for y in self.up.get(x, []):
                if y in seen or (self.rank(y) == 0 and y != b):
                    continue
                seen[y] = [*seen[x], y]
                if y == b:
                    return seen[y]
                queue.append(y)
        return []


def ecmp(design: Design, failures: Failures, clos: Clos) -> dict[str, dict[str, int]]:
    """Predicted path count per leaf for every prefix exactly one other leaf originates."""
    owners: dict[str, list[str]] = {}
    for d in design.devices.values():
        if d.role == "leaf" and d.bgp is not None:
            for prefix in d.bgp.networks:
                owners.setdefault(str(IPv4Network(prefix)), []).append(d.name)
    out: dict[str, dict[str, int]] = {}
    for leaf in design.devices.values():
        if leaf.role != "leaf" or leaf.bgp is None or leaf.name in failures.switches:
            continue
        local = {str(IPv4Network(p)) for p in leaf.bgp.networks}
        predicted = {}
        for prefix, who in owners.items():
            if len(who) != 1 or prefix in local or design.devices[who[0]].fabric != leaf.fabric:
                continue
            owner = who[0]
            predicted[prefix] = 0 if owner in failures.switches else clos.paths(leaf, owner)
        out[leaf.name] = predicted
    return out


def probes(design: Design, failures: Failures, clos: Clos) -> list[Probe]:
    """Same-rail pairs (all of them) and cross-rail pairs (each NIC to the next rail of every other node)."""

    def usable(nic: NodeNic, node: Node) -> bool:
        return nic.switch not in failures.switches and (node.name, nic.netdev) not in failures.ends

    out: list[Probe] = []
    for a in design.nodes:
        for nic in a.backend:
            if not usable(nic, a):
                continue
            for b in design.nodes:
                by_rail = {n.index: n for n in b.backend}
                if b is a or nic.index not in by_rail:
                    continue
                order = sorted(by_rail)
                targets = [("same-rail", by_rail[nic.index])]
                next_rail = order[(order.index(nic.index) + 1) % len(order)]
                if next_rail != nic.index:
                    targets.append(("cross-rail", by_rail[next_rail]))
                for kind, dst in targets:
                    path = clos.switch_path(nic.switch, dst.switch) if usable(dst, b) else []
                    if path:
                        out.append(Probe(kind, a.name, nic, b.name, dst, len(path), max(clos.rank(s) for s in path)))
    return out


def expectations(design: Design, failures: Failures) -> Expectations:
    clos = Clos(design, failures)
    return Expectations(sessions(design, failures), ecmp(design, failures, clos), probes(design, failures, clos))


def address_owners(design: Design) -> dict[str, str]:
    """Every switch address (interfaces and loopback) -> switch name, to name traceroute hops."""
    out: dict[str, str] = {}
    for d in design.devices.values():
        for i in d.interfaces:
            if i.address:
                out[str(IPv4Interface(i.address).ip)] = d.name
        if d.loopback:
            out[str(IPv4Interface(d.loopback).ip)] = d.name
    return out

"""Switch counts for Clos fabrics, derived from radix and oversubscription.

The rules (also in docs/design.md):

* A rail leaf serves the nodes of one scalable unit (SU) on one rail. Its
  downlinks are the SU's nodes; uplinks = ceil(downlinks / oversubscription).
  When that does not fit the leaf radix, the rail gets several leaves per SU.
* Two tiers while every leaf can reach every spine: spines = the smallest
  divisor of the leaf's uplink count that provides enough spine ports (at least
  two, for redundancy). Each leaf then has uplinks/spines parallel links to each
  spine, so uplinks are spread evenly.
* Otherwise three tiers: a pod is a whole number of SUs whose leaves fill half
  a spine's ports; each pod has one spine per leaf uplink (one link per
  leaf-spine pair); spine *j* of every pod joins super-spine plane *j*, whose
  size is again the smallest even-spreading divisor.

With 64-port switches at host speed this reproduces NVIDIA's DGX SuperPOD
tables (4 SU: 32 leaves / 16 spines; 16 SU: 128 / 128 / 64 core).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RailPlan:
    """Counts for a rail-optimized back-end fabric."""

    tiers: int
    scalable_units: int
    nodes_per_su: int
    leaves_per_rail: int  # per SU
    nodes_per_leaf: int
    leaf_uplinks: int
    spines: int  # total
    spines_per_pod: int
    pods: int
    sus_per_pod: int
    links_per_leaf_spine: int
    super_spines_per_plane: int
    links_per_spine_super: int
    spine_uplinks: int

    @property
    def planes(self) -> int:
        return self.spines_per_pod if self.tiers == 3 else 0

    @property
    def super_spines(self) -> int:
        return self.planes * self.super_spines_per_plane


class SizingError(ValueError):
    """The requested fabric does not fit the chosen switches."""


def smallest_divisor_at_least(n: int, floor: int) -> int | None:
    """Smallest d with d >= floor and n % d == 0 (None if floor > n)."""
    for d in range(max(1, floor), n + 1):
        if n % d == 0:
            return d
    return None


def max_downlinks(radix: int, oversubscription: float) -> int:
    """Most host ports a leaf of ``radix`` ports can take at this oversubscription."""
    return math.floor(radix * oversubscription / (oversubscription + 1))


def plan_rail_fabric(
    *,
    nodes: int,
    nodes_per_su: int,
    rails: int,
    leaf_radix: int,
    spine_radix: int,
    super_spine_radix: int,
    oversubscription: float,
    min_spines: int = 2,
) -> RailPlan:
    su_size = min(nodes_per_su, nodes)
    sus = math.ceil(nodes / su_size)
    down_max = max_downlinks(leaf_radix, oversubscription)
    if down_max < 1:
        raise SizingError(f"a {leaf_radix}-port leaf cannot take any host at {oversubscription:g}:1")
    leaves_per_rail = math.ceil(su_size / down_max)
    per_leaf = math.ceil(su_size / leaves_per_rail)
    uplinks = max(math.ceil(per_leaf / oversubscription), min(min_spines, per_leaf))
    leaves = sus * rails * leaves_per_rail

    need = math.ceil(leaves * uplinks / spine_radix)
    spines = smallest_divisor_at_least(uplinks, max(need, min(min_spines, uplinks)))
    if spines is not None and leaves * (uplinks // spines) <= spine_radix:
        return RailPlan(
            2, sus, su_size, leaves_per_rail, per_leaf, uplinks, spines, spines, 1, sus, uplinks // spines, 0, 0, 0
        )

    # Three tiers.
    spine_down = spine_radix // 2
    spine_up = spine_radix - spine_down
    leaves_per_su = rails * leaves_per_rail
    sus_per_pod = spine_down // leaves_per_su
    if sus_per_pod < 1:
        raise SizingError(
            f"one SU has {leaves_per_su} leaves but a spine has only {spine_down} downlinks; "
            "use fewer nodes_per_su or a larger spine"
        )
    pods = math.ceil(sus / sus_per_pod)
    need_ss = math.ceil(pods * spine_up / super_spine_radix)
    per_plane = smallest_divisor_at_least(spine_up, need_ss)
    if per_plane is None or pods * (spine_up // per_plane) > super_spine_radix:
        raise SizingError(
            f"{nodes} nodes need {pods} pods, more than a {super_spine_radix}-port super-spine can join; "
            "three tiers are the limit"
        )
    return RailPlan(
        3,
        sus,
        su_size,
        leaves_per_rail,
        per_leaf,
        uplinks,
        pods * uplinks,
        uplinks,
        pods,
        sus_per_pod,
        1,
        per_plane,
        spine_up // per_plane,
        spine_up,
    )


def plan_single_switch(*, nodes: int, rails: int, leaf_radix: int) -> RailPlan:
    """One back-end switch for every rail of every node: no spines, every GPU one hop from every other.

    For 2-4 nodes a leaf per rail plus two spines is mostly fixed cost; one switch of 64
    ports carries 8 nodes of 8 NICs at line rate, non-blocking by construction.
    """
    ports = nodes * rails
    if ports > leaf_radix:
        most = leaf_radix // rails
        raise SizingError(
            f"single-switch puts every NIC on one switch: {nodes} nodes x {rails} NICs = {ports} ports, "
            f"but the switch has {leaf_radix}; it holds at most {most} nodes, or use design: rail-optimized"
        )
    return RailPlan(1, 1, nodes, 1, nodes, 0, 0, 0, 1, 1, 0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class LeafSpinePlan:
    """Counts for a dual-homed front-end or storage fabric."""

    leaf_pairs: int
    nodes_per_pair: int  # node n sits on pair (n - 1) // nodes_per_pair + 1
    leaf_uplinks: int
    spines: int
    links_per_leaf_spine: int
    host_ports: int = 0  # the most hosts a leaf can take: its uplinks start after them


PEER_LINKS = 2  # links between the two leaves of a collapsed fabric: one may fail


def plan_collapsed(*, nodes: int, leaf_ports: int, down_ways: int, up_ways: int) -> LeafSpinePlan:
    """One leaf pair and no spines: each node on both leaves, the leaves joined by two links.

    For a handful of nodes two spines add nothing a peer link does not: node-to-node
    traffic stays on one leaf, and the peer links carry it when a node loses an uplink.
    """
    physical = math.ceil(nodes / down_ways) + math.ceil(PEER_LINKS / up_ways)
    most = (leaf_ports - math.ceil(PEER_LINKS / up_ways)) * down_ways
    if physical > leaf_ports:
        raise SizingError(
            f"collapsed puts every node on one leaf pair: {nodes} nodes need {physical} ports per leaf, "
            f"but it has {leaf_ports}; it holds at most {most} nodes, or set collapsed: false"
        )
    return LeafSpinePlan(1, nodes, PEER_LINKS, 0, 0, host_ports=most)  # peer links after the most hosts


def plan_leaf_spine(
    *,
    nodes: int,
    leaf_ports: int,
    down_ways: int,
    up_ways: int,
    down_gbps: int,
    up_gbps: int,
    spine_radix: int,
    oversubscription: float,
    min_spines: int = 2,
) -> LeafSpinePlan:
    """Leaf pairs with one port per node on each leaf; uplinks at ``up_gbps``."""

    def uplinks_for(d: int) -> int:
        return max(math.ceil(d * down_gbps / (oversubscription * up_gbps)), min_spines)

    best = 0
    for d in range(1, leaf_ports * down_ways + 1):
        phys = math.ceil(d / down_ways) + math.ceil(uplinks_for(d) / up_ways)
        if phys <= leaf_ports:
            best = d
        else:
            break
    if best == 0:
        raise SizingError("the leaf cannot take one host port plus its uplinks")
    pairs = math.ceil(nodes / best)
    # Pairs fill up in node order, so a node's pair is its position: balancing the nodes over
    # the pairs would move nodes between pairs as the cluster grows.
    per_pair = nodes if pairs == 1 else best
    uplinks = uplinks_for(per_pair)
    leaves = pairs * 2
    need = math.ceil(leaves * uplinks / spine_radix)
    spines = smallest_divisor_at_least(uplinks, max(need, min_spines))
    if spines is None or leaves * (uplinks // spines) > spine_radix:
        raise SizingError(f"{leaves} leaves with {uplinks} uplinks each exceed a two-tier fabric")
    return LeafSpinePlan(pairs, per_pair, uplinks, spines, uplinks // spines, best)

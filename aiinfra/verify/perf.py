"""Acceptance of performance: the figures each rail pair and the cluster should reach.

From the Design alone (docs/verify.md, "Performance", has the derivation):

- **RDMA write bandwidth between rail peers** (perftest ``ib_write_bw``): each back-end
  rail's nodes in a ring by position (node k sends to node k+1 on the same rail), so
  every NIC sends once and receives once and every leaf port carries one stream. The
  wire efficiency of RoCEv2 at the 4096-byte RDMA MTU is 4096 / (4096 + 82): per packet,
  8 B preamble/SFD + 12 B inter-frame gap + 14 B Ethernet + 20 B IPv4 + 8 B UDP + 12 B
  BTH + 4 B ICRC + 4 B FCS. Acceptance asks ``RDMA_MIN_FRACTION`` of the line rate.
- **NCCL ``all_reduce_perf`` bus bandwidth** at 2, 8 and all nodes: NCCL runs one ring
  (channel) through each rail NIC, so a node's share of the inter-node traffic leaves
  through all its rail NICs at once and nccl-tests' busbw comes out as the node's rail
  NICs times one NIC's bandwidth (NVIDIA's figures agree: 192 GB/s on DGX A100 with
  8 x 200G, 46-48 GB/s per 400G NIC; docs/verify.md has the sources); traffic between
  nodes of different scalable units crosses the spine tier, so the bound is divided by
  the leaf oversubscription there. Acceptance asks ``NCCL_MIN_FRACTION`` of that bound.

Pair identities come from node positions (never a running count), so a re-run tests
the same pairs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from aiinfra.design.model import Design, NodeNic

RDMA_MTU = 4096
ROCE_OVERHEAD_BYTES = 8 + 12 + 14 + 20 + 8 + 12 + 4 + 4
WIRE_EFFICIENCY = RDMA_MTU / (RDMA_MTU + ROCE_OVERHEAD_BYTES)
RDMA_MIN_FRACTION = 0.90
# NVIDIA's lowest published 400G figure, 46 GB/s per NIC, is 94 % of the per-NIC bound;
# 90 % leaves 4 points for RoCE and the spine tier and still fails what NVIDIA calls low.
NCCL_MIN_FRACTION = 0.90
NCCL_NODE_COUNTS = (2, 8)


@dataclass(frozen=True)
class RailPair:
    rail: int
    sender: str
    sender_ip: str
    receiver: str
    receiver_ip: str
    line_rate_gbps: int

    @property
    def label(self) -> str:
        return pair_label(self.rail, self.sender, self.receiver)


def pair_label(rail: int, sender: str, receiver: str) -> str:
    return f"rail {rail}: {sender} -> {receiver}"


@dataclass(frozen=True)
class NcclTarget:
    nodes: int
    bound_gbytes_s: float  # the node's rail-NIC bound, GB/s, as nccl-tests reports busbw

    @property
    def minimum_gbytes_s(self) -> float:
        return round(self.bound_gbytes_s * NCCL_MIN_FRACTION, 2)


# rail, sender, its NIC, receiver, its NIC
Ring = Iterator[tuple[int, str, NodeNic, str, NodeNic]]


def rings(design: Design) -> Ring:
    """Every back-end rail's ring of nodes, in node position order, as (rail, sender, NIC, receiver, NIC)."""
    by_rail: dict[int, list[tuple[str, NodeNic]]] = {}
    for n in sorted(design.nodes, key=lambda n: n.index):
        for nic in n.backend:
            by_rail.setdefault(nic.index, []).append((n.name, nic))
    for rail in range(1, design.rails + 1):
        nics = by_rail.get(rail, [])
        if len(nics) < 2:
            continue
        for k, (name, nic) in enumerate(nics):
            peer_name, peer = nics[(k + 1) % len(nics)]
            if len(nics) == 2 and k == 1:
                break  # two nodes: one pair, not the same pair backwards
            yield rail, name, nic, peer_name, peer


def rail_pairs(design: Design) -> list[RailPair]:
    """Every back-end rail's ring of nodes, in node position order.

    The Design writes a NIC's address as ``ip/prefix`` text, so its IP is the text before
    the slash (parsing 131k of them with ipaddress cost seconds at 16k nodes).
    """
    return [
        RailPair(rail, name, nic_ip(nic), peer_name, nic_ip(peer), min(nic.speed_gbps, peer.speed_gbps))
        for rail, name, nic, peer_name, peer in rings(design)
    ]


def nic_ip(nic: NodeNic) -> str:
    return nic.address.partition("/")[0]


def rdma_minimum_gbps(pair: RailPair) -> float:
    return rdma_minimum(pair.line_rate_gbps)


def rdma_minimum(line_rate_gbps: int) -> float:
    return round(line_rate_gbps * RDMA_MIN_FRACTION, 1)


def _leaf_oversubscription(design: Design) -> float:
    leaf = [t for t in design.tiers if t.fabric == "backend" and t.tier == "leaf"]
    return max((t.oversubscription for t in leaf), default=1.0) or 1.0


def nccl_targets(design: Design) -> list[NcclTarget]:
    """busbw bounds at 2, 8 and all nodes (counts the cluster does not have are left out)."""
    if not design.nodes or not any(n.backend for n in design.nodes):
        return []
    nic_gbps = min(nic.speed_gbps for n in design.nodes for nic in n.backend)
    nics = min(len(n.backend) for n in design.nodes)  # the slowest node sets the ring's pace
    bound = nics * nic_gbps / 8 * WIRE_EFFICIENCY  # GB/s: one NCCL ring per rail NIC, all at once
    by_su: dict[int, int] = {}
    for n in design.nodes:
        by_su[n.su] = by_su.get(n.su, 0) + 1
    per_su = min(by_su.values())
    total = len(design.nodes)
    out = []
    for count in sorted({c for c in (*NCCL_NODE_COUNTS, total) if 2 <= c <= total}):
        crosses_spine = count > per_su
        out.append(NcclTarget(count, round(bound / (_leaf_oversubscription(design) if crosses_spine else 1.0), 2)))
    return out


# --- parsing what the tools print -------------------------------------------------------


class PerfOutputError(ValueError):
    """Tool output without the figure it should carry."""


def ib_write_bw_gbps(text: str) -> float:
    """``BW average[Gb/sec]`` of perftest's result row (run with ``--report_gbits``)."""
    header: list[str] | None = None
    value: float | None = None
    for line in text.splitlines():
        if "BW average[Gb/sec]" in line:
            header = line.replace("BW peak", "BW_peak").replace("BW average", "BW_average").split()
            continue
        cols = line.split()
        if header and len(cols) == len(header) and cols[0].isdigit():
            value = float(cols[header.index("BW_average[Gb/sec]")])
    if value is None:
        raise PerfOutputError("no ib_write_bw result row with BW average[Gb/sec] (run with --report_gbits)")
    return value


def iperf3_gbps(report: dict[str, object]) -> float:
    """Received bits per second of an ``iperf3 --json`` client run, in Gb/s."""
    end = report.get("end")
    received = end.get("sum_received") if isinstance(end, dict) else None
    bps = received.get("bits_per_second") if isinstance(received, dict) else None
    if not isinstance(bps, int | float):
        error = report.get("error")
        raise PerfOutputError(f"iperf3 reported no received throughput{f': {error}' if error else ''}")
    return bps / 1e9


def all_reduce_busbw(text: str) -> float:
    """nccl-tests' out-of-place busbw (GB/s) of the largest message size it ran."""
    best: tuple[int, float] | None = None
    for line in text.splitlines():
        cols = line.split()
        if len(cols) >= 8 and cols[0].isdigit() and cols[1].isdigit():
            size, busbw = int(cols[0]), float(cols[7])
            if best is None or size >= best[0]:
                best = (size, busbw)
    if best is None:
        raise PerfOutputError("no all_reduce_perf result rows")
    return best[1]


def shortfalls(rows: list[tuple[str, float, float]], unit: str) -> list[str]:
    """A table of the rows (label, minimum, found) below their minimum; empty when none is."""
    low = [r for r in rows if r[2] < r[1]]
    if not low:
        return []
    width = max(len(r[0]) for r in low)
    out = [f"{'pair':<{width}}  {'minimum':>10}  {'found':>10}  ({unit})"]
    out += [f"{label:<{width}}  {minimum:>10.2f}  {found:>10.2f}" for label, minimum, found in low]
    return out


# --- the render artefact the playbook reads -------------------------------------------

LAB_MIN_GBPS = 0.1  # iperf3 over the lab's veths: proves the workflow, not a NIC
IPERF_BASE_PORT = 5200  # + rail: one server per rail and node


def _gid_index(design: Design) -> int | None:
    """The RoCEv2 IPv4 GID index the hosts were set up with (one for every rail NIC), from the Design."""
    hosts = design.platform.hosts.values() if design.platform is not None else ()
    found = {nic.gid_index for host in hosts for nic in host.nics}
    return found.pop() if len(found) == 1 else None


def plan_head(design: Design) -> dict[str, object]:
    """``verify/perf.yml`` ahead of its pairs: the constants the playbook reads."""
    return {
        "wire_efficiency": round(WIRE_EFFICIENCY, 4),
        "rdma_min_fraction": RDMA_MIN_FRACTION,
        "lab_min_gbps": LAB_MIN_GBPS,
        "rdma_gid_index": _gid_index(design),
    }


def pair_row(p: RailPair) -> dict[str, object]:
    """One rail pair as ``verify/perf.yml`` lists it (``iperf3`` listens on its rail's port)."""
    return {
        "rail": p.rail,
        "label": p.label,
        "sender": p.sender,
        "sender_ip": p.sender_ip,
        "receiver": p.receiver,
        "receiver_ip": p.receiver_ip,
        "port": IPERF_BASE_PORT + p.rail,
        "line_rate_gbps": p.line_rate_gbps,
        "rdma_min_gbps": rdma_minimum_gbps(p),
    }


def nccl_rows(design: Design) -> list[dict[str, object]]:
    return [
        {"nodes": t.nodes, "bound_gbytes_s": t.bound_gbytes_s, "min_busbw_gbytes_s": t.minimum_gbytes_s}
        for t in nccl_targets(design)
    ]


def plan(design: Design) -> dict[str, object]:
    """``verify/perf.yml``: every rail pair with its thresholds, and the NCCL targets
    (the render writes it with ``yamltext.plan_yaml``: the same bytes, tested)."""
    return {**plan_head(design), "pairs": [pair_row(p) for p in rail_pairs(design)], "nccl": nccl_rows(design)}

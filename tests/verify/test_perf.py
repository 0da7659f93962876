"""The performance plan from the Design, the parsers of each tool's output, the report."""

from __future__ import annotations

import pytest
import yaml

from aiinfra.verify import perf
from aiinfra.verify.catalog import artefact
from tests.conftest import example

IB_WRITE_BW = """\
---------------------------------------------------------------------------------------
                    RDMA_Write BW Test
 Dual-port       : OFF          Device         : mlx5_0
 Link type       : Ethernet
 GID index       : 3
---------------------------------------------------------------------------------------
 #bytes     #iterations    BW peak[Gb/sec]    BW average[Gb/sec]   MsgRate[Mpps]
 65536      372841           391.22             390.87             0.745542
---------------------------------------------------------------------------------------
"""
ALL_REDUCE = """\
#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong
#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)
  4294967296    1073741824     float     sum      -1  48012.2   89.46  167.73      0  48030.1   89.42  167.67      0
  8589934592    2147483648     float     sum      -1  95893.1   89.58  167.96      0  95912.4   89.56  167.93      0
# Out of bounds values : 0 OK
# Avg bus bandwidth    : 55.4
"""


def test_rail_pairs_are_a_ring_per_rail_by_node_position() -> None:
    design = example("lab").design
    pairs = perf.rail_pairs(design)
    assert len(pairs) == design.rails * len(design.nodes)
    for rail in range(1, design.rails + 1):
        mine = [p for p in pairs if p.rail == rail]
        assert (
            sorted(p.sender for p in mine) == sorted(p.receiver for p in mine) == sorted(n.name for n in design.nodes)
        )
    first = pairs[0]
    nic = next(n for n in design.nodes[1].backend if n.index == 1)
    assert (first.receiver, first.receiver_ip) == (design.nodes[1].name, nic.address.split("/")[0])
    assert first.line_rate_gbps == nic.speed_gbps == 400
    assert perf.rdma_minimum_gbps(first) == 360.0


def test_roce_wire_efficiency_at_4096_byte_mtu() -> None:
    assert perf.ROCE_OVERHEAD_BYTES == 82
    assert round(perf.WIRE_EFFICIENCY, 4) == 0.9804


def test_nccl_bound_follows_nic_rate_and_leaf_oversubscription() -> None:
    lab = perf.nccl_targets(example("lab").design)
    assert [t.nodes for t in lab] == [2, 4]  # the lab has 4 nodes: 8 is left out
    rails = {len(n.backend) for n in example("lab").design.nodes}
    assert rails == {8}
    assert all(t.bound_gbytes_s == round(8 * 400 / 8 * perf.WIRE_EFFICIENCY, 2) for t in lab)
    pod = example("superpod-4su").design
    targets = perf.nccl_targets(pod)
    assert [t.nodes for t in targets] == [2, 8, len(pod.nodes)]
    leaf = max(t.oversubscription for t in pod.tiers if t.fabric == "backend" and t.tier == "leaf")
    nics = min(len(n.backend) for n in pod.nodes)
    assert targets[-1].bound_gbytes_s == round(nics * 400 / 8 * perf.WIRE_EFFICIENCY / leaf, 2)
    assert targets[0].minimum_gbytes_s == round(targets[0].bound_gbytes_s * perf.NCCL_MIN_FRACTION, 2)


def test_nccl_bound_agrees_with_nvidias_published_busbw() -> None:
    """NVIDIA's figures (docs/verify.md): DGX A100, 8 x 200G IB, 192 GB/s all-reduce busbw on two
    nodes; 400G NDR NICs 46-48 GB/s each. The bound sits at or just above them, and the
    acceptance minimum below the lowest, so a fabric NVIDIA calls healthy passes."""
    lab = example("lab").design  # 8 rail NICs of 400G per node
    (two, *_) = perf.nccl_targets(lab)
    assert two.bound_gbytes_s >= 8 * 46 and 8 * 48 / two.bound_gbytes_s >= 0.97
    assert two.minimum_gbytes_s <= 8 * 46 < two.bound_gbytes_s
    dgx_a100 = 8 * 200 / 8 * perf.WIRE_EFFICIENCY  # the same formula at 8 x 200G
    assert dgx_a100 >= 192 and 192 / dgx_a100 > perf.NCCL_MIN_FRACTION


def test_plan_artefact_reads_back() -> None:
    design = example("lab").design
    plan = yaml.safe_load(artefact(design)["verify/perf.yml"])
    assert len(plan["pairs"]) == 32 and plan["rdma_gid_index"] == 3
    assert {p["port"] for p in plan["pairs"]} == {perf.IPERF_BASE_PORT + r for r in range(1, 9)}


def test_parsers_read_what_the_tools_print() -> None:
    assert perf.ib_write_bw_gbps(IB_WRITE_BW) == 390.87
    assert perf.all_reduce_busbw(ALL_REDUCE) == 167.96  # out-of-place busbw of the largest size
    assert perf.iperf3_gbps({"end": {"sum_received": {"bits_per_second": 9.4e9}}}) == 9.4
    with pytest.raises(perf.PerfOutputError, match="report_gbits"):
        perf.ib_write_bw_gbps(IB_WRITE_BW.replace("Gb/sec", "MB/sec"))
    with pytest.raises(perf.PerfOutputError, match="unable to connect"):
        perf.iperf3_gbps({"error": "unable to connect to server"})
    with pytest.raises(perf.PerfOutputError):
        perf.all_reduce_busbw("# nothing ran\n")


def test_shortfalls_table_lists_only_pairs_below() -> None:
    rows = [("rail 1: a -> b", 360.0, 390.9), ("rail 2: b -> c", 360.0, 201.5)]
    assert perf.shortfalls(rows, "Gb/s") == [
        "pair               minimum       found  (Gb/s)",
        "rail 2: b -> c      360.00      201.50",
    ]
    assert perf.shortfalls(rows[:1], "Gb/s") == []

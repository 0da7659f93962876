"""Switch counts against NVIDIA's published DGX SuperPOD tables (fabric.md 1.2) and
Clos invariants for arbitrary sizes."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.design.clos import SizingError, plan_leaf_spine, plan_rail_fabric
from aiinfra.pipeline import design_from_file
from tests.conftest import lab_data, write_spec

# SU, leaves, spines, core (super-spines) for 64-port 400G switches, 32-node SUs, 8 rails.
SUPERPOD = [(2, 16, 8, 0), (4, 32, 16, 0), (8, 64, 32, 0), (16, 128, 128, 64), (32, 256, 256, 128), (64, 512, 512, 256)]


@pytest.mark.parametrize(("sus", "leaves", "spines", "core"), SUPERPOD)
def test_matches_superpod_table(sus: int, leaves: int, spines: int, core: int) -> None:
    plan = plan_rail_fabric(
        nodes=32 * sus,
        nodes_per_su=32,
        rails=8,
        leaf_radix=64,
        spine_radix=64,
        super_spine_radix=64,
        oversubscription=1.0,
    )
    assert (sus * 8 * plan.leaves_per_rail, plan.spines, plan.super_spines) == (leaves, spines, core)
    assert plan.tiers == (3 if core else 2)
    # cable counts in the table: node-leaf = leaf-spine = spine-core = GPUs
    assert sus * 8 * plan.leaves_per_rail * plan.leaf_uplinks == 32 * sus * 8
    if core:
        assert plan.spines * plan.spine_uplinks == 32 * sus * 8


@pytest.mark.parametrize(("sus", "leaves", "spines", "core"), SUPERPOD[:4])
def test_full_design_matches_superpod_table(tmp_path: Path, sus: int, leaves: int, spines: int, core: int) -> None:
    """The same counts come out of the whole pipeline with a 64 x 400G catalog switch."""
    data = lab_data()
    data["compute"] = {"node_model": "dgx-h100", "scalable_units": sus}
    data["fabrics"]["backend"]["switches"] = {"model": "n9364d-gx2a", "os": "nxos"}
    data["fabrics"]["backend"]["addressing"] = {
        "loopbacks": "10.0.0.0/22",
        "fabric_links": "10.4.0.0/16",
        "gpu": "10.5.0.0/16",
    }
    data["fabrics"]["backend"]["underlay"] = {"asn_pool": {"first": 4200000000, "last": 4200009999}}
    data["fabrics"]["frontend"]["addressing"] = {
        "loopbacks": "10.2.0.0/24",
        "fabric_links": "10.2.4.0/22",
        "host_links": "10.3.0.0/19",
        "hosts": "10.2.16.0/20",
    }
    data["site"]["management"]["network"] = "192.168.0.0/20"
    design = design_from_file(write_spec(tmp_path, data)).design
    count = {role: len(design.devices_by(fabric="backend", role=role)) for role in ("leaf", "spine", "super-spine")}
    assert count == {"leaf": leaves, "spine": spines, "super-spine": core}
    node_leaf = [link for link in design.links if link.fabric == "backend" and link.kind == "node-leaf"]
    leaf_spine = [link for link in design.links if link.kind == "leaf-spine" and link.fabric == "backend"]
    assert len(node_leaf) == len(leaf_spine) == sus * 256


def test_ai_factory_shape() -> None:
    """32k GPUs at 400G on 128-port switches: 512 leaves, 512 spines, 256 super-spines (fabric.md 1.3)."""
    plan = plan_rail_fabric(
        nodes=4096,
        nodes_per_su=64,
        rails=8,
        leaf_radix=128,
        spine_radix=128,
        super_spine_radix=128,
        oversubscription=1.0,
    )
    assert (plan.tiers, 64 * 8, plan.spines, plan.super_spines) == (3, 512, 512, 256)


def test_too_big_for_three_tiers() -> None:
    with pytest.raises(SizingError, match="three tiers are the limit"):
        plan_rail_fabric(
            nodes=200_000,
            nodes_per_su=32,
            rails=8,
            leaf_radix=64,
            spine_radix=64,
            super_spine_radix=64,
            oversubscription=1.0,
        )


@settings(max_examples=300, deadline=None)
@given(
    nodes=st.integers(1, 5000),
    per_su=st.sampled_from([8, 16, 32, 64, 128]),
    rails=st.sampled_from([1, 2, 4, 8]),
    radix=st.sampled_from([32, 64, 128, 256]),
    over=st.sampled_from([1.0, 1.5, 2.0, 3.0]),
)
def test_rail_plan_invariants(nodes: int, per_su: int, rails: int, radix: int, over: float) -> None:
    try:
        p = plan_rail_fabric(
            nodes=nodes,
            nodes_per_su=per_su,
            rails=rails,
            leaf_radix=radix,
            spine_radix=radix,
            super_spine_radix=radix,
            oversubscription=over,
        )
    except SizingError:
        return
    leaves = p.scalable_units * rails * p.leaves_per_rail
    # every node fits, ports fit, uplinks spread evenly, oversubscription honoured
    assert p.scalable_units * p.nodes_per_su >= nodes
    assert p.nodes_per_leaf * p.leaves_per_rail >= p.nodes_per_su
    assert p.nodes_per_leaf + p.leaf_uplinks <= radix
    assert p.leaf_uplinks >= math.ceil(p.nodes_per_leaf / over)
    assert p.leaf_uplinks % p.spines_per_pod == 0
    if p.tiers == 2:
        assert leaves * p.links_per_leaf_spine <= radix * 1
        assert p.spines * radix >= leaves * p.leaf_uplinks
    else:
        leaves_per_pod = p.sus_per_pod * rails * p.leaves_per_rail
        assert leaves_per_pod * p.links_per_leaf_spine <= radix // 2
        assert p.pods * p.links_per_spine_super <= radix
        assert p.spine_uplinks % p.super_spines_per_plane == 0


@settings(max_examples=200, deadline=None)
@given(nodes=st.integers(1, 3000), over=st.sampled_from([1.0, 2.0, 3.0]))
def test_leaf_spine_invariants(nodes: int, over: float) -> None:
    p = plan_leaf_spine(
        nodes=nodes,
        leaf_ports=64,
        down_ways=4,
        up_ways=2,
        down_gbps=200,
        up_gbps=400,
        spine_radix=128,
        oversubscription=over,
    )
    assert p.leaf_pairs * p.nodes_per_pair >= nodes
    assert math.ceil(p.nodes_per_pair / 4) + math.ceil(p.leaf_uplinks / 2) <= 64
    assert p.leaf_uplinks == p.spines * p.links_per_leaf_spine
    assert p.leaf_pairs * 2 * p.links_per_leaf_spine <= 128

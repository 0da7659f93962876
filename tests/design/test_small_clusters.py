"""Clusters of a few nodes: a single-switch back-end and a collapsed front-end (issue 11, section 4).

Each switch OS renders both as the back-end switch and as the front-end pair, the vendors'
own models accept the files, and the parsed configs carry the Design's numbers: every NIC
of every node on the one back-end switch, and the two front-end leaves peering with each
other over their two links.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aiinfra import nos
from aiinfra.catalog import builtin
from aiinfra.errors import SpecError
from aiinfra.pipeline import design_from_file, render_files
from aiinfra.starter.choices import fabric_switch
from tests.parsers.dispatch import parse_rendered
from tests.validators import vendor_problems

LAB = Path(__file__).resolve().parents[2] / "inventories" / "lab" / "cluster.yaml"


def _spec(tmp_path: Path, os: str, nodes: int = 2) -> Path:
    spec = yaml.safe_load(LAB.read_text())
    switch = {"model": fabric_switch(os), "os": os}
    model = builtin().switches[switch["model"]]
    spec["compute"]["nodes"] = nodes
    be = spec["fabrics"]["backend"]
    be["design"], be["switches"] = "single-switch", switch
    fe = spec["fabrics"]["frontend"]
    fe["collapsed"], fe["switches"] = True, switch
    fe["link_speed"] = f"{max(s for s in model.logical_speeds() if s <= 200)}G"
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_two_nodes_get_three_fabric_switches_and_no_advice(tmp_path: Path) -> None:
    result = design_from_file(_spec(tmp_path, "sonic"))
    design = result.design
    fabric = [d for d in design.devices.values() if d.fabric != "oob"]
    roles = sorted((d.fabric, d.role) for d in fabric)
    assert roles == [("backend", "leaf"), ("frontend", "leaf"), ("frontend", "leaf")]
    assert design.backend_tiers == 1
    [switch] = [d for d in fabric if d.fabric == "backend"]
    assert sum(i.role == "host" for i in switch.interfaces) == 2 * design.rails
    assert not any(i.role in ("uplink", "downlink") for i in switch.interfaces)
    assert design.backend_bisection_gbps == 2 * design.rails * 400 // 2
    assert not result.warnings, "the small design is what the advice recommends"


@pytest.mark.slow
@pytest.mark.parametrize("os", nos.names())
def test_every_os_renders_both_and_the_vendors_accept(tmp_path: Path, os: str) -> None:
    result = design_from_file(_spec(tmp_path, os))
    files = render_files(result).files
    assert vendor_problems(files) == []
    text = {p: b.decode() for p, b in files.items() if p.startswith("configs/")}
    design = result.design
    [switch] = [d for d in design.devices.values() if d.fabric == "backend"]
    parsed = parse_rendered(os, switch.name, text)
    hosts = {i.name for i in switch.interfaces if i.role == "host"}
    assert hosts <= set(parsed.interfaces) and len(hosts) == 2 * design.rails
    assert 3 in parsed.nodrop_priorities, "lossless RoCE on the one switch as on a rail leaf"
    a, b = sorted(d.name for d in design.devices.values() if d.fabric == "frontend")
    pa = parse_rendered(os, a, text)
    assert design.devices[b].bgp is not None
    assert set(pa.neighbors.values()) == {design.devices[b].bgp.asn}, "the pair peers with itself only"
    assert len(pa.neighbors) == 2, "over both peer links"


def test_too_many_nodes_for_one_switch_is_a_positioned_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as exc:
        design_from_file(_spec(tmp_path, "sonic", nodes=20))
    [d] = [d for d in exc.value.diagnostics if d.path == "fabrics.backend"]
    assert "single-switch puts every NIC on one switch: 20 nodes x 8 NICs = 160 ports" in d.message
    assert "at most 16 nodes" in d.message and d.line > 0

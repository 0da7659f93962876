"""The catalog, read back from the rendered YAML, against the Design's own cabling and BGP."""

from __future__ import annotations

from typing import Any

import yaml

from aiinfra.design.model import InterfaceRole
from aiinfra.verify.catalog import artefact
from tests.conftest import example

SWITCH_ROLES = {InterfaceRole.HOST, InterfaceRole.UPLINK, InterfaceRole.DOWNLINK}


def _read() -> dict[str, Any]:
    files = artefact(example("lab").design)
    return {path: yaml.safe_load(text) for path, text in files.items()}


def test_lldp_rows_are_the_cabling_plan() -> None:
    design = example("lab").design
    cats = _read()
    expected = set()
    for link in design.links:
        if link.kind in ("leaf-spine", "node-leaf"):
            expected.add((link.b_device, link.b_interface, link.a_device, link.a_interface))
            if link.a_device in design.devices:
                expected.add((link.a_device, link.a_interface, link.b_device, link.b_interface))
    found = {
        (c["device"], r["port"], r["neighbor"], r["neighbor_port"])
        for path, c in cats.items()
        if not path.startswith("verify/anta/") and path != "verify/perf.yml"
        for r in c["lldp"]
    }
    assert expected <= found
    assert len(expected) == 36 * 2 + 40


def test_bgp_rows_carry_the_peer_asn_and_a_prefix_range() -> None:
    design = example("lab").design
    cat = _read()["verify/lab-be-leaf-su001-r1.yml"]
    leaf = design.devices["lab-be-leaf-su001-r1"]
    assert leaf.bgp is not None
    assert [(r["address"], r["asn"]) for r in cat["bgp"]] == [(n.address, n.remote_asn) for n in leaf.bgp.neighbors]
    backend = {p for d in design.devices.values() if d.fabric == "backend" and d.bgp for p in d.bgp.networks}
    for row in cat["bgp"]:
        # a spine originates its loopback; the leaf may learn every back-end prefix but its own
        assert row["prefixes_min"] == 1
        assert row["prefixes_max"] == len(backend) - len(leaf.bgp.networks)


def test_ports_speed_mtu_qos_and_optics_follow_the_design() -> None:
    design = example("lab").design
    cat = _read()["verify/lab-be-leaf-su001-r1.yml"]
    leaf = design.devices["lab-be-leaf-su001-r1"]
    cabled = [i for i in leaf.interfaces if i.enabled and i.peer_device]
    assert [(r["port"], r["speed_gbps"], r["mtu"]) for r in cat["interfaces"]] == [
        (i.name, i.speed_gbps, i.mtu) for i in cabled
    ]
    qos = design.qos["backend"]
    assert cat["qos"]["pfc_priorities"] == [qos.nodrop_priority]
    assert cat["qos"]["ecn_queues"] == [c.tc for c in qos.classes if c.ecn]
    assert cat["qos"]["pfc_watchdog"] is True
    # optics only where the cable is optical: the spine links are SR4 fibre, the host ports copper DAC
    optical = {(link.b_interface) for link in design.links if link.b_device == leaf.name and link.reach != "DAC"}
    optical |= {link.a_interface for link in design.links if link.a_device == leaf.name and link.reach != "DAC"}
    assert set(cat["optics"]["ports"]) == optical and optical


def test_render_is_deterministic() -> None:
    design = example("lab").design
    assert artefact(design) == artefact(design)

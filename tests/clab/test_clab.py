"""The containerlab export (``lab/<name>.clab.yml``), judged by containerlab's own JSON Schema.

The interface checks read each endpoint back with the kinds' documented conventions (written here
independently of the capability rows): a cEOS ``ethX_Y`` is ``EthernetX/Y``, an SR Linux ``eX-Y-Z`` is
``ethernet-X/Y/Z``, and a VM kind's ``ethN`` is the Nth front-panel port of the switch model.
"""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path
from typing import Any

import pytest
import regex
import yaml
from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import ValidationError

from aiinfra.clab import clab_files
from aiinfra.design.model import Design, InterfaceRole
from aiinfra.errors import SpecError
from aiinfra.pipeline import design_from_file
from tests.conftest import ROOT, SMALL_EXAMPLES, example, lab_data, write_spec

SCHEMA = json.loads((ROOT.parent / "shared" / "schemas" / "containerlab" / "clab.schema.json").read_text())


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """JSON Schema patterns are ECMA-262 regular expressions; containerlab's use ``\\p{L}``, which
    Python's ``re`` lacks and the ``regex`` module reads as ECMA-262 does."""
    if isinstance(instance, str) and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


ClabValidator = validators.extend(Draft7Validator, {"pattern": _pattern})
VM_KINDS = {"sonic-vs", "cisco_n9kv", "juniper_vjunosevolved", "juniper_vjunosswitch", "nvidia_cumulusvx"}


def exported(design: Design) -> dict[str, Any]:
    files = clab_files(design)
    assert list(files) == [f"lab/{design.name}.clab.yml"]
    loaded: dict[str, Any] = yaml.safe_load(files[f"lab/{design.name}.clab.yml"])
    return loaded


def driver_name(kind: str, container: str, front: list[str]) -> str:
    """The OS's name of a container-side interface, by the kind's documented convention."""
    if kind == "arista_ceos":
        m = re.fullmatch(r"eth(\d+)(?:_(\d+))?", container)
        assert m, container
        return f"Ethernet{m[1]}/{m[2]}" if m[2] else f"Ethernet{m[1]}"
    if kind == "nokia_srlinux":
        m = re.fullmatch(r"e(\d+)-(\d+)(?:-(\d+))?", container)
        assert m, container
        return f"ethernet-{m[1]}/{m[2]}" + (f"/{m[3]}" if m[3] else "")
    assert kind in VM_KINDS, kind
    m = re.fullmatch(r"eth([1-9]\d*)", container)
    assert m, container
    return front[int(m[1]) - 1]


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_every_example_exports_a_topology_containerlab_accepts(name: str) -> None:
    design = example(name).design
    topo = exported(design)
    errors = sorted(ClabValidator(SCHEMA).iter_errors(topo), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    nodes = topo["topology"]["nodes"]
    assert topo["topology"]["links"], name
    seen: set[str] = set()
    for link in topo["topology"]["links"]:
        for end in link["endpoints"]:
            node, _, ifname = end.partition(":")
            assert node in nodes, f"{end}: no such node"
            assert re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", ifname), end  # a Linux interface name
            assert end not in seen, f"{end} cabled twice"
            seen.add(end)


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_links_map_back_to_the_designs_cables(name: str) -> None:
    design = example(name).design
    topo = exported(design)
    nodes = topo["topology"]["nodes"]
    fronts = {
        d.name: [
            i.name
            for i in sorted(d.interfaces, key=lambda i: (i.physical_port, i.breakout_member))
            if i.role != InterfaceRole.MGMT
        ]
        for d in design.devices.values()
    }

    def back(end: str) -> tuple[str, str]:
        node, _, ifname = end.partition(":")
        kind = nodes[node]["kind"]
        return node, ifname if kind == "linux" else driver_name(kind, ifname, fronts[node])

    cables = {frozenset({(lk.a_device, lk.a_interface), (lk.b_device, lk.b_interface)}) for lk in design.links}
    for link in topo["topology"]["links"]:
        assert frozenset(back(e) for e in link["endpoints"]) in cables, link
    assert design.containerlab is not None
    assert len(topo["topology"]["links"]) == len(design.containerlab.links)


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_containers_carry_the_designs_addresses_and_configs(name: str) -> None:
    design = example(name).design
    topo = exported(design)
    subnet = ipaddress.ip_network(topo["mgmt"]["ipv4-subnet"])
    assert str(subnet) == design.mgmt_network
    mgmt = [n["mgmt-ipv4"] for n in topo["topology"]["nodes"].values()]
    assert len(set(mgmt)) == len(mgmt)
    assert all(ipaddress.ip_address(a) in subnet for a in mgmt)
    by_node = {n.name: n for n in design.nodes}
    for host, node in topo["topology"]["nodes"].items():
        if node["kind"] != "linux":
            device = design.devices[host]
            assert node["mgmt-ipv4"] == device.mgmt_address.split("/")[0]
            assert node["startup-config"].startswith(f"../configs/{host}.")
            continue
        added = {line.split()[3]: line.split()[5] for line in node["exec"] if line.startswith("ip address add")}
        n = by_node[host]
        nics = {nic.address: nic.netdev for nic in (*n.backend, *n.frontend, *n.storage)}
        assert {a: d for a, d in added.items() if d != "lo"} == {a: d for a, d in nics.items() if a in added}
        assert {nic.address for nic in by_node[host].backend} <= set(added)


def test_the_export_is_deterministic() -> None:
    design = example("lab").design
    assert clab_files(design) == clab_files(design)


def test_startup_configs_are_files_render_writes() -> None:
    from aiinfra.pipeline import render_files

    result = example("lab")
    rendered = set(render_files(result).files)
    topo = exported(result.design)
    for node in topo["topology"]["nodes"].values():
        if "startup-config" in node:
            assert "lab/" + node["startup-config"].removeprefix("../") not in rendered
            assert node["startup-config"].removeprefix("../") in rendered
    assert f"lab/{result.design.name}.clab.yml" in rendered


def design_with(tmp_path: Path, example_data: dict[str, Any]) -> Design:
    return design_from_file(write_spec(tmp_path, example_data)).design


@pytest.mark.slow
def test_su_scope_holds_one_su_and_its_spines(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "inventories" / "superpod-4su" / "cluster.yaml").read_text())
    data["containerlab"] = {"scope": "su:2"}
    for extra in (ROOT / "inventories" / "superpod-4su").glob("*.csv"):
        (tmp_path / extra.name).write_text(extra.read_text())
    design = design_with(tmp_path, data)
    assert design.containerlab is not None and design.containerlab.scope == "su:2"
    topo = exported(design)
    assert ClabValidator(SCHEMA).is_valid(topo)
    nodes = topo["topology"]["nodes"]
    linux = [n for n, v in nodes.items() if v["kind"] == "linux"]
    assert linux and all(next(x for x in design.nodes if x.name == n).su == 2 for n in linux)
    switches = [design.devices[n] for n in nodes if n not in linux]
    assert {d.role for d in switches} <= {"leaf", "spine"}
    assert all(d.su in (2, None) for d in switches if d.role == "leaf" and d.fabric == "backend")
    every_uplink = {
        (lk.a_device, lk.b_device) for lk in design.links if lk.kind == "leaf-spine" and lk.a_device in nodes
    }
    in_lab = {tuple(e.partition(":")[0] for e in lk["endpoints"]) for lk in topo["topology"]["links"]}
    assert every_uplink <= in_lab


def test_auto_scope_falls_back_to_su_1_above_the_limit(tmp_path: Path) -> None:
    data = lab_data()
    data["containerlab"] = {"max_containers": 10}
    design = design_with(tmp_path, data)
    assert design.containerlab is not None
    assert (design.containerlab.requested, design.containerlab.scope) == ("auto", "su:1")
    assert example("lab").design.containerlab.scope == "full"  # type: ignore[union-attr]


def test_images_and_kinds_are_spec_settings(tmp_path: Path) -> None:
    data = lab_data()
    data["containerlab"] = {
        "images": {"eos": "registry.example/ceos:4.32.2F"},
        "kinds": {"junos": "juniper_vjunosswitch"},
    }
    nodes = exported(design_with(tmp_path, data))["topology"]["nodes"]
    assert nodes["lab-fe-spine-01"]["image"] == "registry.example/ceos:4.32.2F"
    assert nodes["lab-fe-leaf-01a"]["kind"] == "juniper_vjunosswitch"
    assert nodes["lab-be-spine-01"]["image"] == "vrnetlab/cisco_n9kv:10.5.2.F"  # the driver's default, as a tag


@pytest.mark.parametrize(
    ("setting", "field", "needle"),
    [
        ({"scope": "su:3"}, "containerlab.scope", "the cluster has 1 scalable unit"),
        ({"kinds": {"eos": "nokia_srlinux"}}, "containerlab.kinds", "valid: arista_ceos"),
        ({"scope": "rack:1"}, "containerlab.scope", "pattern"),
    ],
)
def test_bad_settings_are_refused_at_validate(tmp_path: Path, setting: dict[str, Any], field: str, needle: str) -> None:
    data = lab_data()
    data["containerlab"] = setting
    with pytest.raises(SpecError) as err:
        design_with(tmp_path, data)
    found = [(d.path, d.line, d.message) for d in err.value.diagnostics]
    assert any(p.startswith(field) and line > 0 and needle in m for p, line, m in found), found

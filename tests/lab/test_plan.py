"""The lab's pure parts, no root needed: names, cabling plan, predictions, the SONiC
personality's commands, the inventory override layer and the verify report."""

from __future__ import annotations

import json
import re
from collections import Counter
from ipaddress import IPv4Interface
from pathlib import Path
from typing import Any

import pytest

from aiinfra.lab import expect, inventory, names, sonic, sonic_checks
from aiinfra.lab.errors import LabError
from aiinfra.lab.expect import Failures
from aiinfra.lab.topology import FABRIC_KINDS, plan_lab
from aiinfra.lab.verify import Check, Report
from aiinfra.nos.sonic import render as sonic_render
from tests.conftest import example

LAB = "lab"


@pytest.fixture(scope="module")
def design():  # type: ignore[no-untyped-def]
    return example(LAB).design


@pytest.fixture(scope="module")
def plan(design):  # type: ignore[no-untyped-def]
    return plan_lab(design, "t9")


@pytest.mark.parametrize(
    ("design_name", "expected"),
    [
        ("Ethernet16", "ab12Ethernet16"),
        ("Ethernet1/1/1", "ab12Eth1-1-1"),
        ("et-0/0/1:0", "ab12et-0-0-1_0"),
        ("re0:mgmt-0", "ab12re0_mgmt-0"),
        ("Management1", "ab12Management1"),
        ("Management10", "ab12Mgmt10"),
    ],
)
def test_ifnames_are_shortened_by_rule(design_name: str, expected: str) -> None:
    assert names.ifname("ab12", design_name) == expected


def test_ifnames_fit_linux_and_stay_distinct_and_stable(design) -> None:  # type: ignore[no-untyped-def]
    all_names = {i.name for d in design.devices.values() for i in d.interfaces}
    all_names |= {n.netdev for node in design.nodes for n in [*node.backend, *node.frontend]}
    mapped = {n: names.ifname("ab12", n) for n in all_names}
    assert all(len(v) <= 15 and v.startswith("ab12") for v in mapped.values())
    assert all(not re.search(r"[/:\s]", v) for v in mapped.values())
    assert len(set(mapped.values())) == len(mapped)
    assert mapped == {n: names.ifname("ab12", n) for n in all_names}


def test_long_names_get_a_hash_not_a_collision() -> None:
    a, b = names.ifname("ab12", "enp170s0f0np0"), names.ifname("ab12", "enp170s0f1np0")
    assert a != b and len(a) == len(b) == 15


def test_lab_id_is_derived_from_the_spec_path_or_validated(tmp_path: Path) -> None:
    spec = tmp_path / "cluster.yaml"
    assert names.lab_id_for(spec) == names.lab_id_for(spec) != names.lab_id_for(tmp_path / "other.yaml")
    assert names.lab_id_for(spec, "ci") == "ci"
    with pytest.raises(LabError, match="1-4 characters"):
        names.lab_id_for(spec, "Bad-Id")


def test_every_cable_becomes_one_veth_pair(design, plan) -> None:  # type: ignore[no-untyped-def]
    kinds = Counter(c.kind for c in plan.cables)
    assert kinds["mgmt"] + kinds["oob-uplink"] + sum(kinds[k] for k in FABRIC_KINDS) == len(design.links)
    # Only the OOB switch's own management port is not cabled in the design.
    assert kinds["mgmt-direct"] == 1
    assert {c.a.device for c in plan.cables if c.kind == "mgmt-direct"} == {"lab-oob-01"}


def test_names_carry_the_lab_id(plan) -> None:  # type: ignore[no-untyped-def]
    assert all(ns.startswith(("aiinfra-t9-", "aiinfra-t9.")) for ns in plan.namespaces())
    assert all(p.ifname.startswith("t9") for c in plan.cables for p in (c.a, c.b))
    assert all(sw.pathspace.startswith("aiinfra-t9-") for sw in plan.switches.values())


def test_ports_get_the_design_mtu_and_sonic_ports_wait_for_config_db(design, plan) -> None:  # type: ignore[no-untyped-def]
    for cable in plan.cables:
        if cable.kind != "leaf-spine":
            continue
        for port in (cable.a, cable.b):
            device = design.devices[port.device]
            iface = next(i for i in device.interfaces if i.name == port.design_name)
            assert port.mtu == (1500 if device.os == "sonic" else iface.mtu)
    node = plan.nodes["lab-gpu-001"]
    assert [(nic.address, port.mtu) for nic, port in node.nics][:1] == [("10.1.0.1/31", 9000)]


def test_management_lan_reaches_every_switch_through_the_oob_switch(design, plan) -> None:  # type: ignore[no-untyped-def]
    assert plan.controller_address == "192.168.0.1/24"
    oob_bridge = next(b for b in plan.bridges if b.namespace.endswith("lab-oob-01"))
    mgmt_ports = {c.b.ifname for c in plan.cables if c.kind == "mgmt"}
    assert mgmt_ports <= set(oob_bridge.members)
    addresses = {IPv4Interface(sw.mgmt.address).ip for sw in plan.switches.values()}
    assert len(addresses) == len(design.devices)


def test_predictions_without_failures(design) -> None:  # type: ignore[no-untyped-def]
    exp = expect.expectations(design, Failures())
    assert len(exp.sessions) == 72 and all(s.live for s in exp.sessions)
    backend = {leaf: set(p.values()) for leaf, p in exp.ecmp.items() if leaf.startswith("lab-be")}
    assert backend == {leaf: {4} for leaf in backend} and len(backend) == 8
    assert {tuple(set(p.values())) for leaf, p in exp.ecmp.items() if leaf.startswith("lab-fe")} == {(2,)}
    same = [p for p in exp.probes if p.kind == "same-rail"]
    cross = [p for p in exp.probes if p.kind == "cross-rail"]
    assert len(same) == len(cross) == 4 * 8 * 3
    assert {p.switch_hops for p in same} == {1} and {(p.switch_hops, p.via_tier) for p in cross} == {(3, 1)}


def test_a_failed_spine_link_costs_its_leaf_one_path_and_two_sessions(design) -> None:  # type: ignore[no-untyped-def]
    ends = frozenset({("lab-be-leaf-su001-r1", "Ethernet256"), ("lab-be-spine-01", "Ethernet1/1/1")})
    exp = expect.expectations(design, Failures(ends=ends))
    assert sorted((s.device, s.address) for s in exp.sessions if not s.live) == [
        ("lab-be-leaf-su001-r1", "10.0.1.0"),
        ("lab-be-spine-01", "10.0.1.1"),
    ]
    assert set(exp.ecmp["lab-be-leaf-su001-r1"].values()) == {3}
    assert set(exp.ecmp["lab-be-leaf-su001-r2"].values()) == {4}
    assert len(exp.probes) == 192


def test_a_failed_spine_halves_every_leafs_paths(design) -> None:  # type: ignore[no-untyped-def]
    exp = expect.expectations(design, Failures(switches=frozenset({"lab-be-spine-01"})))
    assert all(set(exp.ecmp[leaf].values()) == {2} for leaf in exp.ecmp if leaf.startswith("lab-be"))


def test_a_failed_leaf_takes_its_rail_nics_and_prefixes_out(design) -> None:  # type: ignore[no-untyped-def]
    exp = expect.expectations(design, Failures(switches=frozenset({"lab-be-leaf-su001-r2"})))
    r2_prefixes = {p for p in exp.ecmp["lab-be-leaf-su001-r1"] if exp.ecmp["lab-be-leaf-su001-r1"][p] == 0}
    leaf = design.devices["lab-be-leaf-su001-r2"]
    hosts = {i.address for i in leaf.interfaces if i.role == "host"}  # the rail-2 /31 of each of the 4 nodes
    assert len(hosts) == 4 and r2_prefixes == {leaf.loopback, *hosts}
    assert all(p.src.index != 2 and p.dst.index != 2 for p in exp.probes)


def test_sonic_personality_replaces_ports_and_addresses() -> None:
    config_db = {
        "PORT": {"Ethernet0": {"mtu": "9216", "admin_status": "up"}, "Ethernet4": {"admin_status": "down"}},
        "INTERFACE": {"Ethernet0": {}, "Ethernet0|10.1.0.0/31": {}},
        "LOOPBACK_INTERFACE": {"Loopback0": {}, "Loopback0|10.0.0.2/32": {}},
    }
    ports = {"Ethernet0": "k0", "Ethernet4": "k4", "Ethernet8": "k8"}
    assert sonic.port_commands(config_db, ports) == [
        "address flush dev k0",
        "link set dev k0 mtu 9216",
        "address add 10.1.0.0/31 dev k0",
        "link set dev k0 up",
        "address flush dev k4",
        "link set dev k4 mtu 9100",
        "link set dev k4 down",
        "address flush dev k8",
        "link set dev k8 down",
    ]
    assert sonic.loopback_commands(config_db, ["10.9.9.9/32"]) == [
        "address del 10.9.9.9/32 dev lo",
        "address add 10.0.0.2/32 dev lo",
    ]
    assert sonic.loopback_commands(config_db, ["10.0.0.2/32"]) == []


def test_sonic_personality_refuses_other_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    me = tmp_path / "sonic.json"
    me.write_text(json.dumps({"namespace": "x"}))
    assert sonic.main([str(me), "config", "save"]) == 2
    assert "usage" in capsys.readouterr().err


def lab_config_db() -> dict[str, Any]:
    r = example(LAB)
    leaf = next(d for d in r.design.devices.values() if d.os == "sonic")
    return json.loads(sonic_render.config_db(leaf, r.design))


def test_sonic_personality_accepts_every_rendered_lab_config() -> None:
    r = example(LAB)
    leaves = [d for d in r.design.devices.values() if d.os == "sonic"]
    assert leaves
    for d in leaves:
        assert sonic_checks.buffer_problems(json.loads(sonic_render.config_db(d, r.design))) == []


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda db: db.pop("BUFFER_POOL"), "names no sized ingress BUFFER_POOL"),
        (lambda db: [p.pop("size") for p in db["BUFFER_PROFILE"].values()], "has no size"),
        (lambda db: [p.pop("xoff", None) for p in db["BUFFER_PROFILE"].values()], "has no xoff"),
        (lambda db: db.pop("BUFFER_PG"), "PG 3: no BUFFER_PG row"),
        (lambda db: db.pop("BUFFER_QUEUE"), "queue 3: no BUFFER_QUEUE row"),
        (lambda db: db.pop("CABLE_LENGTH"), "no CABLE_LENGTH"),
        (lambda db: db["DEVICE_METADATA"]["localhost"].pop("buffer_model"), "buffer_model is None"),
    ],
)
def test_sonic_personality_refuses_incomplete_buffers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], breakage: Any, message: str
) -> None:
    """Before: BUFFER_PROFILE rows with only pool and xoff, no BUFFER_POOL, no queues, no cable lengths."""
    db = lab_config_db()
    breakage(db)
    assert any(message in p for p in sonic_checks.buffer_problems(db)), sonic_checks.buffer_problems(db)
    me = tmp_path / "sonic.json"
    me.write_text(json.dumps({"namespace": "never-touched", "config_db": str(tmp_path / "config_db.json")}))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(db))
    assert sonic.main([str(me), "config", "reload", "-y", str(broken)]) == 1
    assert "would not be lossless" in capsys.readouterr().err


def test_sonic_personality_starts_bfdd_only_in_frr_mgmt_framework_mode() -> None:
    db = lab_config_db()
    assert db["DEVICE_METADATA"]["localhost"]["frr_mgmt_framework_config"] == "true"
    assert "bfdd" in sonic_checks.daemons(db)
    del db["DEVICE_METADATA"]["localhost"]["frr_mgmt_framework_config"]
    assert "bfdd" not in sonic_checks.daemons(db) and "bgpd" in sonic_checks.daemons(db)


ALLOWED_KEYS = {
    # how to reach the switch
    "ansible_host", "ansible_connection", "ansible_user", "ansible_become", "ansible_network_os",
    "ansible_ssh_private_key_file", "ansible_ssh_common_args", "ansible_ssh_pipelining",
    "ansible_python_interpreter", "aiinfra_frr_pathspace",
    # where things are
    "ansible_remote_tmp", "ansible_async_dir", "aiinfra_build_dir", "aiinfra_config", "aiinfra_extra_configs",
    "aiinfra_frr_confdir", "aiinfra_frr_candidate", "aiinfra_frr_conf", "aiinfra_frr_rundir",
    "aiinfra_sonic_config_db", "aiinfra_sonic_frr_conf",
    # the lab's own lldpd and kernel port names, for playbooks/verify.yml
    "aiinfra_lldpd_socket", "aiinfra_verify_ifnames",
}  # fmt: skip


def test_inventory_layer_overrides_only_connection_details_and_paths(plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for sw in plan.switches.values():
        data = inventory.overrides(sw, inventory.switch_dirs(tmp_path, sw.name), tmp_path, tmp_path / "render",
                                   tmp_path / f"{sw.name}.frr.conf")  # fmt: skip
        assert set(data) <= ALLOWED_KEYS
        assert data["ansible_host"] == str(IPv4Interface(sw.mgmt.address).ip)
        assert ("ansible_network_os" in data) == (not sw.sonic)
        assert all(str(v).startswith(str(tmp_path)) for k, v in data.items() if k.endswith(("_dir", "_tmp", "_conf")))


def test_secrets_are_generated_for_every_reference(tmp_path: Path) -> None:
    configs = tmp_path / "render" / "configs"
    configs.mkdir(parents=True)
    (configs / "a.cfg").write_text('key "{{ vault_tacacs_key }}" and {{vault_snmp_auth}}')
    path = inventory.write_secrets(tmp_path / "render", tmp_path)
    text = path.read_text()
    assert "vault_tacacs_key: lab-" in text and "vault_snmp_auth: lab-" in text


def test_report_lists_each_failed_check() -> None:
    report = Report([Check("BGP sessions", "a -> b", True), Check("BGP sessions", "a -> c", False, "Active")])
    text = report.render()
    assert not report.ok
    assert "FAIL  BGP sessions: 1/2" in text and "a -> c: Active" in text and "FAILED" in text


def test_missing_root_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    from aiinfra.lab import requirements

    monkeypatch.setattr(requirements.os, "geteuid", lambda: 1000)
    assert any("needs root" in reason for reason in requirements.missing())


def test_cli_reports_bad_input_in_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from aiinfra.lab import cli, requirements

    monkeypatch.setattr(requirements, "missing", lambda: [])
    parser = argparse.ArgumentParser(prog="aiinfra")
    cli.add_parser(parser.add_subparsers(dest="command", required=True))
    assert cli.run(parser.parse_args(["lab", "verify", "/nonexistent/cluster.yaml"])) == 1
    assert capsys.readouterr().err.strip() == "aiinfra lab: /nonexistent/cluster.yaml: no such spec file"


def test_fail_targets_must_name_a_cabled_end_or_a_switch() -> None:
    from aiinfra.lab import context, fail

    ctx = context.load(Path(__file__).resolve().parents[2] / "inventories" / LAB / "cluster.yaml", "t9")
    assert fail.resolve(ctx, "lab-be-spine-01").kind == "switch"
    assert len(fail.resolve(ctx, "lab-be-spine-01").ports) == 16
    link = fail.resolve(ctx, "lab-be-leaf-su001-r1:Ethernet256")
    assert link.kind == "link" and link.ports == [["aiinfra-t9-lab-be-leaf-su001-r1", "t9Ethernet256"]]
    with pytest.raises(LabError, match="no cabled fabric link has the end"):
        fail.resolve(ctx, "lab-be-spine-01:Ethernet9/9")
    with pytest.raises(LabError, match="neither a switch"):
        fail.resolve(ctx, "no-such-switch")

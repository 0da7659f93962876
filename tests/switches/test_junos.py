"""Junos renderer: every rendered config is parsed back and checked against the Design.

The checks read what the switch would do (aiinfra/nos/junos/parser.py follows the
port -> profile -> forwarding class -> queue references), so a config that
names the right things but wires them wrong fails here, not on a lab switch.
"""

from __future__ import annotations

import dataclasses
import os
import re
from functools import cache
from pathlib import Path

import pytest

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design, Device
from aiinfra.nos.common import config_files
from aiinfra.nos.junos import render as junos
from aiinfra.nos.junos.parser import parse_switch, read_switch
from aiinfra.nos.junos.syntax import JunosSyntaxError, Node, dump, leaf, parse, section, statements
from aiinfra.nos.parsed import ParsedSwitch
from aiinfra.pipeline import design_from_file

ROOT = Path(__file__).resolve().parents[2]
SPECS = {
    "lab": ROOT / "inventories" / "lab" / "cluster.yaml",
    **{p.stem: p for p in sorted((ROOT / "tests" / "switches" / "specs").glob("junos-*.yaml"))},
}
GOLDEN = ROOT / "tests" / "golden" / "lab"
FABRIC_LINKS = ("leaf-spine", "spine-super-spine")
SECRET_KEYWORDS = ("secret", "authentication-password", "privacy-password", "encrypted-password")


@dataclasses.dataclass
class Rendered:
    design: Design
    catalog: Catalog
    devices: list[Device]  # the Junos switches
    files: dict[str, dict[str, str]]  # device -> path -> text
    text: dict[str, str]
    trees: dict[str, list[Node]]
    parsed: dict[str, ParsedSwitch]


@cache
def rendered(spec: str) -> Rendered:
    result = design_from_file(SPECS[spec])
    design, catalog = result.design, result.catalog
    devices = [d for d in design.devices.values() if d.os == "junos"]
    files = {d.name: junos.render(d, design) for d in devices}
    text = {name: next(iter(out.values())) for name, out in files.items()}
    trees = {name: parse(t) for name, t in text.items()}
    parsed = {name: read_switch(trees[name], text[name]) for name in text}
    return Rendered(design, catalog, devices, files, text, trees, parsed)


def tree(spec: str, device: str) -> list[Node]:
    return rendered(spec).trees[device]


def test_specs_cover_every_junos_role() -> None:
    roles = {(d.fabric, d.role, d.load_balancing) for spec in SPECS for d in rendered(spec).devices}
    for needed in [
        ("backend", "leaf", "flowlet"),
        ("backend", "spine", "flowlet"),
        ("backend", "leaf", "per-packet"),
        ("backend", "spine", "per-packet"),
        ("backend", "super-spine", "per-packet"),
        ("frontend", "leaf", "ecmp"),
        ("frontend", "spine", "ecmp"),
        ("storage", "leaf", "ecmp"),
        ("storage", "spine", "ecmp"),
        ("oob", "oob", "ecmp"),
    ]:
        assert needed in roles
    assert rendered("junos-per-packet").design.backend_tiers == 3


@pytest.mark.parametrize("spec", SPECS)
def test_one_file_per_switch_at_the_inventory_path(spec: str) -> None:
    r = rendered(spec)
    assert r.devices
    for d in r.devices:
        assert list(r.files[d.name]) == config_files(d)
        head = r.text[d.name].splitlines()[:5]
        assert any(f"Junos OS Evolved {d.os_release}" in line for line in head)
        assert r.parsed[d.name].hostname == d.name


@pytest.mark.parametrize("spec", SPECS)
def test_parser_round_trips_every_config(spec: str) -> None:
    r = rendered(spec)
    for name, text in r.text.items():
        assert dump(r.trees[name]) == text, name


@pytest.mark.parametrize(
    "broken",
    [
        "system {\n    host-name a;\n",
        "system {\n    host-name a;\n}\n}\n",
        "system {\n    host-name a\n}\n",
        'system {\n    login {\n        message "never closed;\n    }\n}\n',
        "/* open comment\nsystem {\n}\n",
        "policy-options {\n    prefix-list X [ a b;\n}\n",
        "interfaces {\n    ;\n}\n",
        "{\n}\n",
    ],
)
def test_parser_rejects_malformed_text(broken: str) -> None:
    with pytest.raises(JunosSyntaxError):
        parse(broken)


def round_trips(text: str) -> bool:
    try:
        return dump(parse(text)) == text
    except JunosSyntaxError:
        return False


@pytest.mark.parametrize("statement", ["autonomous-system 4201000000", "host-name lab-fe-leaf-01a", "disable"])
def test_round_trip_catches_a_dropped_semicolon_in_a_real_config(statement: str) -> None:
    """A lost ';' can still nest validly (it glues onto the next statement); the layout shows it."""
    text = rendered("lab").text["lab-fe-leaf-01a"]
    assert f" {statement};\n" in text
    assert not round_trips(text.replace(f" {statement};\n", f" {statement}\n", 1))


@pytest.mark.parametrize("spec", SPECS)
def test_roce_ports_pause_exactly_the_nodrop_priority_and_mark_ecn(spec: str) -> None:
    r = rendered(spec)
    for d in r.devices:
        p = r.parsed[d.name]
        roce = [i for i in d.interfaces if i.lossless]
        assert bool(roce) == (d.qos is not None), d.name
        for i in d.interfaces:
            got = p.interfaces[i.name]
            if i.lossless:
                assert d.qos is not None
                assert got.pfc_priorities == {d.qos.nodrop_priority}, (d.name, i.name)
                assert got.ecn_on_roce_queue and got.trust_dscp, (d.name, i.name)
                assert got.mtu == i.mtu
            else:
                assert got.pfc_priorities == set() and not got.ecn_on_roce_queue, (d.name, i.name)


@pytest.mark.parametrize("spec", SPECS)
def test_qos_classes_ecn_and_watchdog_match_the_design(spec: str) -> None:
    r = rendered(spec)
    for d in r.devices:
        p = r.parsed[d.name]
        qos = d.qos
        if qos is None:
            assert section(tree(spec, d.name), "class-of-service") is None
            continue
        roce_tc = next(c.tc for c in qos.classes if c.lossless)
        cnp_tc = next(c.tc for c in qos.classes if c.scheduling == "strict")
        assert p.dscp_to_tc == {**dict.fromkeys(qos.roce_dscps, roce_tc), qos.cnp_dscp: cnp_tc}
        assert p.nodrop_priorities == {qos.nodrop_priority}
        assert p.strict_priority_tcs == {cnp_tc}
        vendor_fill = r.catalog.os["junos"].ecn_fill_pct
        assert (p.ecn_min_fill_pct, p.ecn_max_fill_pct, p.ecn_max_probability) == (
            *vendor_fill,
            qos.ecn.max_probability_pct,
        )
        assert p.pfc_watchdog == qos.pfc_watchdog.enabled
        assert p.pfc_watchdog_ms == (
            qos.pfc_watchdog.detection_ms,
            qos.pfc_watchdog.restoration_ms,
            qos.pfc_watchdog.poll_ms,
        )


@pytest.mark.parametrize("spec", SPECS)
def test_a_bgp_neighbor_for_every_fabric_link_with_the_far_end_address_and_asn(spec: str) -> None:
    r = rendered(spec)
    junos_names = {d.name for d in r.devices}
    expected: dict[str, dict[str, int]] = {name: {} for name in junos_names}
    for link in r.design.links:
        if link.kind not in FABRIC_LINKS:
            continue
        for here, there, there_if in (
            (link.a_device, link.b_device, link.b_interface),
            (link.b_device, link.a_device, link.a_interface),
        ):
            if here in junos_names:
                far = r.design.devices[there]
                far_if = next(i for i in far.interfaces if i.name == there_if)
                assert far.bgp is not None and far_if.address
                expected[here][far_if.address.split("/")[0]] = far.bgp.asn
    assert any(expected.values())
    for d in r.devices:
        p = r.parsed[d.name]
        assert p.neighbors == expected[d.name], d.name
        if d.bgp is None:
            continue
        assert p.asn == d.bgp.asn
        assert p.bfd_neighbors == (set(p.neighbors) if d.bgp.bfd else set())


@pytest.mark.parametrize("spec", SPECS)
def test_loopbacks_are_the_designs_and_unique(spec: str) -> None:
    r = rendered(spec)
    loopbacks = [r.parsed[d.name].loopback for d in r.devices if d.bgp]
    assert loopbacks and len(set(loopbacks)) == len(loopbacks)
    others = {d.loopback for d in r.design.devices.values() if d.os != "junos"}
    for d in r.devices:
        assert r.parsed[d.name].loopback == d.loopback
        assert d.loopback is None or d.loopback not in others


@pytest.mark.parametrize("spec", SPECS)
def test_dlb_mode_is_the_requested_one(spec: str) -> None:
    r = rendered(spec)
    for d in r.devices:
        assert r.parsed[d.name].load_balancing == d.load_balancing
    backend = {d.load_balancing for d in r.devices if d.fabric == "backend"}
    wanted = {"junos-flowlet": {"flowlet"}, "junos-per-packet": {"per-packet"}, "lab": set()}
    assert backend == wanted[spec]


@pytest.mark.parametrize("spec", SPECS)
def test_management_acl_is_exactly_the_allowed_cidrs(spec: str) -> None:
    r = rendered(spec)
    for d in r.devices:
        assert r.parsed[d.name].acl_cidrs == set(r.design.management.allowed_cidrs)


@pytest.mark.parametrize("spec", SPECS)
def test_re_filter_admits_bgp_and_bfd_only_from_the_fabric_peers(spec: str) -> None:
    r = rendered(spec)
    for d in r.devices:
        t = tree(spec, d.name)
        peers = statements(section(t, "policy-options", "prefix-list", "BGP-PEERS"))
        want = {f"{n.address}/32" for n in d.bgp.neighbors} if d.bgp else set()
        assert {str(s.words[0]) for s in peers} == want
        terms = section(t, "firewall", "family", "inet", "filter", "PROTECT-RE")
        for name in ("BGP", "BFD"):
            term = section(terms, "term", name, "from", "source-prefix-list")
            assert (term is not None) == bool(d.bgp)


@pytest.mark.parametrize("spec", SPECS)
def test_no_secret_value_only_ansible_expressions(spec: str) -> None:
    r = rendered(spec)
    mgmt = r.design.management
    expressions = {s.key for s in mgmt.aaa_servers}
    expressions |= {k for u in mgmt.snmp_users for k in (u.auth_key, u.priv_key)}
    expressions |= {u.password_hash for u in mgmt.users if u.password_hash}
    pattern = re.compile(r"^\s*(" + "|".join(SECRET_KEYWORDS) + r') "(.*)";$')
    for name, text in r.text.items():
        found = set()
        for line in text.splitlines():
            m = pattern.match(line)
            if m:
                assert re.fullmatch(r"\{\{ .+ \}\}", m.group(2)), (name, line)
                found.add(m.group(2))
        assert found == expressions, name
        assert not re.search(r"\$[1-9]\$", text), name
        assert set(re.findall(r"\{\{.*?\}\}", text)) == expressions, name


@pytest.mark.parametrize("spec", SPECS)
def test_unused_ports_are_disabled_and_used_ports_addressed(spec: str) -> None:
    r = rendered(spec)
    assert any(not i.enabled for d in r.devices for i in d.interfaces)
    for d in r.devices:
        p = r.parsed[d.name]
        for i in d.interfaces:
            got = p.interfaces[i.name]
            assert got.shutdown == (not i.enabled), (d.name, i.name)
            assert got.description == i.description
            assert got.address == i.address


@pytest.mark.parametrize("spec", SPECS)
def test_breakouts_are_configured_on_the_parent_port(spec: str) -> None:
    r = rendered(spec)
    for d in r.devices:
        ifaces = section(tree(spec, d.name), "interfaces")
        for port in d.physical_ports:
            members = [i.name for i in d.interfaces if i.physical_port == port.number]
            if port.ways == 1:
                assert all(":" not in m for m in members)
                continue
            parent = section(ifaces, members[0].split(":")[0])
            assert leaf(parent, "number-of-sub-ports") == [str(port.ways)]
            assert leaf(parent, "speed") == [f"{port.speed_gbps}g"]
            assert len(members) == port.ways


@pytest.mark.parametrize("spec", SPECS)
def test_management_plane(spec: str) -> None:
    r = rendered(spec)
    mgmt = r.design.management
    for d in r.devices:
        t = tree(spec, d.name)
        system = section(t, "system")
        assert any(s.keys == ["management-instance"] for s in statements(system))
        assert r.parsed[d.name].interfaces[d.mgmt_interface].address == d.mgmt_address
        route = leaf(section(t, "routing-instances", "mgmt_junos", "routing-options", "static"), "route")
        assert [str(w) for w in route or []] == ["0.0.0.0/0", "next-hop", d.mgmt_gateway]
        assert leaf(section(system, "services", "ssh"), "root-login") == ["deny"]
        # SSH and NETCONF for people and the deploy; the gRPC server for gNMI (tests/switches/test_telemetry.py)
        assert {s.keys[0] for s in statements(section(system, "services"))} == {"ssh", "netconf", "extension-service"}
        assert r.parsed[d.name].ntp_servers == set(mgmt.ntp)
        assert leaf(system, "time-zone") == [mgmt.timezone]
        users = {str(s.words[1]) for s in statements(section(system, "login")) if s.words[0] == "user"}
        assert users == {u.name for u in mgmt.users}
        aaa = {"tacacs": "tacplus-server", "radius": "radius-server"}[mgmt.aaa_protocol or "tacacs"]
        servers = {str(s.words[0]) for s in statements(section(system, aaa))}
        assert servers == {s.address for s in mgmt.aaa_servers}
        assert section(t, "snmp", "v3", "usm", "local-engine") is not None


def test_oob_switch_is_a_layer2_access_switch() -> None:
    r = rendered("junos-flowlet")
    oob = [d for d in r.devices if d.role == "oob"]
    assert oob
    for d in oob:
        t = tree("junos-flowlet", d.name)
        for i in d.interfaces:
            if not i.enabled:
                continue
            eth = section(t, "interfaces", i.name, "unit", "0", "family", "ethernet-switching")
            assert leaf(eth, "interface-mode") == ["access"]
            assert leaf(section(eth, "vlan"), "members") == ["default"]
        assert section(t, "protocols", "bgp") is None and section(t, "class-of-service") is None


def test_parse_back_sees_a_miswired_pfc_queue_and_a_missing_ecn() -> None:
    text = rendered("junos-flowlet").text["jfl-be-leaf-su001-r1"]
    assert "flow-control-queue 3;" in text and "explicit-congestion-notification;" in text
    p = parse_switch(text.replace("flow-control-queue 3;", "flow-control-queue 4;"))
    assert all(not i.pfc_priorities for i in p.interfaces.values())
    p = parse_switch(text.replace("            explicit-congestion-notification;\n", ""))
    assert all(not i.ecn_on_roce_queue for i in p.interfaces.values())
    assert p.ecn_min_fill_pct is None


def test_rendering_is_deterministic() -> None:
    result = design_from_file(SPECS["junos-flowlet"])
    again = design_from_file(SPECS["junos-flowlet"])
    for name, text in rendered("junos-flowlet").text.items():
        assert next(iter(junos.render(result.design.devices[name], result.design).values())) == text
        assert next(iter(junos.render(again.design.devices[name], again.design).values())) == text


def test_lab_configs_match_the_golden_files() -> None:
    r = rendered("lab")
    update = os.environ.get("AIINFRA_UPDATE_GOLDEN") == "1"
    for d in r.devices:
        for path, text in r.files[d.name].items():
            golden = GOLDEN / path
            if update:
                golden.parent.mkdir(parents=True, exist_ok=True)
                golden.write_text(text, encoding="utf-8")
            assert golden.read_text(encoding="utf-8") == text, f"{golden} is stale; AIINFRA_UPDATE_GOLDEN=1 rewrites it"

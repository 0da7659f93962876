"""Cumulus renderer: every NVUE startup.yaml is parsed back and checked against the Design.

The parser (aiinfra/nos/cumulus/parser.py) resolves what NVUE would apply: a port's
own PFC/congestion-control profile or ``default-global``, DSCP -> switch
priority -> traffic class, adaptive routing only when on globally and per port.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from nvueschema.models import v5_14

from aiinfra.design.model import Device
from aiinfra.errors import SpecError
from aiinfra.nos.common import config_files
from aiinfra.nos.cumulus import render as cumulus
from aiinfra.nos.cumulus import units
from aiinfra.nos.cumulus.parser import load_nvue, parse_cumulus
from aiinfra.nos.parsed import ParsedSwitch
from aiinfra.pipeline import design_from_file
from tests.conftest import lab_data, write_spec
from tests.switches.cumulus_sonic_checks import (
    LAB_SPEC,
    SPEC_DIR,
    Spec,
    check_golden,
    check_secrets,
    check_switch,
    check_unique_loopbacks,
    spec,
)
from tests.validators import nvue

SPECS = {"lab": LAB_SPEC, **{p.stem: p for p in sorted(SPEC_DIR.glob("cumulus-*.yaml"))}}
SPECS["sonic-3tier"] = SPEC_DIR / "sonic-3tier.yaml"  # its spines are Cumulus


@dataclass(frozen=True)
class Rendered:
    spec: Spec
    devices: dict[str, Device]
    text: dict[str, str]
    parsed: dict[str, ParsedSwitch]


@cache
def rendered(name: str) -> Rendered:
    s = spec(SPECS[name])
    devices = {d.name: d for d in s.design.devices.values() if d.os == "cumulus"}
    text = {}
    for d in devices.values():
        out = cumulus.render(d, s.design)
        assert list(out) == config_files(d)
        text[d.name] = out[config_files(d)[0]]
    return Rendered(s, devices, text, {n: parse_cumulus(t) for n, t in text.items()})


def cases() -> list[tuple[str, str]]:
    return [(name, device) for name in SPECS for device in rendered(name).devices]


@cache
def tree(name: str, device: str) -> dict[str, Any]:
    return load_nvue(rendered(name).text[device])


def test_specs_cover_every_cumulus_role() -> None:
    roles = {(d.fabric, d.role) for name in SPECS for d in rendered(name).devices.values()}
    assert roles >= {
        ("backend", "leaf"),
        ("backend", "spine"),
        ("backend", "super-spine"),
        ("frontend", "leaf"),
        ("frontend", "spine"),
        ("oob", "oob"),
    }
    modes = {d.load_balancing for name in SPECS for d in rendered(name).devices.values() if d.fabric == "backend"}
    assert modes == {"ecmp", "per-packet"}


@pytest.mark.parametrize(("name", "device"), cases())
def test_switch_matches_design(name: str, device: str) -> None:
    r = rendered(name)
    check_switch(r.devices[device], r.spec.design, r.parsed[device])


@pytest.mark.parametrize("name", [n for n in SPECS if any(d.loopback for d in rendered(n).devices.values())])
def test_loopbacks_unique(name: str) -> None:
    check_unique_loopbacks(rendered(name).parsed.values())


@pytest.mark.parametrize(("name", "device"), cases())
def test_only_secret_expressions(name: str, device: str) -> None:
    aaa = tree(name, device)["system"]["aaa"]
    slots = [s["secret"] for proto in ("tacacs", "radius") for s in aaa.get(proto, {}).get("server", {}).values()]
    slots += [u["hashed-password"] for u in aaa["user"].values() if "hashed-password" in u]
    for user in tree(name, device)["system"]["snmp-server"].get("username", {}).values():
        (auth_kind,) = user
        (auth_key, priv) = next(iter(user[auth_kind].items()))
        (priv_kind,) = priv
        slots += [auth_key, next(iter(priv[priv_kind]))]
        assert auth_kind.startswith("auth-") and priv_kind.startswith("encrypt-"), "SNMPv3 must be authPriv"
    check_secrets(rendered(name).devices[device], rendered(name).spec.design, slots)


@pytest.mark.parametrize(("name", "device"), cases())
def test_adaptive_routing_on_every_fabric_port(name: str, device: str) -> None:
    """Per-packet AR needs the global knob and every ECMP member; no host port, no 800G port."""
    dev = rendered(name).devices[device]
    interfaces = tree(name, device)["interface"]
    on = {n for n, i in interfaces.items() if i.get("router", {}).get("adaptive-routing", {}).get("enable") == "on"}
    fabric = {i.name for i in dev.interfaces if i.role in ("uplink", "downlink")}
    if dev.load_balancing == "per-packet":
        assert on == fabric and on
        assert all(i.speed_gbps in (200, 400) for i in dev.interfaces if i.name in on), "AR needs 200G/400G links"
    else:
        assert not on and "adaptive-routing" not in tree(name, device).get("router", {})


@pytest.mark.parametrize(("name", "device"), cases())
def test_pfc_groups_follow_cable_length(name: str, device: str) -> None:
    dev = rendered(name).devices[device]
    t = tree(name, device)
    if dev.qos is None:
        assert "qos" not in t
        return
    qos = t["qos"]
    assert qos["roce"] == {"enable": "on", "mode": "lossless"}
    assert "link-pause" not in qos, "802.3x pause must stay off on RoCE fabrics"
    for i in dev.interfaces:
        if not i.lossless:
            continue
        assert i.headroom is not None
        profile = t["interface"][i.name]["qos"]["pfc"]["profile"]
        assert profile == i.headroom.name
        assert qos["pfc"][profile]["cable-length"] == math.ceil(i.headroom.cable_m), "whole metres, rounded up"
        assert "pfc-watchdog" in t["interface"][i.name]["qos"]
    wd = dev.qos.pfc_watchdog
    nvue_wd = qos["pfc-watchdog"]
    assert nvue_wd["polling-interval"] == wd.poll_ms
    assert wd.poll_ms * nvue_wd["robustness"] == wd.detection_ms, "NVUE detects after polling-interval x robustness"


@pytest.mark.parametrize(("name", "device"), cases())
def test_breakout_cages(name: str, device: str) -> None:
    dev = rendered(name).devices[device]
    interfaces = tree(name, device)["interface"]
    cages = {n: i["link"]["breakout"] for n, i in interfaces.items() if "breakout" in i.get("link", {})}
    assert cages == {f"swp{p.number}": {f"{p.ways}x": {}} for p in dev.physical_ports if p.ways > 1}
    for i in dev.interfaces:
        assert interfaces[i.name]["link"]["speed"] == f"{i.speed_gbps}G"


@pytest.mark.parametrize(("name", "device"), cases())
def test_management_plane(name: str, device: str) -> None:
    dev = rendered(name).devices[device]
    m = rendered(name).spec.design.management
    t = tree(name, device)
    eth0 = t["interface"][dev.mgmt_interface]
    assert eth0["ip"] == {
        "vrf": "mgmt",
        "address": {dev.mgmt_address: {}},
        "gateway": {dev.mgmt_gateway: {}},
    }
    system = t["system"]
    assert system["ssh-server"]["vrf"] == {"mgmt": {}} and system["ssh-server"]["permit-root-login"] == "disabled"
    assert set(system["syslog"]["server"]) == set(m.syslog)
    assert set(t["service"]["dns"]["mgmt"]["server"]) == set(m.dns)
    assert system["message"]["pre-login"] == m.banner
    assert system["timezone"] == units.timezone(m.timezone)
    users = system["aaa"]["user"]
    assert set(users) == {u.name for u in m.users}
    for u in m.users:
        keys = users[u.name]["ssh"]["authorized-key"].values()
        assert {f"{k['type']} {k['key']}" for k in keys} == {" ".join(k.split()[:2]) for k in u.ssh_keys}
    assert "readonly-community" not in system["snmp-server"], "SNMPv3 only"
    acl = t["acl"][cumulus.MGMT_ACL]["rule"]
    denies = [r for r in acl.values() if "deny" in r["action"]]
    assert {(r["match"]["ip"]["protocol"], "source-ip" in r["match"]["ip"]) for r in denies} == {
        ("tcp", False),
        ("udp", False),
    }
    assert max(int(k) for k, r in acl.items() if "permit" in r["action"]) < min(
        int(k) for k, r in acl.items() if "deny" in r["action"]
    ), "permits must come before the denies"
    access = {i.name for i in dev.interfaces if i.role in ("oob-access", "oob-uplink")}
    bridged = {n for n, i in t["interface"].items() if "bridge" in i}
    assert bridged == access


@pytest.mark.parametrize(("name", "device"), cases())
def test_header_names_release(name: str, device: str) -> None:
    text = rendered(name).text[device]
    assert text.startswith("# Rendered by aiinfra")
    assert "Cumulus Linux 5.14" in text.splitlines()[1]


def test_unnumbered_sessions_are_interfaces() -> None:
    r = rendered("cumulus-per-packet")
    fe = [d for d in r.devices.values() if d.fabric == "frontend" and d.bgp]
    assert fe and all(d.bgp and d.bgp.unnumbered for d in fe)
    for d in fe:
        neighbors = tree("cumulus-per-packet", d.name)["vrf"]["default"]["router"]["bgp"]["neighbor"]
        assert {v["type"] for v in neighbors.values()} == {"unnumbered"}
        assert set(neighbors) <= {i.name for i in d.interfaces}


def test_secret_lookups_reach_ansible_intact() -> None:
    """An env lookup keeps its quotes: Ansible templates the file before NVUE reads it."""
    r = rendered("lab")
    lookup = "{{ lookup('ansible.builtin.env', 'X') }}"
    m = r.spec.design.management
    servers = tuple(replace(s, key=lookup) for s in m.aaa_servers)
    assert servers, "the lab spec names an AAA server"
    design = replace(r.spec.design, management=replace(m, aaa_servers=servers))
    (text,) = cumulus.render(r.devices["lab-oob-01"], design).values()
    assert f'secret: "{lookup}"' in text
    assert "\\u0027" not in text and "''" not in text


def test_lab_golden_files() -> None:
    r = rendered("lab")
    files = {}
    for d in r.devices.values():
        files.update(cumulus.render(d, r.spec.design))
    assert files
    check_golden(files)


@pytest.mark.parametrize(("name", "device"), cases())
def test_nvidia_schema_accepts_every_switch(name: str, device: str) -> None:
    """NVIDIA's 5.14 object model, made strict (tests/validators/nvue.py), accepts every file."""
    assert nvue.text_problems(rendered(name).text[device]) == []


def test_every_accepted_zone_name_is_an_nvue_zone() -> None:
    catalog = rendered("lab").spec.catalog
    profile = catalog.os["cumulus"]
    assert profile.timezones is not None
    enum = set(typing.get_args(typing.get_args(v5_14.NvueConfigSystem.model_fields["timezone"].annotation)[0]))
    assert set(profile.timezones) == enum, "the cumulus capability row lists exactly NVUE 5.14's zones"
    for name in [*profile.timezones, *profile.timezone_aliases]:
        assert units.timezone(name) in enum, name
    assert units.timezone("UTC") == "Etc/UTC"
    assert units.timezone("Europe/Kyiv") == "Europe/Kiev"


def _lab_variant(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    data = lab_data()
    edit(data)
    return write_spec(tmp_path, data)


def test_zone_nvue_lacks_is_refused_at_validate(tmp_path: Path) -> None:
    path = _lab_variant(tmp_path, lambda d: d["site"].update(timezone="America/Ciudad_Juarez"))
    with pytest.raises(SpecError) as exc:
        design_from_file(path)
    (diag,) = [d for d in exc.value.diagnostics if "Cumulus" in str(d)]
    assert "site.timezone" in str(diag) and "America/Ciudad_Juarez" in str(diag) and diag.line


def test_more_aaa_servers_than_nvue_takes_are_refused(tmp_path: Path) -> None:
    servers = [{"address": f"192.168.0.{200 + n}", "key": {"vault": "vault_tacacs_key"}} for n in range(9)]
    path = _lab_variant(tmp_path, lambda d: d["security"]["aaa"].update(servers=servers))
    with pytest.raises(SpecError) as exc:
        design_from_file(path)
    assert any("security.aaa.servers" in str(d) and "at most 8" in str(d) for d in exc.value.diagnostics)


def _render_lab_oob(**management: Any) -> tuple[str, dict[str, Any]]:
    r = rendered("lab")
    design = replace(r.spec.design, management=replace(r.spec.design.management, **management))
    (text,) = cumulus.render(r.devices["lab-oob-01"], design).values()
    return text, load_nvue(text)


def test_no_snmp_user_means_no_agent() -> None:
    text, t = _render_lab_oob(snmp_users=())
    assert t["system"]["snmp-server"] == {"state": "disabled"}
    assert nvue.text_problems(text) == []


def test_empty_collections_are_left_out_not_null() -> None:
    text, t = _render_lab_oob(syslog=(), snmp_users=())
    assert "null" not in text and "syslog" not in t["system"]
    assert nvue.text_problems(text) == []


def test_aaa_order_and_server_priorities() -> None:
    """TACACS+ tries the highest priority first, RADIUS the lowest: either way the spec's first server."""
    m = rendered("lab").spec.design.management
    servers = tuple(replace(m.aaa_servers[0], address=f"192.168.0.{200 + n}") for n in range(3))
    text, t = _render_lab_oob(aaa_servers=servers)
    aaa = t["system"]["aaa"]
    assert aaa["authentication-order"] == {"5": {"tacacs": {}}, "10": {"local": {}}}
    assert [s["priority"] for s in aaa["tacacs"]["server"].values()] == [3, 2, 1]
    assert "enable" not in aaa["tacacs"], "5.12 removed tacacs enable"
    assert nvue.text_problems(text) == []
    text, t = _render_lab_oob(aaa_servers=servers, aaa_protocol="radius")
    aaa = t["system"]["aaa"]
    assert aaa["authentication-order"] == {"5": {"radius": {}}, "10": {"local": {}}}
    radius = [(s["priority"], s["vrf"]) for s in aaa["radius"]["server"].values()]
    assert radius == [(1, "mgmt"), (2, "mgmt"), (3, "mgmt")]
    assert nvue.text_problems(text) == []
    text, t = _render_lab_oob(aaa_servers=(), aaa_protocol=None)
    assert t["system"]["aaa"]["authentication-order"] == {"10": {"local": {}}}
    assert nvue.text_problems(text) == []


def test_cable_length_is_whole_metres_rounded_up() -> None:
    assert [units.cable_length_m(m) for m in (0.5, 2.0, 2.5, 100)] == [1, 2, 3, 100]


def test_watchdog_poll_nvue_cannot_take_is_refused(tmp_path: Path) -> None:
    """NVUE 5.14 polls the PFC watchdog every 100..5000 ms; 50 ms must be refused, not rendered."""

    def edit(d: dict[str, Any]) -> None:
        d["fabrics"]["backend"]["switches"] = {"model": "sn5600", "os": "cumulus"}
        d["fabrics"]["backend"]["roce"]["pfc_watchdog"] = {"detection_ms": 200, "restoration_ms": 400, "poll_ms": 50}

    with pytest.raises(SpecError) as exc:
        design_from_file(_lab_variant(tmp_path, edit))
    found = [str(d) for d in exc.value.diagnostics if "pfc_watchdog.poll_ms" in str(d)]
    assert found and all("100-5000 ms" in f and "50 ms asked" in f for f in found)


def test_snmp_text_longer_than_nvue_takes_is_refused(tmp_path: Path) -> None:
    path = _lab_variant(tmp_path, lambda d: d["security"]["snmp"].update(location="x" * 256))
    with pytest.raises(SpecError) as exc:
        design_from_file(path)
    assert any("security.snmp.location" in str(d) and "at most 255" in str(d) for d in exc.value.diagnostics)
    design_from_file(_lab_variant(tmp_path, lambda d: d["security"]["snmp"].update(location="x" * 255)))

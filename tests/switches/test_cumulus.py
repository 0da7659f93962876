"""Cumulus renderer: every NVUE startup.yaml is parsed back and checked against the Design.

The parser (tests/parsers/cumulus.py) resolves what NVUE would apply: a port's
own PFC/congestion-control profile or ``default-global``, DSCP -> switch
priority -> traffic class, adaptive routing only when on globally and per port.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

from aiinfra.design.model import Device
from aiinfra.render.inventory import config_files
from aiinfra.render.switches import cumulus
from tests.parsers.cumulus import load_nvue, parse_cumulus
from tests.parsers.model import ParsedSwitch
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
        out = cumulus.render(d, s.design, s.catalog)
        assert list(out) == config_files(d, s.catalog)
        text[d.name] = out[config_files(d, s.catalog)[0]]
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
    for user in tree(name, device)["system"]["snmp-server"]["username"].values():
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
    on = {n for n, i in interfaces.items() if i.get("router", {}).get("adaptive-routing", {}).get("enable") is True}
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
    assert qos["roce"] == {"enable": True, "mode": "lossless"}
    assert "link-pause" not in qos, "802.3x pause must stay off on RoCE fabrics"
    for i in dev.interfaces:
        if not i.roce:
            continue
        assert i.headroom is not None
        profile = t["interface"][i.name]["qos"]["pfc"]["profile"]
        assert profile == i.headroom.name
        assert qos["pfc"][profile]["cable-length"] == i.headroom.cable_m
        assert "pfc-watchdog" in t["interface"][i.name]["qos"]
    wd = dev.qos.pfc_watchdog
    assert qos["pfc-watchdog"] == {"polling-interval": wd.poll_ms, "robustness": wd.detection_polls}
    assert wd.poll_ms * wd.detection_polls == wd.detection_ms, "NVUE detects after polling-interval x robustness"


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
    assert system["message"]["pre-login"] == m.banner and system["timezone"] == m.timezone
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
    device = r.devices["lab-oob-01"]
    assert cumulus.quote("{{ lookup('ansible.builtin.env', 'X') }}") == "\"{{ lookup('ansible.builtin.env', 'X') }}\""
    assert "\\u0027" not in r.text[device.name]


def test_lab_golden_files() -> None:
    r = rendered("lab")
    files = {}
    for d in r.devices.values():
        files.update(cumulus.render(d, r.spec.design, r.spec.catalog))
    assert files
    check_golden(files)

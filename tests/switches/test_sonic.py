"""SONiC renderer: every config_db.json + frr.conf is parsed back and checked against the Design.

The parser (tests/parsers/sonic.py) follows SONiC's own references: port ->
PORT_QOS_MAP -> maps, pfc priority -> queue -> QUEUE -> WRED profile and
scheduler. A config that names the right things but wires them wrong fails here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

from aiinfra.design.model import Device
from aiinfra.render.inventory import config_files
from aiinfra.render.switches import sonic
from tests.parsers.model import ParsedSwitch
from tests.parsers.sonic import parse_sonic
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

SPECS = {"lab": LAB_SPEC, **{p.stem: p for p in sorted(SPEC_DIR.glob("sonic-*.yaml"))}}


@dataclass(frozen=True)
class Rendered:
    spec: Spec
    devices: dict[str, Device]
    db: dict[str, str]  # device -> config_db.json text
    frr: dict[str, str]
    parsed: dict[str, ParsedSwitch]


@cache
def rendered(name: str) -> Rendered:
    s = spec(SPECS[name])
    devices = {d.name: d for d in s.design.devices.values() if d.os == "sonic"}
    db, frr = {}, {}
    for d in devices.values():
        db_path, frr_path = config_files(d, s.catalog)
        out = sonic.render(d, s.design, s.catalog)
        assert set(out) == {db_path, frr_path}
        db[d.name], frr[d.name] = out[db_path], out[frr_path]
    return Rendered(s, devices, db, frr, {n: parse_sonic(db[n], frr[n]) for n in devices})


def cases() -> list[tuple[str, str]]:
    return [(name, device) for name in SPECS for device in rendered(name).devices]


def config(name: str, device: str) -> dict[str, Any]:
    return json.loads(rendered(name).db[device])


def test_specs_cover_every_sonic_role() -> None:
    roles = {(d.fabric, d.role) for name in SPECS for d in rendered(name).devices.values()}
    assert roles >= {
        ("backend", "leaf"),
        ("backend", "spine"),
        ("backend", "super-spine"),
        ("frontend", "leaf"),
        ("frontend", "spine"),
        ("oob", "oob"),
    }


@pytest.mark.parametrize(("name", "device"), cases())
def test_switch_matches_design(name: str, device: str) -> None:
    r = rendered(name)
    check_switch(r.devices[device], r.spec.design, r.parsed[device])


@pytest.mark.parametrize("name", list(SPECS))
def test_loopbacks_unique(name: str) -> None:
    check_unique_loopbacks(rendered(name).parsed.values())


@pytest.mark.parametrize(("name", "device"), cases())
def test_only_secret_expressions(name: str, device: str) -> None:
    db = config(name, device)
    slots = [s["passkey"] for t in ("TACPLUS_SERVER", "RADIUS_SERVER") for s in db.get(t, {}).values()]
    for user in db["SNMP_USER"].values():
        slots += [user["SNMP_USER_AUTH_PASSWORD"], user["SNMP_USER_ENCRYPTION_PASSWORD"]]
    design = rendered(name).spec.design
    check_secrets(rendered(name).devices[device], design, slots)
    assert "passkey" not in json.dumps(db.get("TACPLUS", {})), "a global passkey would bypass the per-server refs"


@pytest.mark.parametrize(("name", "device"), cases())
def test_stock_dscp_map_is_never_used(name: str, device: str) -> None:
    """DSCP 26 must land in the lossless TC3: the stock AZURE map sends it to lossy TC1."""
    db = config(name, device)
    dev = rendered(name).devices[device]
    if dev.qos is None:
        assert "DSCP_TO_TC_MAP" not in db and "PORT_QOS_MAP" not in db
        return
    assert set(db["DSCP_TO_TC_MAP"]) == {sonic.MAP_NAME}
    assert len(db["DSCP_TO_TC_MAP"][sonic.MAP_NAME]) == 64
    assert rendered(name).parsed[device].dscp_to_tc[26] == 3 == dev.qos.nodrop_priority
    assert all(v.get("dscp_to_tc_map") == sonic.MAP_NAME for v in db["PORT_QOS_MAP"].values())


@pytest.mark.parametrize(("name", "device"), cases())
def test_headroom_and_watchdog_per_port(name: str, device: str) -> None:
    db = config(name, device)
    dev = rendered(name).devices[device]
    roce = [i for i in dev.interfaces if i.roce]
    if dev.qos is None:
        assert not {"BUFFER_PG", "BUFFER_PROFILE", "PFC_WD"} & set(db)
        return
    wd = dev.qos.pfc_watchdog
    for i in roce:
        assert i.headroom is not None
        pg = db["BUFFER_PG"][f"{i.name}|{dev.qos.nodrop_priority}"]["profile"]
        assert pg == i.headroom.name
        assert int(db["BUFFER_PROFILE"][pg]["xoff"]) == i.headroom.bytes
        assert db["PFC_WD"][i.name] == {
            "action": wd.action,
            "detection_time": str(wd.detection_ms),
            "restoration_time": str(wd.restoration_ms),
        }
    assert db["PFC_WD"]["GLOBAL"]["POLL_INTERVAL"] == str(wd.poll_ms)
    assert set(db["BUFFER_PG"]) == {f"{i.name}|{dev.qos.nodrop_priority}" for i in roce}


@pytest.mark.parametrize(("name", "device"), cases())
def test_ports_and_breakout(name: str, device: str) -> None:
    db = config(name, device)
    dev = rendered(name).devices[device]
    for i in dev.interfaces:
        assert db["PORT"][i.name]["speed"] == str(i.speed_gbps * 1000)
    modes = {root: v["brkout_mode"] for root, v in db.get("BREAKOUT_CFG", {}).items()}
    cages = [p for p in dev.physical_ports if p.ways > 1]
    assert len(modes) == len(cages)
    for p in cages:
        members = sorted((i for i in dev.interfaces if i.physical_port == p.number), key=lambda i: i.breakout_member)
        assert modes[members[0].name] == f"{p.ways}x{p.speed_gbps}G"
        assert len(members) == p.ways


@pytest.mark.parametrize(("name", "device"), cases())
def test_management_plane(name: str, device: str) -> None:
    db = config(name, device)
    dev = rendered(name).devices[device]
    m = rendered(name).spec.design.management
    meta = db["DEVICE_METADATA"]["localhost"]
    assert meta["docker_routing_config_mode"] == "split-unified"
    assert meta["hostname"] == dev.name
    assert meta.get("bgp_asn") == (str(dev.bgp.asn) if dev.bgp else None)
    assert db["MGMT_VRF_CONFIG"]["vrf_global"]["mgmtVrfEnabled"] == "true"
    assert db["MGMT_INTERFACE"] == {f"{dev.mgmt_interface}|{dev.mgmt_address}": {"gwaddr": dev.mgmt_gateway}}
    for acl, proto in (("SSH_ONLY", "6"), ("SNMP_ACL", "17")):
        rules = {k: v for k, v in db["ACL_RULE"].items() if k.startswith(acl + "|")}
        accepted = {v["SRC_IP"] for v in rules.values() if v["PACKET_ACTION"] == "ACCEPT"}
        assert accepted == set(m.allowed_cidrs), acl
        assert all(v["IP_PROTOCOL"] == proto for v in rules.values() if v["PACKET_ACTION"] == "ACCEPT")
        assert rules[f"{acl}|DEFAULT_RULE"]["PACKET_ACTION"] == "DROP"
    user = db["SNMP_USER"]
    assert {u["SNMP_USER_TYPE"] for u in user.values()} == {"Priv"}, "SNMPv3 must be authPriv only"
    assert "SNMP_COMMUNITY" not in db
    assert set(db["SYSLOG_SERVER"]) == set(m.syslog) and set(db["DNS_NAMESERVER"]) == set(m.dns)
    assert db["BANNER_MESSAGE"]["global"]["login"] == m.banner
    assert db["SSH_SERVER"]["POLICIES"]["ports"] == "22"
    vlan_members = set(db.get("VLAN_MEMBER", {}))
    access = {i.name for i in dev.interfaces if i.role in ("oob-access", "oob-uplink")}
    assert vlan_members == {f"Vlan{sonic.MGMT_VLAN}|{n}" for n in access}


@pytest.mark.parametrize(("name", "device"), cases())
def test_frr_header_names_release(name: str, device: str) -> None:
    text = rendered(name).frr[device]
    assert text.startswith("! Rendered by aiinfra")
    assert "SONiC (community) 202411" in text and "split-unified" in text


def test_json_is_sorted_and_deterministic() -> None:
    r = rendered("lab")
    for name, text in r.db.items():
        assert text == json.dumps(json.loads(text), indent=4, sort_keys=True) + "\n", name
        d = r.devices[name]
        assert sonic.render(d, r.spec.design, r.spec.catalog)[config_files(d, r.spec.catalog)[0]] == text


def test_json_survives_hostile_text() -> None:
    """Descriptions and banners go through JSON quoting, not string pasting."""
    r = rendered("lab")
    design, catalog = r.spec.design, r.spec.catalog
    device = next(iter(r.devices.values()))
    tricky = 'quote " backslash \\ brace ,} bracket ,]'
    original = device.interfaces[0].description
    device.interfaces[0].description = tricky
    try:
        out = sonic.render(device, design, catalog)
    finally:
        device.interfaces[0].description = original
    db = json.loads(out[config_files(device, catalog)[0]])
    assert db["PORT"][device.interfaces[0].name]["description"] == tricky


def test_lab_golden_files() -> None:
    r = rendered("lab")
    files = {}
    for d in r.devices.values():
        files.update(sonic.render(d, r.spec.design, r.spec.catalog))
    assert len(files) == 2 * len(r.devices) > 0
    check_golden(files)

"""SONiC renderer: every config_db.json + frr.conf is parsed back and checked against the Design.

The parser (aiinfra/nos/sonic/parser.py) follows SONiC's own references: port ->
PORT_QOS_MAP -> maps, pfc priority -> queue -> QUEUE -> WRED profile and
scheduler. A config that names the right things but wires them wrong fails here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from aiinfra.cli import main
from aiinfra.design.model import Device
from aiinfra.nos.common import config_files
from aiinfra.nos.parsed import ParsedSwitch
from aiinfra.nos.sonic import render as sonic
from aiinfra.nos.sonic.parser import parse_sonic
from aiinfra.nos.sonic.qos import MAP_NAME
from aiinfra.pipeline import design_from_file
from tests.conftest import example, lab_data, write_spec
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
from tests.validators import sonic_yang

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
        db_path, frr_path = config_files(d)
        out = sonic.render(d, s.design)
        assert set(out) == {db_path, frr_path}
        db[d.name], frr[d.name] = out[db_path], out[frr_path]
    return Rendered(s, devices, db, frr, {n: parse_sonic(db[n], frr[n]) for n in devices})


def cases() -> list[tuple[str, str]]:
    return [(name, device) for name in SPECS for device in rendered(name).devices]


def config(name: str, device: str) -> dict[str, Any]:
    return json.loads(rendered(name).db[device])


def test_specs_cover_both_buffer_semantics() -> None:
    models = {rendered(n).spec.catalog.switches[d.model].asic for n in SPECS for d in rendered(n).devices.values()}
    assert "Broadcom Tomahawk 5" in models and "Spectrum-4" in models


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
    glob = db.get("TACPLUS", {}).get("global", {})
    if "passkey" in glob:
        slots.append(glob["passkey"])
    check_secrets(rendered(name).devices[device], design, slots)


@pytest.mark.parametrize("name", list(SPECS))
def test_tacacs_login_has_a_global_passkey(name: str) -> None:
    """sonic-system-aaa.yang refuses login "tacacs+,local" unless TACPLUS|global has a passkey."""
    m = rendered(name).spec.design.management
    for device in rendered(name).devices:
        db = config(name, device)
        if m.aaa_protocol == "tacacs":
            assert "tacacs+" in db["AAA"]["authentication"]["login"]
            assert db["TACPLUS"]["global"]["passkey"] == m.aaa_servers[0].key
        else:
            assert "TACPLUS" not in db


@pytest.mark.parametrize("name", list(SPECS))
def test_sonic_yang_accepts_every_config_db(name: str) -> None:
    r = rendered(name)
    files = {config_files(r.devices[d])[0]: text.encode() for d, text in r.db.items()}
    assert sonic_yang.problems(files) == []


@pytest.mark.parametrize(("name", "device"), cases())
def test_stock_dscp_map_is_never_used(name: str, device: str) -> None:
    """DSCP 26 must land in the lossless TC3: the stock AZURE map sends it to lossy TC1."""
    db = config(name, device)
    dev = rendered(name).devices[device]
    if dev.qos is None:
        assert "DSCP_TO_TC_MAP" not in db and "PORT_QOS_MAP" not in db
        return
    assert set(db["DSCP_TO_TC_MAP"]) == {MAP_NAME}
    assert len(db["DSCP_TO_TC_MAP"][MAP_NAME]) == 64
    assert rendered(name).parsed[device].dscp_to_tc[26] == 3 == dev.qos.nodrop_priority
    assert all(v.get("dscp_to_tc_map") == MAP_NAME for v in db["PORT_QOS_MAP"].values())


@pytest.mark.parametrize(("name", "device"), cases())
def test_headroom_and_watchdog_per_port(name: str, device: str) -> None:
    db = config(name, device)
    dev = rendered(name).devices[device]
    roce = [i for i in dev.interfaces if i.lossless]
    if dev.qos is None:
        assert not {"BUFFER_PG", "BUFFER_PROFILE", "BUFFER_POOL", "BUFFER_QUEUE", "CABLE_LENGTH", "PFC_WD"} & set(db)
        return
    wd = dev.qos.pfc_watchdog
    for i in roce:
        assert i.headroom is not None
        assert db["PFC_WD"][i.name] == {
            "action": wd.action,
            "detection_time": str(wd.detection_ms),
            "restoration_time": str(wd.restoration_ms),
        }
    assert db["PFC_WD"]["GLOBAL"]["POLL_INTERVAL"] == str(wd.poll_ms)


def lossless_chain(db: dict[str, Any], port: str, priority: int) -> tuple[dict[str, str], dict[str, str]]:
    """(profile, pool) that the paused priority's PG uses, followed the way buffermgrd does."""
    pg = table_pg(db, port, priority)
    profile = db["BUFFER_PROFILE"][db["BUFFER_PG"][pg]["profile"]]
    return profile, db["BUFFER_POOL"][profile["pool"]]


def table_pg(db: dict[str, Any], port: str, priority: int) -> str:
    qos = db["PORT_QOS_MAP"][port]
    pg = db["PFC_PRIORITY_TO_PRIORITY_GROUP_MAP"][qos["pfc_to_pg_map"]][str(priority)]
    return f"{port}|{pg}"


def covered(db: dict[str, Any], table: str, port: str) -> dict[int, str]:
    """index -> profile for every BUFFER_PG/BUFFER_QUEUE row of a port, ranges expanded."""
    out: dict[int, str] = {}
    for key, row in db[table].items():
        name, _, index = key.partition("|")
        if name != port:
            continue
        lo, _, hi = index.partition("-")
        for n in range(int(lo), int(hi or lo) + 1):
            assert n not in out, f"{table} {key}: index {n} twice"
            out[n] = row["profile"]
    return out


@pytest.mark.parametrize(("name", "device"), cases())
def test_lossless_buffers_are_complete(name: str, device: str) -> None:
    """config reload replaces CONFIG_DB: the file itself must program the RoCE PG's headroom."""
    db = config(name, device)
    dev = rendered(name).devices[device]
    if dev.qos is None:
        return
    model = rendered(name).spec.catalog.switches[dev.model]
    assert db["DEVICE_METADATA"]["localhost"]["buffer_model"] == "traditional"
    nodrop = dev.qos.nodrop_priority
    cables = db["CABLE_LENGTH"]["AIINFRA"]
    reserved = 0
    for i in (i for i in dev.interfaces if i.lossless):
        h = i.headroom
        assert h is not None
        profile, pool = lossless_chain(db, i.name, nodrop)
        assert int(profile["xoff"]) >= h.bytes, f"{i.name}: xoff {profile['xoff']} < headroom {h.bytes}"
        assert int(profile["size"]) == h.size_bytes and int(profile["xon"]) == h.xon_bytes
        assert int(profile.get("xon_offset", 0)) == h.xon_offset_bytes
        if model.asic.startswith("Spectrum"):  # the SAI reserves size, headroom included
            assert int(profile["size"]) >= int(profile["xoff"]) + int(profile["xon"])
            reserved += int(profile["size"])
        else:  # size is the PG minimum, xoff the headroom beside it
            assert 0 < int(profile["size"]) < int(profile["xoff"])
            reserved += int(profile["size"]) + int(profile["xoff"])
        assert pool["type"] == "ingress"
        budget = dev.headroom_budget
        assert budget is not None
        # a shared headroom pool (TH5) is the pool's xoff, as the Design budgets it; else none
        assert int(pool.get("xoff", 0)) == (budget.pool_bytes if budget.mode == "shared" else 0)
        # buffermgrd names the profile it would create from speed and CABLE_LENGTH: ours must be it
        pg_profile = db["BUFFER_PG"][table_pg(db, i.name, nodrop)]["profile"]
        assert pg_profile == f"pg_lossless_{db['PORT'][i.name]['speed']}_{cables[i.name]}_profile"
        assert int(cables[i.name].removesuffix("m")) >= h.cable_m
        pgs = covered(db, "BUFFER_PG", i.name)
        assert set(pgs) == {0, nodrop}
        assert db["BUFFER_POOL"][db["BUFFER_PROFILE"][pgs[0]]["pool"]]["type"] == "ingress"
        queues = covered(db, "BUFFER_QUEUE", i.name)
        assert set(queues) == set(range(8))
        lossless_queue = int(db["MAP_PFC_PRIORITY_TO_QUEUE"][MAP_NAME][str(nodrop)])
        egress = db["BUFFER_PROFILE"][queues[lossless_queue]]
        assert db["BUFFER_POOL"][egress["pool"]] == {"type": "egress", "mode": "static", "size": egress["static_th"]}
        assert all(
            db["BUFFER_POOL"][db["BUFFER_PROFILE"][p]["pool"]]["mode"] == "dynamic"
            for q, p in queues.items()
            if q != lossless_queue
        )
    lossless_pool = db["BUFFER_POOL"]["ingress_lossless_pool"]
    assert reserved <= int(lossless_pool["size"]), "lossless PG reservations exceed their pool"
    ingress = sum(int(p["size"]) for p in db["BUFFER_POOL"].values() if p["type"] == "ingress")
    assert ingress <= model.buffer_mb * 10**6


@pytest.mark.parametrize(("name", "device"), cases())
def test_every_port_has_its_lanes(name: str, device: str) -> None:
    """PORT.lanes is mandatory: a first install (no running CONFIG_DB row) needs them rendered."""
    db = config(name, device)
    dev = rendered(name).devices[device]
    model = rendered(name).spec.catalog.switches[dev.model]
    ways = {p.number: p.ways for p in dev.physical_ports}
    seen: set[int] = set()
    for i in dev.interfaces:
        lanes = [int(n) for n in db["PORT"][i.name]["lanes"].split(",")]
        assert len(lanes) == model.lanes_per_port // ways.get(i.physical_port, 1), i.name
        assert lanes[0] == int(i.name.removeprefix("Ethernet")), "SONiC names a port after its first lane"
        assert lanes == list(range(lanes[0], lanes[0] + len(lanes)))
        assert not seen & set(lanes), f"{i.name}: lanes shared with another port"
        seen |= set(lanes)


@pytest.mark.parametrize(("name", "device"), cases())
def test_bfd_runs_where_frr_asks_for_it(name: str, device: str) -> None:
    """bfdd starts only with frr_mgmt_framework_config "true" (docker-fpm-frr supervisord.conf.j2)."""
    db = config(name, device)
    asks = " bfd\n" in rendered(name).frr[device]
    assert asks == (db["DEVICE_METADATA"]["localhost"].get("frr_mgmt_framework_config") == "true")


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
    assert (not access and dev.access_vlan is None) or vlan_members == {f"Vlan{dev.access_vlan}|{n}" for n in access}


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
        assert sonic.render(d, r.spec.design)[config_files(d)[0]] == text


def test_json_survives_hostile_text() -> None:
    """Descriptions and banners go through JSON quoting, not string pasting."""
    r = rendered("lab")
    design = r.spec.design
    device = next(iter(r.devices.values()))
    tricky = 'quote " backslash \\ brace ,} bracket ,]'
    original = device.interfaces[0].description
    device.interfaces[0].description = tricky
    try:
        out = sonic.render(device, design)
    finally:
        device.interfaces[0].description = original
    db = json.loads(out[config_files(device)[0]])
    assert db["PORT"][device.interfaces[0].name]["description"] == tricky


def test_lab_golden_files() -> None:
    r = rendered("lab")
    files = {}
    for d in r.devices.values():
        files.update(sonic.render(d, r.spec.design))
    assert len(files) == 2 * len(r.devices) > 0
    check_golden(files)


def test_no_snmp_users_means_no_snmp_agent() -> None:
    """Without an SNMPv3 user the image's default agent would answer: render none at all."""
    r = example("vsphere-inference")
    assert not r.design.management.snmp_users
    devices = [d for d in r.design.devices.values() if d.os == "sonic"]
    assert devices
    for d in devices:
        db = json.loads(sonic.config_db(d, r.design))
        assert db["FEATURE"] == {"snmp": {"state": "disabled"}}
        assert not {"SNMP_USER", "SNMP_AGENT_ADDRESS_CONFIG", "SNMP", "SNMP_COMMUNITY"} & set(db)
        assert "SNMP_ACL" not in db["ACL_TABLE"]
        assert not [k for k in db["ACL_RULE"] if k.startswith("SNMP_ACL|")]
    for name in SPECS:  # and with users, the agent stays on
        for device in rendered(name).devices:
            db = config(name, device)
            assert "FEATURE" not in db and db["SNMP_USER"] and db["SNMP_AGENT_ADDRESS_CONFIG"]


def test_no_bfd_no_bfdd(tmp_path: Path) -> None:
    data = lab_data()
    data["fabrics"]["backend"]["underlay"]["bfd"] = False
    r = design_from_file(write_spec(tmp_path, data))
    leaves = [d for d in r.design.devices.values() if d.os == "sonic" and d.bgp]
    assert leaves
    for d in leaves:
        db = json.loads(sonic.config_db(d, r.design))
        assert "frr_mgmt_framework_config" not in db["DEVICE_METADATA"]["localhost"]
        assert " bfd\n" not in sonic.render(d, r.design)[config_files(d)[1]]


@pytest.mark.parametrize(("name", "ok"), [("abc", False), ("abcd", True), ("a" * 32, True)])
def test_snmp_user_name_length_is_refused_at_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, ok: bool
) -> None:
    """sonic-snmp.yang: SNMP_USER name length 4..32 (capabilities.yaml snmp_user_name_length)."""
    data = lab_data()
    data["security"]["snmp"]["users"][0]["name"] = name
    spec = write_spec(tmp_path, data)
    assert main(["validate", str(spec)]) == (0 if ok else 2)
    err = capsys.readouterr().err
    if not ok:
        assert re.search(
            rf"^{re.escape(str(spec))}:\d+:\d+: security\.snmp\.users\[0\]\.name: SONiC \(community\) takes SNMP "
            r"user names of 4-32 characters; 'abc' has 3$",
            err,
            re.M,
        ), err

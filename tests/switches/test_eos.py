"""EOS configs, parsed back with ciscoconfparse2 and checked against the Design.

Specs: the lab example (EOS front-end spines) and two of our own: a two-tier
cluster with EOS in every role (back-end, front-end, storage, OOB) and a
three-tier back-end on 32-port switches.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from aiinfra.errors import SpecError
from aiinfra.nos.eos import render as eos
from aiinfra.nos.eos import units
from aiinfra.nos.eos.parser import parse
from tests.switches.nxos_eos_checks import (
    LAB_SPEC,
    SPEC_DIR,
    block,
    check_device,
    check_driver_isolation,
    load,
    render_without_aaa_and_snmp,
    suite,
)

SPECS = {
    "lab": LAB_SPEC,
    "ar2": SPEC_DIR / "eos-2tier.yaml",
    "ar3": SPEC_DIR / "eos-3tier.yaml",
}


_SUITE = suite("eos", SPECS, eos.render, parse, {"ecmp"})
rendered = _SUITE.rendered
test_switch_properties = _SUITE.test_switch_properties
test_bgp_sessions_match_both_ends = _SUITE.test_bgp_sessions_match_both_ends
test_loopbacks_unique = _SUITE.test_loopbacks_unique
test_specs_cover_every_role = _SUITE.test_specs_cover_every_role
test_static_routes = _SUITE.test_static_routes
test_deterministic = _SUITE.test_deterministic
test_golden_lab_configs = _SUITE.test_golden_lab_configs


@pytest.mark.parametrize("spec", SPECS)
def test_breakout_speeds_and_port_modes(spec: str) -> None:
    r = rendered(spec)
    for name, text in r.texts.items():
        device = r.design.devices[name]
        lanes = r.result.catalog.switches[device.model].lanes_per_port
        broken = {p.number: p for p in device.physical_ports if p.ways > 1}
        for i in device.interfaces:
            body = block(text, f"interface {i.name}")
            speeds = [line for line in body if line.startswith("speed ")]
            if i.physical_port in broken:
                port = broken[i.physical_port]
                assert speeds == [f"speed {port.speed_gbps}g-{lanes // port.ways}"], f"{name} {i.name}: {speeds}"
            else:
                assert speeds == [], f"{name} {i.name}: {speeds}"
            if i.role in ("oob-access", "oob-uplink"):
                assert "switchport mode access" in body and "no switchport" not in body
            elif i.enabled:
                assert "no switchport" in body and "no shutdown" in body, f"{name} {i.name}"
            bgp = device.bgp
            fabric = bgp is not None and bgp.bfd and i.role in ("uplink", "downlink")
            bfd = [line for line in body if line.startswith("bfd ")]
            ms = bgp.bfd_interval_ms if bgp else 0
            timers = f"{ms} min-rx {ms} multiplier {bgp.bfd_multiplier}" if bgp else ""
            assert bfd == ([f"bfd interval {timers}"] if fabric else []), f"{name} {i.name}: {bfd}"


@pytest.mark.parametrize("spec", SPECS)
def test_management_plane(spec: str) -> None:
    r = rendered(spec)
    mgmt = r.design.management
    for name, text in r.texts.items():
        device = r.design.devices[name]
        lines = set(text.splitlines())
        assert {"vrf instance MGMT", f"ip route vrf MGMT 0.0.0.0/0 {device.mgmt_gateway}"} <= lines
        mgmt_port = block(text, f"interface {device.mgmt_interface}")
        assert mgmt_port[-2:] == ["vrf MGMT", f"ip address {device.mgmt_address}"]
        assert block(text, "management telnet") == ["shutdown"]
        assert block(text, "management api http-commands") == ["shutdown"]
        ssh = block(text, "management ssh")
        assert ssh[ssh.index("vrf MGMT") + 1] == "no shutdown"
        assert "authentication empty-passwords deny" in ssh
        assert f"clock timezone {mgmt.timezone}" in lines
        for user in mgmt.snmp_users:
            (line,) = [x for x in lines if x.startswith(f"snmp-server user {user.name} ")]
            assert " v3 auth " in line and line.endswith(f" {user.priv_key}"), line
        for user in mgmt.users:
            keys = [x for x in text.splitlines() if x.startswith(f"username {user.name} ssh-key ")]
            assert [k.split(" ssh-key ", 1)[1].removeprefix("secondary ") for k in keys] == list(user.ssh_keys)
        for server in mgmt.dns:
            assert f"ip name-server vrf MGMT {server}" in lines
        for server in mgmt.syslog:
            assert f"logging vrf MGMT host {server}" in lines
        assert block(text, "banner login") == [] and f"banner login\n{mgmt.banner}\nEOF\n" in text
        group = "tacacs+" if mgmt.aaa_protocol == "tacacs" else "radius"
        assert block(text, f"aaa group server {group} AIINFRA-AAA") == [
            f"server {s.address} vrf MGMT" for s in mgmt.aaa_servers
        ]
        assert ("ip routing" in lines) is bool(device.bgp)


def test_checks_catch_a_broken_config() -> None:
    """The property checks fail on a RoCE port without its QoS profile, a wider ACL or a leaked key."""
    r = rendered("ar2")
    name = "ar2-be-leaf-su001-r1"
    device, text = r.design.devices[name], r.texts[name]
    no_profile = text.replace("   service-profile AIINFRA-ROCE\n", "", 1)
    with pytest.raises(AssertionError, match="PFC on set"):
        check_device(device, r.design, parse(no_profile))
    acl = "ip access-list standard AIINFRA-MGMT\n"
    wide_acl = text.replace(acl, f"{acl}   permit any\n")
    with pytest.raises(AssertionError, match="management ACL"):
        check_device(device, r.design, parse(wide_acl))
    no_snmp_acl = text.replace("snmp-server ipv4 access-list AIINFRA-MGMT vrf MGMT\n", "")
    with pytest.raises(AssertionError, match="management ACL"):
        check_device(device, r.design, parse(no_snmp_acl))
    leaked = text.replace("secret sha512 {{ vault_netadmin_hash }}", "secret sha512 $6$abc")
    with pytest.raises(AssertionError, match="expressions"):
        check_device(device, r.design, parse(leaked))


def _refuses(path: Path, edit: str, match: str, tmp_path: Path) -> None:
    tmp_path.mkdir()
    spec = tmp_path / "cluster.yaml"
    spec.write_text(path.read_text().replace(*edit.split(" => ")))
    with pytest.raises(SpecError, match=match):
        load(spec)


def test_refuses_what_eos_cannot_say(tmp_path: Path) -> None:
    """Settings EOS cannot express are rejected at validation (the driver's capabilities.yaml), before any render."""
    spec = SPECS["ar2"]
    unnumbered = "asn_scheme: unique => asn_scheme: unique\n      unnumbered: true"
    _refuses(spec, unnumbered, "renders BGP unnumbered only where the OS supports it", tmp_path / "unnumbered")
    third_key = 'admin2@ar2" => admin2@ar2"\n        - "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIThirdKeyX admin3@ar2"'
    _refuses(spec, third_key, "holds 2 SSH keys per user; 3 given", tmp_path / "keys")


def test_no_aaa_and_no_snmp_render_local_login_and_no_agent(tmp_path: Path) -> None:
    """Issue 9: without security.aaa EOS rendered no AAA; without SNMP users it still defined a group."""
    result, texts = render_without_aaa_and_snmp(SPECS["ar2"], "eos", eos.render, tmp_path)
    assert texts
    for name, text in texts.items():
        lines = text.splitlines()
        assert {"aaa authentication login default local", "aaa authorization exec default local"} <= set(lines)
        assert [x for x in lines if x.startswith("snmp-server")] == [], name
        assert parse(text).acl_cidrs == set(result.design.management.allowed_cidrs), name


def test_ssh_key_only_users_get_a_locked_secret_not_nopassword() -> None:
    """Issue 9: ``nopassword`` gave a password-less network-admin on the console."""
    r = rendered("ar3")
    for name, text in r.texts.items():
        for user in r.design.management.users:
            assert not user.password_hash
            assert f"username {user.name} privilege 15 role network-admin secret sha512 {eos.LOCKED_SECRET}" in text
        assert "nopassword" not in text and "no aaa root" in text
        assert "aaa authentication login default group AIINFRA-AAA local" in text, name


def test_locked_secret_is_a_sha512_crypt_string_no_password_produces() -> None:
    """SHA-crypt ends in a character carrying two bits (one of ./01); real hashes from openssl show it."""
    alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    _, kind, salt, digest = eos.LOCKED_SECRET.split("$")
    assert kind == "6" and len(digest) == 86 and set(digest + salt) <= set(alphabet)
    tails = set()
    for password in ("a", "hello", "correct horse", "x" * 40):
        out = subprocess.run(["openssl", "passwd", "-6", "-salt", salt, password], capture_output=True, text=True)
        real = out.stdout.strip().split("$")[3]
        assert len(real) == 86
        tails.add(real[-1])
    assert tails <= set("./01") and digest[-1] not in "./01"


def test_refuses_at_validate_a_breakout_eos_has_no_keyword_for(tmp_path: Path) -> None:
    """A breakout with no EOS member-speed keyword in capabilities.yaml is refused at validate, not at render."""
    data = yaml.safe_load(SPECS["ar2"].read_text())
    fixture = dict(data["catalog"]["switches"]["7010tx-48"])
    fixture.update(
        model="ODD-800",
        asic="test fixture",
        role="fabric",
        ports=64,
        port_speed_gbps=800,
        lanes_per_port=8,
        breakouts=[{"ways": 3, "speed_gbps": 200}, {"ways": 2, "speed_gbps": 400}],
        buffer_mb=100,
        port_naming={
            "eos": {"port": "Ethernet{port}/1", "breakout": "Ethernet{port}/{sub}", "management": "Management1"}
        },
    )
    data["catalog"]["switches"]["odd-800"] = fixture
    data["fabrics"]["frontend"]["switches"]["leaf"] = {"model": "odd-800", "os": "eos"}
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(SpecError) as info:
        load(path)
    text = str(info.value)
    assert "fabrics.frontend.switches.leaf.model" in text and "3-way breakout of the 800G ports" in text, text


def test_refuses_watchdog_times_eos_cannot_state_in_seconds(tmp_path: Path) -> None:
    """EOS takes the timeout and recovery-time in seconds with two decimals: 10 ms steps."""
    edit = "cnp_priority: 6 => cnp_priority: 6\n      pfc_watchdog: {poll_ms: 15, detection_ms: 45, restoration_ms: 90}"
    _refuses(SPECS["ar2"], edit, "pfc_watchdog.detection_ms.*steps of 10 ms; 45 ms asked", tmp_path / "wd")


@pytest.mark.parametrize(
    ("ms", "seconds"),
    [(200, "0.2"), (250, "0.25"), (10, "0.01"), (105, "0.105"), (1000, "1"), (1050, "1.05"), (60000, "60")],
)
def test_milliseconds_become_seconds_without_float_noise(ms: int, seconds: str) -> None:
    assert units.seconds(ms) == seconds


def test_non_default_watchdog_times_are_stated_in_seconds(tmp_path: Path) -> None:
    """The Design's milliseconds come out as EOS seconds (two decimals, three for the poll) and parse back."""
    watchdog = "pfc_watchdog: {poll_ms: 50, detection_ms: 250, restoration_ms: 1050}"
    tmp_path.mkdir(exist_ok=True)
    spec = tmp_path / "cluster.yaml"
    spec.write_text(SPECS["ar2"].read_text().replace("cnp_priority: 6", f"cnp_priority: 6\n      {watchdog}"))
    result = load(spec)
    leaf = result.design.devices_by(fabric="backend", role="leaf")[0]
    (config,) = eos.render(leaf, result.design).values()
    lines = config.splitlines()
    for line in ("timeout 0.25", "recovery-time 1.05", "polling-interval 0.05"):
        assert f"priority-flow-control pause watchdog default {line}" in lines, line
    assert parse(config).pfc_watchdog_ms == (250, 1050, 50)


def test_driver_isolation() -> None:
    check_driver_isolation("eos")


def test_a_user_template_replaces_one_include_only() -> None:
    """config.j2 includes bare names, so a user's ``qos.j2`` for eos replaces that part and nothing else."""
    r = rendered("ar2")
    name, text = next((n, t) for n, t in r.texts.items() if r.design.devices[n].qos)
    design = replace(r.design, user_templates={"eos": {"qos.j2": "! site QoS\n"}})
    (custom,) = eos.render(r.design.devices[name], design).values()
    start, end = text.index("! Lossless RoCEv2:"), text.index("\ninterface ", text.index("! Lossless RoCEv2:")) + 1
    assert custom == text[:start] + "! site QoS\n" + text[end:]

"""NX-OS configs, parsed back with ciscoconfparse2 and checked against the Design.

Specs: the lab example (NX-OS back-end spines) and two of our own: a two-tier
cluster with NX-OS in every role (DLB flowlet, front-end, storage, OOB) and a
three-tier back-end with per-packet DLB.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from aiinfra.errors import SpecError
from aiinfra.nos import profile
from aiinfra.nos.nxos import render as nxos
from aiinfra.nos.nxos import units
from aiinfra.nos.nxos.parser import parse
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
    "nx2": SPEC_DIR / "nxos-2tier.yaml",
    "nx3": SPEC_DIR / "nxos-3tier.yaml",
}


_SUITE = suite("nxos", SPECS, nxos.render, parse, {"ecmp", "flowlet", "per-packet"})
rendered = _SUITE.rendered
test_switch_properties = _SUITE.test_switch_properties
test_bgp_sessions_match_both_ends = _SUITE.test_bgp_sessions_match_both_ends
test_loopbacks_unique = _SUITE.test_loopbacks_unique
test_specs_cover_every_role = _SUITE.test_specs_cover_every_role
test_static_routes = _SUITE.test_static_routes
test_deterministic = _SUITE.test_deterministic
test_golden_lab_configs = _SUITE.test_golden_lab_configs


@pytest.mark.parametrize("spec", SPECS)
def test_dlb_lists_exactly_the_fabric_ports(spec: str) -> None:
    r = rendered(spec)
    for name, text in r.texts.items():
        device = r.design.devices[name]
        fabric = [i.name for i in device.interfaces if i.role in ("uplink", "downlink")]
        if device.load_balancing == "ecmp":
            assert "hardware profile dlb" not in text
            continue
        lines = block(text, "hardware profile dlb")
        assert lines[0] == f"mode {device.load_balancing}"
        assert lines[1].removeprefix("dlb-interface ").split(", ") == fabric


@pytest.mark.parametrize("spec", SPECS)
def test_breakouts_and_port_modes(spec: str) -> None:
    r = rendered(spec)
    for name, text in r.texts.items():
        device = r.design.devices[name]
        lines = set(text.splitlines())
        for port in device.physical_ports:
            line = f"interface breakout module 1 port {port.number} map {port.speed_gbps}g-{port.ways}x"
            assert (line in lines) is (port.ways > 1), f"{name}: {line}"
        for i in device.interfaces:
            body = block(text, f"interface {i.name}")
            if i.role in ("oob-access", "oob-uplink"):
                assert "switchport mode access" in body and "no switchport" not in body
            elif i.enabled:
                assert "no switchport" in body and "no shutdown" in body, f"{name} {i.name}"
            bgp = device.bgp
            fabric = bgp is not None and bgp.bfd and i.role in ("uplink", "downlink")
            bfd = [line for line in body if line.startswith("bfd ")]
            ms = bgp.bfd_interval_ms if bgp else 0
            timers = f"{ms} min_rx {ms} multiplier {bgp.bfd_multiplier}" if bgp else ""
            assert bfd == ([f"bfd interval {timers}"] if fabric else []), f"{name} {i.name}: {bfd}"


@pytest.mark.parametrize("spec", SPECS)
def test_management_plane(spec: str) -> None:
    r = rendered(spec)
    mgmt = r.design.management
    for name, text in r.texts.items():
        device = r.design.devices[name]
        lines = set(text.splitlines())
        assert block(text, "vrf context management") == [f"ip route 0.0.0.0/0 {device.mgmt_gateway}"]
        assert block(text, f"interface {device.mgmt_interface}")[-3:] == [
            "vrf member management",
            f"ip address {device.mgmt_address}",
            "ip access-group AIINFRA-TELEMETRY in",  # the gNMI port's filter (tests/switches/test_telemetry.py)
        ]
        assert {"no feature telnet", "no feature nxapi", "snmp-server globalEnforcePriv"} <= lines
        assert block(text, "line vty") == ["access-class AIINFRA-MGMT in"]
        for user in mgmt.snmp_users:
            (line,) = [x for x in lines if x.startswith(f"snmp-server user {user.name} network-operator auth ")]
            assert f" priv aes-128 {user.priv_key}" in line, line
        for user in mgmt.users:
            for key in user.ssh_keys:
                assert f"username {user.name} sshkey {key}" in lines
        for server in mgmt.dns:
            assert f"ip name-server {server} use-vrf management" in lines
        for server in mgmt.syslog:
            assert f"logging server {server} 6 use-vrf management" in lines
        assert f"banner motd ^{mgmt.banner}^" in lines
        group = "tacacs+" if mgmt.aaa_protocol == "tacacs" else "radius"
        assert block(text, f"aaa group server {group} AIINFRA-AAA") == [
            *(f"server {s.address}" for s in mgmt.aaa_servers),
            "use-vrf management",
            f"source-interface {device.mgmt_interface}",
        ]


def test_checks_catch_a_broken_config() -> None:
    """The property checks fail on a config missing PFC on one RoCE port or with a wider ACL."""
    r = rendered("lab")
    name = "lab-be-spine-01"
    device, text = r.design.devices[name], r.texts[name]
    no_pfc = text.replace("  priority-flow-control mode on\n", "", 1)
    with pytest.raises(AssertionError, match="PFC on set"):
        check_device(device, r.design, parse(no_pfc))
    wide_acl = text.replace("  deny ip any any log\n", "  permit tcp any any eq 22\n  deny ip any any log\n")
    with pytest.raises(AssertionError, match="management ACL"):
        check_device(device, r.design, parse(wide_acl))
    leaked = text.replace('key 0 "{{ vault_tacacs_key }}"', 'key 0 "s3cret"')
    with pytest.raises(AssertionError, match="expressions"):
        check_device(device, r.design, parse(leaked))


def _refuses(path: Path, edit: str, match: str, tmp_path: Path) -> None:
    text = path.read_text()
    tmp_path.mkdir()
    spec = tmp_path / "cluster.yaml"
    spec.write_text(text.replace(*edit.split(" => ")))
    with pytest.raises(SpecError, match=match):
        load(spec)


def test_refuses_what_nxos_cannot_say(tmp_path: Path) -> None:
    """Settings NX-OS cannot express are rejected at validation (the driver's capabilities.yaml), before any render."""
    spec = SPECS["nx2"]
    _refuses(
        spec, "timezone: UTC => timezone: Europe/Paris", "needs a UTC offset rather than a zone name", tmp_path / "tz"
    )
    _refuses(spec, "priv: aes128 => priv: aes256", "aes256 is not available on Cisco NX-OS", tmp_path / "aes")
    unnumbered = "load_balancing: flowlet => load_balancing: flowlet\n    underlay: {unnumbered: true}"
    _refuses(spec, unnumbered, "renders BGP unnumbered only where the OS supports it", tmp_path / "unnumbered")


@pytest.mark.parametrize(
    ("watchdog", "field", "message"),
    [
        ("{poll_ms: 50, detection_ms: 100, restoration_ms: 200}", "poll_ms", "100-1000 ms; 50 ms asked"),
        ("{poll_ms: 100, detection_ms: 1100}", "detection_ms", "1-10 polls of 100 ms; 11 polls asked"),
        ("{poll_ms: 100, restoration_ms: 20000}", "restoration_ms", "1-100 polls of 100 ms; 200 polls asked"),
    ],
)
def test_refuses_watchdog_timers_nxos_cannot_state(tmp_path: Path, watchdog: str, field: str, message: str) -> None:
    """NX-OS counts detection and restore in 1-10 / 1-100 polls of a 100-1000 ms interval (nxos capabilities.yaml)."""
    edit = f"cnp_priority: 6 => cnp_priority: 6\n      pfc_watchdog: {watchdog}"
    _refuses(SPECS["nx2"], edit, f"fabrics.backend.roce.pfc_watchdog.{field}", tmp_path / "a")
    _refuses(SPECS["nx2"], edit, message, tmp_path / "b")


def test_watchdog_timers_are_stated_in_polls() -> None:
    """Issue 9: NX-OS ran its platform timers; now interval x multipliers give the Design's ms."""
    r = rendered("nx2")
    for name, text in r.texts.items():
        device = r.design.devices[name]
        if device.qos is None:
            continue
        wd = device.qos.pfc_watchdog
        assert parse(text).pfc_watchdog_ms == (wd.detection_ms, wd.restoration_ms, wd.poll_ms), name
        assert f"priority-flow-control watch-dog shutdown-multiplier {wd.detection_ms // wd.poll_ms}" in text


def test_no_aaa_and_no_snmp_render_local_login_and_no_agent(tmp_path: Path) -> None:
    """Without security.aaa NX-OS logs in locally; without SNMP users the agent is off, not open."""
    result, texts = render_without_aaa_and_snmp(SPECS["nx2"], "nxos", nxos.render, tmp_path)
    assert texts
    for name, text in texts.items():
        lines = text.splitlines()
        assert "aaa authentication login default local" in lines, name
        assert "no snmp-server protocol enable" in lines, name
        assert not [x for x in lines if x.startswith("snmp-server")], name
        check_device(result.design.devices[name], result.design, parse(text))


def test_a_non_default_watchdog_poll_is_stated(tmp_path: Path) -> None:
    """The 100 ms default poll is left to the platform; any other poll gets its own interval line."""
    text = (
        SPECS["nx2"]
        .read_text()
        .replace(
            "cnp_priority: 6",
            "cnp_priority: 6\n      pfc_watchdog: {poll_ms: 200, detection_ms: 400, restoration_ms: 800}",
        )
    )
    tmp_path.mkdir(exist_ok=True)
    spec = tmp_path / "cluster.yaml"
    spec.write_text(text)
    result = load(spec)
    leaf = result.design.devices_by(fabric="backend", role="leaf")[0]
    (config,) = nxos.render(leaf, result.design).values()
    assert "priority-flow-control watch-dog interval 200" in config.splitlines()
    assert parse(config).pfc_watchdog_ms == (400, 800, 200)
    assert "priority-flow-control watch-dog interval" not in rendered("nx2").texts[leaf.name]


def test_watchdog_polls_and_the_default_interval() -> None:
    """Detection and restore become multiples of the poll; the row's 100 ms default poll goes unstated."""
    r = rendered("nx2")
    wd = next(d.qos for d in r.design.devices.values() if d.qos).pfc_watchdog
    limits = profile("nxos").pfc_watchdog
    assert limits is not None and limits.default_poll_ms == 100
    default = replace(wd, poll_ms=100, detection_ms=300, restoration_ms=1000)
    assert units.watchdog(default, limits) == units.Watchdog(None, 3, 10)
    slower = replace(wd, poll_ms=250, detection_ms=500, restoration_ms=2500)
    assert units.watchdog(slower, limits) == units.Watchdog(250, 2, 10)
    assert units.watchdog(default, None).interval_ms == 100, "without a known default every poll is stated"


def test_driver_isolation() -> None:
    check_driver_isolation("nxos")


def test_a_user_template_replaces_one_include_only() -> None:
    """config.j2 includes bare names, so a user's ``bgp.j2`` for nxos replaces that part and nothing else."""
    r = rendered("nx2")
    name, text = next((n, t) for n, t in r.texts.items() if r.design.devices[n].bgp)
    design = replace(r.design, user_templates={"nxos": {"bgp.j2": "! site BGP\n"}})
    (custom,) = nxos.render(r.design.devices[name], design).values()
    start = text.index("router bgp ")
    assert custom == text[:start] + "! site BGP\n"

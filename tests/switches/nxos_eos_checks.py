"""Properties every rendered NX-OS and EOS switch config must have, checked on the
config as parsed back (``ParsedSwitch``) against the Design that asked for it.

Each check raises AssertionError naming the device and what is wrong, so one
test per switch reports every broken property of that switch.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from os import environ
from pathlib import Path

from aiinfra.design.model import Design, Device
from aiinfra.nos.eos.render import LOCKED_SECRET
from aiinfra.nos.nxos.render import LOCKED_PASSWORD as NXOS_LOCKED_PASSWORD
from aiinfra.nos.parsed import ParsedSwitch
from aiinfra.pipeline import DesignResult, design_from_file

ROOT = Path(__file__).resolve().parents[2]
# What a renderer must not import (it reads only the Design) and what only the test-side parser may.
RENDERER_FORBIDDEN = ("aiinfra.spec", "aiinfra.catalog", "ciscoconfparse2", "tests")
SPEC_DIR = Path(__file__).resolve().parent / "specs"
LAB_SPEC = ROOT / "inventories" / "lab" / "cluster.yaml"
FABRIC_LINKS = ("leaf-spine", "spine-super-spine")
EXPRESSION = re.compile(r"\{\{.*?\}\}")
SECRET_REF = "SECRET_REF"
KBYTE = 1000  # the unit both CLIs state WRED thresholds in (``kbytes``)
# Words after which a config line carries a secret value, per OS keyword style.
SECRET_SLOTS = (
    re.compile(r"\bkey \d+ (\S+)"),
    re.compile(r"\bsecret sha512 (\S+)"),
    re.compile(r"\bpassword \d (?!!)(\S+)"),
    re.compile(r"\bauth (?:md5|sha\S*) (\S+)"),
    re.compile(r"\bpriv (?:aes\S*|des\S*) (\S+)"),
)

Renderer = Callable[[Device, Design, object], dict[str, str]]
Parser = Callable[[str], ParsedSwitch]


@dataclass(frozen=True)
class Rendered:
    """Every switch of one OS in one spec: the design, each config text and its parse."""

    result: DesignResult
    texts: dict[str, str]
    parsed: dict[str, ParsedSwitch]

    @property
    def design(self) -> Design:
        return self.result.design


@cache
def load(spec: Path) -> DesignResult:
    return design_from_file(spec)


def render_all(spec: Path, os: str, render: Renderer, parse: Parser) -> Rendered:
    result = load(spec)
    texts: dict[str, str] = {}
    for device in result.design.devices.values():
        if device.os == os:
            (text,) = render(device, result.design).values()
            texts[device.name] = text
    return Rendered(result, texts, {name: parse(text) for name, text in texts.items()})


def best_effort_tc(device: Device) -> int:
    assert device.qos is not None
    (tc,) = [c.tc for c in device.qos.classes if not c.dscps]
    return tc


def check_interfaces(device: Device, parsed: ParsedSwitch) -> None:
    ports = {n for n in parsed.interfaces if n != device.mgmt_interface and not n.lower().startswith("loopback")}
    designed = {i.name for i in device.interfaces}
    assert ports == designed, f"{device.name}: ports {sorted(ports ^ designed)} differ from the Design"
    for i in device.interfaces:
        p = parsed.interfaces.get(i.name)
        assert p is not None, f"{device.name}: no interface {i.name}"
        assert p.description == i.description, f"{device.name} {i.name}: description {p.description!r}"
        assert p.shutdown is not i.enabled, f"{device.name} {i.name}: shutdown={p.shutdown}, enabled={i.enabled}"
        if i.address:
            assert p.address == i.address, f"{device.name} {i.name}: address {p.address} != {i.address}"
            assert p.mtu == device.switch_mtu, f"{device.name} {i.name}: MTU {p.mtu} != {device.switch_mtu}"
        else:
            assert p.address is None, f"{device.name} {i.name}: unexpected address {p.address}"


def check_qos(device: Device, parsed: ParsedSwitch) -> None:
    qos = device.qos
    if qos is None:
        assert not any(p.pfc_priorities for p in parsed.interfaces.values()), f"{device.name}: PFC off the back-end"
        assert not parsed.nodrop_priorities and not parsed.pfc_watchdog, f"{device.name}: lossless QoS off the back-end"
        return
    for i in device.interfaces:
        p = parsed.interfaces[i.name]
        if i.lossless:
            assert p.pfc_priorities == {qos.nodrop_priority}, f"{device.name} {i.name}: PFC on {p.pfc_priorities}"
            assert p.ecn_on_roce_queue, f"{device.name} {i.name}: no ECN on the RoCE queue"
            assert p.trust_dscp, f"{device.name} {i.name}: DSCP not trusted"
        else:
            assert not p.pfc_priorities, f"{device.name} {i.name}: PFC on a non-RoCE port"
    assert any(i.lossless for i in device.interfaces), f"{device.name}: a back-end switch without RoCE ports"
    expected = {d: best_effort_tc(device) for d in range(64)}
    expected.update(dict.fromkeys(qos.roce_dscps, qos.nodrop_priority))
    expected[qos.cnp_dscp] = qos.cnp_priority
    assert parsed.dscp_to_tc == expected, f"{device.name}: DSCP map {parsed.dscp_to_tc}"
    assert parsed.nodrop_priorities == {qos.nodrop_priority}, f"{device.name}: no-drop {parsed.nodrop_priorities}"
    assert parsed.strict_priority_tcs == {qos.cnp_priority}, f"{device.name}: strict {parsed.strict_priority_tcs}"
    # The CLI states thresholds in whole kbytes: each must be the Design's bytes rounded up, never below them.
    ecn = (parsed.ecn_min_bytes, parsed.ecn_max_bytes, parsed.ecn_max_probability)
    assert ecn[0] is not None and ecn[1] is not None, f"{device.name}: no ECN thresholds"
    assert 0 <= ecn[0] - qos.ecn.min_bytes < KBYTE and 0 <= ecn[1] - qos.ecn.max_bytes < KBYTE, (
        f"{device.name}: ECN {ecn[0]}/{ecn[1]} B is not {qos.ecn.min_bytes}/{qos.ecn.max_bytes} B in kbytes"
    )
    assert ecn[2] == qos.ecn.max_probability_pct, f"{device.name}: ECN probability {ecn[2]}"
    assert parsed.pfc_watchdog == qos.pfc_watchdog.enabled, f"{device.name}: PFC watchdog {parsed.pfc_watchdog}"
    wd = qos.pfc_watchdog
    timers = (wd.detection_ms, wd.restoration_ms, wd.poll_ms) if wd.enabled else None
    assert parsed.pfc_watchdog_ms == timers, f"{device.name}: watchdog timers {parsed.pfc_watchdog_ms} != {timers}"


def check_routing(device: Device, parsed: ParsedSwitch) -> None:
    bgp = device.bgp
    if bgp is None:
        assert parsed.asn is None and not parsed.neighbors, f"{device.name}: BGP on a switch without an underlay"
        return
    assert parsed.asn == bgp.asn, f"{device.name}: ASN {parsed.asn}"
    assert parsed.loopback == device.loopback, f"{device.name}: loopback {parsed.loopback}"
    assert parsed.neighbors == {n.address: n.remote_asn for n in bgp.neighbors}, f"{device.name}: neighbors"
    assert parsed.bfd_neighbors == {n.address for n in bgp.neighbors if n.bfd}, f"{device.name}: BFD peers"
    assert parsed.maximum_paths == bgp.maximum_paths, f"{device.name}: maximum-paths {parsed.maximum_paths}"
    fabric = any(i.role in ("uplink", "downlink") for i in device.interfaces)
    bfd = {(bgp.bfd_interval_ms, bgp.bfd_multiplier)} if bgp.bfd and fabric else set()
    assert parsed.bfd_timers == bfd, f"{device.name}: BFD timers {parsed.bfd_timers} != {bfd}"
    expected_lb = device.load_balancing if device.qos else "ecmp"
    assert parsed.load_balancing == expected_lb, f"{device.name}: load balancing {parsed.load_balancing}"


def check_management(device: Device, design: Design, parsed: ParsedSwitch) -> None:
    mgmt = design.management
    assert parsed.hostname == device.name
    assert parsed.acl_cidrs == set(mgmt.allowed_cidrs), f"{device.name}: management ACL {parsed.acl_cidrs}"
    assert parsed.ntp_servers == set(mgmt.ntp), f"{device.name}: NTP {parsed.ntp_servers}"


def secret_expressions(design: Design) -> set[str]:
    """The Ansible expressions the Design holds in place of every secret."""
    mgmt = design.management
    out = {s.key for s in mgmt.aaa_servers}
    out |= {u.password_hash for u in mgmt.users if u.password_hash}
    out |= {k for u in mgmt.snmp_users for k in (u.auth_key, u.priv_key)}
    return out


def check_no_secrets(device: Device, design: Design, text: str) -> None:
    """Every secret slot holds one of the Design's expressions, and no other expression exists."""
    expected = secret_expressions(design)
    found = set(EXPRESSION.findall(text))
    assert found == expected, f"{device.name}: expressions {found ^ expected} differ from the Design's secrets"
    for line in text.splitlines():
        masked = EXPRESSION.sub(SECRET_REF, line)
        for slot in SECRET_SLOTS:
            for m in slot.finditer(masked):
                value = m.group(1).strip('"')
                assert value in (SECRET_REF, LOCKED_SECRET), f"{device.name}: a secret value in {line.strip()!r}"
    assert "snmp-server community" not in text, f"{device.name}: SNMP community configured"
    assert not re.search(r"\bnopassword\b", text), f"{device.name}: a user without a password"


def check_users(device: Device, design: Design, text: str) -> None:
    """Every local user has a secret: the spec's hash reference, or the OS's locked one."""
    for user in design.management.users:
        lines = [x for x in text.splitlines() if re.match(rf"username {re.escape(user.name)} (?!ssh-?key )", x)]
        assert len(lines) == 1, f"{device.name}: user {user.name} defined {len(lines)} times"
        if device.os == "eos":
            secret = user.password_hash or LOCKED_SECRET
            assert lines[0].endswith(f" secret sha512 {secret}"), f"{device.name}: {lines[0]!r}"
        else:
            secret = user.password_hash or NXOS_LOCKED_PASSWORD
            assert f" password 5 {secret} role " in lines[0], f"{device.name}: {lines[0]!r}"


def check_device(device: Device, design: Design, parsed: ParsedSwitch) -> None:
    check_interfaces(device, parsed)
    check_qos(device, parsed)
    check_routing(device, parsed)
    check_management(device, design, parsed)
    check_no_secrets(device, design, parsed.text)
    check_users(device, design, parsed.text)


def check_sessions_match(rendered: Rendered) -> int:
    """Both ends of every fabric link agree: each side peers with the other's address and ASN.

    A far end rendered by this OS is taken from its parsed config; any other end
    (another OS) from the Design. Returns the number of link ends checked.
    """
    design = rendered.design
    checked = 0
    for link in design.links:
        if link.kind not in FABRIC_LINKS:
            continue
        for near, near_if, far, far_if in (
            (link.a_device, link.a_interface, link.b_device, link.b_interface),
            (link.b_device, link.b_interface, link.a_device, link.a_interface),
        ):
            if near not in rendered.parsed:
                continue
            far_addr, far_asn = _far_end(rendered, far, far_if)
            near_parsed = rendered.parsed[near]
            assert near_parsed.neighbors.get(far_addr) == far_asn, (
                f"{near} {near_if}: no session to {far} {far_addr} AS{far_asn}; has {near_parsed.neighbors}"
            )
            checked += 1
    return checked


def _far_end(rendered: Rendered, device: str, interface: str) -> tuple[str, int]:
    if device in rendered.parsed:
        parsed = rendered.parsed[device]
        address = parsed.interfaces[interface].address
        assert address and parsed.asn is not None, f"{device} {interface}: unaddressed fabric port"
        return address.split("/")[0], parsed.asn
    far = rendered.design.devices[device]
    (iface,) = [i for i in far.interfaces if i.name == interface]
    assert iface.address and far.bgp
    return iface.address.split("/")[0], far.bgp.asn


def check_unique_loopbacks(parsed: Iterable[ParsedSwitch]) -> int:
    loopbacks = [p.loopback for p in parsed if p.loopback]
    assert len(loopbacks) == len(set(loopbacks)), f"duplicate loopbacks: {sorted(loopbacks)}"
    return len(loopbacks)


def block(text: str, header: str) -> list[str]:
    """The indented lines under one top-level ``header`` line."""
    lines = text.splitlines()
    start = lines.index(header)
    out = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        out.append(line.strip())
    return out


ALL_ROLES = {
    ("backend", "leaf"),
    ("backend", "spine"),
    ("backend", "super-spine"),
    ("frontend", "leaf"),
    ("frontend", "spine"),
    ("storage", "leaf"),
    ("storage", "spine"),
    ("oob", "oob"),
}


@dataclass(frozen=True)
class Suite:
    """The property tests NX-OS and EOS share; each test module binds them to its OS."""

    rendered: Callable[[str], Rendered]
    test_switch_properties: Callable[..., None]
    test_bgp_sessions_match_both_ends: Callable[..., None]
    test_loopbacks_unique: Callable[..., None]
    test_specs_cover_every_role: Callable[..., None]
    test_static_routes: Callable[..., None]
    test_deterministic: Callable[..., None]
    test_golden_lab_configs: Callable[..., None]


GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "lab" / "configs"


def suite(os_name: str, specs: dict[str, Path], render: Renderer, parse: Parser, modes: set[str]) -> Suite:
    """Tests over every spec in ``specs`` (the first non-lab one is the OS's own two-tier spec)."""

    import pytest

    own = next(name for name in specs if name != "lab")

    @cache
    def rendered(spec: str) -> Rendered:
        return render_all(specs[spec], os_name, render, parse)

    devices = [
        (spec, d.name) for spec, path in specs.items() for d in load(path).design.devices.values() if d.os == os_name
    ]

    @pytest.mark.parametrize(("spec", "name"), devices)
    def test_switch_properties(spec: str, name: str) -> None:
        r = rendered(spec)
        check_device(r.design.devices[name], r.design, r.parsed[name])

    @pytest.mark.parametrize("spec", specs)
    def test_bgp_sessions_match_both_ends(spec: str) -> None:
        assert check_sessions_match(rendered(spec)) > 0

    @pytest.mark.parametrize("spec", specs)
    def test_loopbacks_unique(spec: str) -> None:
        r = rendered(spec)
        routers = [d for d in r.design.devices.values() if d.os == os_name and d.bgp]
        assert check_unique_loopbacks(r.parsed.values()) == len(routers)

    def test_specs_cover_every_role() -> None:
        ours = [d for s in specs for d in rendered(s).design.devices.values() if d.os == os_name]
        assert {(d.fabric, d.role) for d in ours} == ALL_ROLES
        assert {d.load_balancing for d in ours if d.qos} == modes

    @pytest.mark.parametrize("spec", specs)
    def test_static_routes(spec: str) -> None:
        r = rendered(spec)
        routed = 0
        for name, text in r.texts.items():
            lines = set(text.splitlines())
            for route in r.design.devices[name].static_routes:
                assert f"ip route {route.prefix} {route.next_hop} name {route.description.replace(' ', '_')}" in lines
                routed += 1
        fronts = [
            d for d in r.design.devices.values() if d.os == os_name and d.fabric != "backend" and d.role == "leaf"
        ]
        assert (routed > 0) is bool(fronts)

    def test_deterministic() -> None:
        """A second render is identical, and lands in configs/<hostname>.cfg."""
        r = rendered(own)
        for name, text in r.texts.items():
            assert render(r.design.devices[name], r.design) == {f"configs/{name}.cfg": text}

    def test_golden_lab_configs() -> None:
        """The lab's configs of this OS, byte for byte; AIINFRA_UPDATE_GOLDEN=1 rewrites them."""
        r = rendered("lab")
        assert r.texts
        for name, text in r.texts.items():
            path = GOLDEN / f"{name}.cfg"
            if environ.get("AIINFRA_UPDATE_GOLDEN") == "1":
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
            assert path.read_text() == text, f"{path} differs; rerun with AIINFRA_UPDATE_GOLDEN=1 and review the diff"

    return Suite(
        rendered,
        test_switch_properties,
        test_bgp_sessions_match_both_ends,
        test_loopbacks_unique,
        test_specs_cover_every_role,
        test_static_routes,
        test_deterministic,
        test_golden_lab_configs,
    )


def render_without_aaa_and_snmp(
    spec: Path, os_name: str, render: Renderer, directory: Path
) -> tuple[DesignResult, dict[str, str]]:
    """The spec with no ``security.aaa`` and no ``security.snmp``, rendered for every switch of one OS."""
    import yaml

    data = yaml.safe_load(spec.read_text())
    data["security"].pop("aaa", None)
    data["security"].pop("snmp", None)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "cluster.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = design_from_file(path)
    return result, {
        d.name: next(iter(render(d, result.design).values())) for d in result.design.devices.values() if d.os == os_name
    }


def imported_modules(path: Path) -> set[str]:
    """Every module one source file imports, at any level (``TYPE_CHECKING`` blocks included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def check_driver_isolation(os_name: str) -> None:
    """The driver's renderer modules import neither spec, catalog nor test code, and importing
    the driver package (what the pipeline does) loads neither ciscoconfparse2 nor the parser."""
    folder = ROOT / "aiinfra" / "nos" / os_name
    modules = sorted(p for p in folder.glob("*.py") if p.name != "parser.py")
    assert {p.name for p in modules} >= {"__init__.py", "render.py", "units.py"}, modules
    for path in modules:
        bad = {m for m in imported_modules(path) if any(m == f or m.startswith(f"{f}.") for f in RENDERER_FORBIDDEN)}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
    test_side = ("ciscoconfparse2", "tests", f"aiinfra.nos.{os_name}.parser")
    probe = (
        f"import sys, aiinfra.nos as n; d = n.driver({os_name!r}); "
        f"bad = sorted(m for m in sys.modules if m.startswith({test_side!r})); assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr

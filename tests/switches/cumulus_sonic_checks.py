"""Properties a rendered Cumulus or SONiC switch must have, checked on the config
as parsed back (``ParsedSwitch``) against the Design that asked for it.

Each check raises AssertionError naming the device and the broken property, so
a failing switch reports what is wrong rather than which line changed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design, Device
from aiinfra.nos.parsed import ParsedSwitch
from aiinfra.pipeline import design_from_file

ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = Path(__file__).resolve().parent / "specs"
LAB_SPEC = ROOT / "inventories" / "lab" / "cluster.yaml"
GOLDEN = ROOT / "tests" / "golden" / "lab"
FABRIC_LINKS = ("leaf-spine", "spine-super-spine")
EXPRESSION = re.compile(r"^\{\{ [A-Za-z_][A-Za-z0-9_]* \}\}$")


@dataclass(frozen=True)
class Spec:
    design: Design
    catalog: Catalog


@cache
def spec(path: Path) -> Spec:
    result = design_from_file(path)
    return Spec(result.design, result.catalog)


def design_secrets(design: Design) -> set[str]:
    """Every secret the Design references: all Ansible expressions, never values."""
    m = design.management
    out = {s.key for s in m.aaa_servers}
    out |= {u.auth_key for u in m.snmp_users} | {u.priv_key for u in m.snmp_users}
    out |= {u.password_hash for u in m.users if u.password_hash}
    return out


def check_secrets(device: Device, design: Design, found: Iterable[str]) -> None:
    """The config's secret slots hold exactly the Design's expressions, and only expressions."""
    found = set(found)
    for value in found:
        assert EXPRESSION.match(value), f"{device.name}: secret slot holds {value!r}, not an Ansible expression"
    assert found == design_secrets(design), f"{device.name}: secrets {sorted(found)} != Design's"


def check_interfaces(device: Device, parsed: ParsedSwitch) -> None:
    for i in device.interfaces:
        p = parsed.interfaces.get(i.name)
        assert p is not None, f"{device.name}: no port {i.name}"
        assert p.description == i.description, f"{device.name} {i.name}: description {p.description!r}"
        assert p.shutdown is not i.enabled, f"{device.name} {i.name}: shutdown={p.shutdown}, enabled={i.enabled}"
        assert p.mtu == i.mtu, f"{device.name} {i.name}: MTU {p.mtu} != {i.mtu}"
        assert p.address == i.address, f"{device.name} {i.name}: address {p.address} != {i.address}"
        if i.address:
            assert p.mtu == device.switch_mtu, f"{device.name} {i.name}: routed port MTU {p.mtu}"
    extra = set(parsed.interfaces) - {i.name for i in device.interfaces}
    assert not extra, f"{device.name}: ports the Design does not have: {sorted(extra)}"


def check_qos(device: Device, parsed: ParsedSwitch) -> None:
    qos = device.qos
    roce = [i for i in device.interfaces if i.lossless]
    if qos is None:
        assert not roce
        for p in parsed.interfaces.values():
            assert not p.pfc_priorities, f"{device.name} {p.name}: PFC on a fabric without a lossless class"
        return
    for i in roce:
        p = parsed.interfaces[i.name]
        assert p.pfc_priorities == {qos.nodrop_priority}, f"{device.name} {i.name}: PFC on {p.pfc_priorities}"
        assert p.ecn_on_roce_queue, f"{device.name} {i.name}: no ECN on the no-drop queue"
        assert p.trust_dscp, f"{device.name} {i.name}: DSCP not trusted"
    by_class = {c.name: c for c in qos.classes}
    best_effort = next(c.tc for c in qos.classes if not c.dscps)
    expected = {d: best_effort for d in range(64)}
    expected.update({d: c.tc for c in qos.classes for d in c.dscps})
    assert parsed.dscp_to_tc == expected, f"{device.name}: DSCP map differs from the Design's classes"
    for d in qos.roce_dscps:
        assert parsed.dscp_to_tc[d] == qos.nodrop_priority, f"{device.name}: DSCP {d} -> TC {parsed.dscp_to_tc[d]}"
    assert parsed.dscp_to_tc[qos.cnp_dscp] == qos.cnp_priority
    assert parsed.nodrop_priorities == {qos.nodrop_priority}, f"{device.name}: no-drop {parsed.nodrop_priorities}"
    strict = {c.tc for c in by_class.values() if c.scheduling == "strict"}
    assert parsed.strict_priority_tcs == strict == {qos.cnp_priority}, f"{device.name}: strict TCs"
    assert (parsed.ecn_min_bytes, parsed.ecn_max_bytes, parsed.ecn_max_probability) == (
        qos.ecn.min_bytes,
        qos.ecn.max_bytes,
        qos.ecn.max_probability_pct,
    ), f"{device.name}: ECN thresholds"
    assert parsed.pfc_watchdog is qos.pfc_watchdog.enabled, f"{device.name}: PFC watchdog"


def neighbor_key(device: Device, interface: str, peer_address: str) -> str:
    assert device.bgp is not None
    return interface if device.bgp.unnumbered else peer_address


def check_bgp(device: Device, design: Design, parsed: ParsedSwitch) -> None:
    """One session per fabric link, keyed and AS-numbered as the other end is configured."""
    bgp = device.bgp
    if bgp is None:
        assert parsed.asn is None and not parsed.neighbors, f"{device.name}: BGP on a switch without routing"
        return
    assert parsed.asn == bgp.asn, f"{device.name}: AS {parsed.asn} != {bgp.asn}"
    ifaces = {i.name: i for i in device.interfaces}
    expected: dict[str, int] = {}
    for link in design.links:
        if link.kind not in FABRIC_LINKS or device.name not in (link.a_device, link.b_device):
            continue
        mine, theirs = (
            (link.a_interface, (link.b_device, link.b_interface))
            if link.a_device == device.name
            else (link.b_interface, (link.a_device, link.a_interface))
        )
        peer = design.devices[theirs[0]]
        peer_iface = next(i for i in peer.interfaces if i.name == theirs[1])
        assert peer.bgp is not None and peer_iface.address is not None
        assert ifaces[mine].peer_address == peer_iface.address.split("/")[0], f"{device.name} {mine}: peer address"
        expected[neighbor_key(device, mine, peer_iface.address.split("/")[0])] = peer.bgp.asn
    assert parsed.neighbors == expected, f"{device.name}: sessions {parsed.neighbors} != fabric links {expected}"
    if bgp.bfd:
        assert parsed.bfd_neighbors == set(expected), f"{device.name}: BFD on {sorted(parsed.bfd_neighbors)}"
    assert parsed.maximum_paths == bgp.maximum_paths, f"{device.name}: maximum-paths {parsed.maximum_paths}"


def check_management(device: Device, design: Design, parsed: ParsedSwitch) -> None:
    m = design.management
    assert parsed.hostname == device.name
    assert parsed.acl_cidrs == set(m.allowed_cidrs), f"{device.name}: ACL sources {parsed.acl_cidrs}"
    assert parsed.ntp_servers == set(m.ntp), f"{device.name}: NTP {parsed.ntp_servers}"
    assert parsed.load_balancing == device.load_balancing, f"{device.name}: {parsed.load_balancing}"
    if device.loopback:
        assert parsed.loopback == device.loopback, f"{device.name}: loopback {parsed.loopback}"


def check_switch(device: Device, design: Design, parsed: ParsedSwitch) -> None:
    check_interfaces(device, parsed)
    check_qos(device, parsed)
    check_bgp(device, design, parsed)
    check_management(device, design, parsed)


def check_unique_loopbacks(parsed: Iterable[ParsedSwitch]) -> None:
    loopbacks = [p.loopback for p in parsed if p.loopback]
    assert loopbacks, "no loopback parsed at all"
    assert len(loopbacks) == len(set(loopbacks)), "duplicate loopbacks"


def check_golden(files: dict[str, str]) -> None:
    """Rendered files equal the committed golden copies byte for byte.

    ``AIINFRA_UPDATE_GOLDEN=1`` rewrites them instead; review the diff line by
    line before committing, as a golden file is only as right as that review.
    """
    update = os.environ.get("AIINFRA_UPDATE_GOLDEN") == "1"
    for path, text in sorted(files.items()):
        golden = GOLDEN / path
        if update:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text)
        assert golden.is_file(), f"no golden file {golden}; render with AIINFRA_UPDATE_GOLDEN=1 and review it"
        assert golden.read_text() == text, f"{path} differs from {golden}"

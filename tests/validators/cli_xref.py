"""NX-OS 10.5, EOS 4.32 and Junos EVO 23.4 configs: parse-back plus cross-reference checks.

No offline vendor validator exists for these CLIs, so a config is accepted when
(1) it parses back (ciscoconfparse2 for NX-OS/EOS, the structural Junos parser
with an exact round trip), (2) every name it references is defined in the same
file (class-maps, policy-maps, ACLs, route-maps, prefix-lists, peer templates /
groups, AAA groups and hosts, VRFs, SNMP groups and views, interfaces; the Junos
kinds live in ``cli_xref_junos``), (3) nothing is defined twice, and (4) every
BGP neighbour sits on a subnet configured on one of the device's interfaces,
without being the device's own address. The keyword forms and the release they
were checked against are in docs/vendor-syntax.md section 8.

The OS of each file comes from the rendered inventory (``aiinfra_os`` and
``aiinfra_config`` in host_vars); a config file with no inventory entry is
identified by its header comment, and one that cannot be identified is a problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, ip_address

from ciscoconfparse2 import CiscoConfParse

from aiinfra.nos.eos import parser as eos_parser
from aiinfra.nos.nxos import parser as nxos_parser
from aiinfra.render.inventory import load_yaml
from tests.validators import cli_xref_junos

OSES = ("nxos", "eos", "junos")
HEADER_OS = {"Cisco NX-OS": "nxos", "Arista EOS": "eos", "Junos OS Evolved": "junos"}
# Files other validators own (FRR, SONiC config_db, NVUE) are left to them.
FOREIGN = re.compile(r"\.(frr\.conf|json|yaml)$")


@dataclass(frozen=True)
class Rule:
    """One line form: under a parent line matching ``under`` (None: top level), it defines or references."""

    under: str | None
    line: str
    kind: str
    role: str  # "def" | "ref" | "multi" (defined by several lines, e.g. prefix-list sequences)
    split: str | None = None  # separator when the group holds several names


@dataclass
class Index:
    """Definitions and references of one file, with 1-based line numbers."""

    defs: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    refs: list[tuple[str, str, int]] = field(default_factory=list)
    addresses: list[IPv4Interface] = field(default_factory=list)
    neighbors: dict[str, int] = field(default_factory=dict)

    def define(self, kind: str, name: str, line: int) -> None:
        self.defs.setdefault(kind, {}).setdefault(name, []).append(line)


NX_SYSTEM_CLASS = re.compile(r"^c-(?:out-)?8q-n?q(?:[1-7]|-default)$")
NXOS_BUILTIN = {"vrf": {"management", "default"}, "class-map-qos": {"class-default"}}
EOS_BUILTIN = {"vrf": {"default"}}
IFACE = r"(?!breakout )(\S+)"

NXOS_RULES = (
    Rule(None, r"^class-map type qos (?:match-any |match-all )?(\S+)$", "class-map-qos", "def"),
    Rule(None, r"^policy-map type qos (\S+)$", "policy-map-qos", "def"),
    Rule(None, r"^policy-map type network-qos (\S+)$", "policy-map-network-qos", "def"),
    Rule(None, r"^policy-map type queuing (\S+)$", "policy-map-queuing", "def"),
    Rule(None, r"^ip access-list (\S+)$", "acl", "def"),
    Rule(None, r"^route-map (\S+) (?:permit|deny) \d+$", "route-map", "multi"),
    Rule(None, r"^ip prefix-list (\S+) ", "prefix-list", "multi"),
    Rule(None, r"^aaa group server (?:tacacs\+|radius) (\S+)$", "aaa-group", "def"),
    Rule(None, r"^(?:tacacs|radius)-server host (\S+)", "aaa-host", "def"),
    Rule(None, rf"^interface {IFACE}$", "interface", "def"),
    Rule(None, r"^vrf context (\S+)$", "vrf", "def"),
    Rule(r"^router bgp ", r"^template peer (\S+)$", "peer-template", "def"),
    Rule(r"^router bgp ", r"^neighbor (\S+)$", "bgp-neighbor", "def"),
    Rule(r"^policy-map type qos ", r"^class (\S+)$", "class-map-qos", "ref"),
    Rule(r"^policy-map type network-qos ", r"^class type network-qos (\S+)$", "nx-system-class", "ref"),
    Rule(r"^policy-map type queuing ", r"^class type queuing (\S+)$", "nx-system-class", "ref"),
    Rule(r"^interface ", r"^service-policy type qos input (\S+)$", "policy-map-qos", "ref"),
    Rule(r"^system qos$", r"^service-policy type network-qos (\S+)$", "policy-map-network-qos", "ref"),
    Rule(r"^system qos$", r"^service-policy type queuing (?:input|output) (\S+)$", "policy-map-queuing", "ref"),
    Rule(r"^line vty$", r"^access-class (\S+) in$", "acl", "ref"),
    Rule(None, r"^snmp-server user \S+ use-ipv4acl (\S+)$", "acl", "ref"),
    Rule(r"^interface ", r"^ip access-group (\S+) (?:in|out)$", "acl", "ref"),
    Rule(r"^(?:neighbor|template peer) ", r"^route-map (\S+) (?:in|out)$", "route-map", "ref"),
    Rule(r"^route-map ", r"^match ip address prefix-list (\S+)$", "prefix-list", "ref"),
    Rule(r"^neighbor ", r"^inherit peer (\S+)$", "peer-template", "ref"),
    Rule(None, r"^aaa (?:authentication|authorization|accounting) .*\bgroup (\S+)", "aaa-group", "ref"),
    Rule(r"^aaa group server ", r"^server (\S+)$", "aaa-host", "ref"),
    Rule(r"^aaa group server ", r"^source-interface (\S+)$", "interface", "ref"),
    Rule(r"^aaa group server ", r"^use-vrf (\S+)$", "vrf", "ref"),
    Rule(None, r"^(?:ntp|logging) source-interface (\S+)$", "interface", "ref"),
    Rule(None, r"\buse-vrf (\S+)$", "vrf", "ref"),
    Rule(r"^interface ", r"^vrf member (\S+)$", "vrf", "ref"),
    Rule(r"^hardware profile dlb$", r"^dlb-interface (.+)$", "interface", "ref", ", "),
)

EOS_RULES = (
    Rule(None, r"^qos profile (\S+)$", "qos-profile", "def"),
    Rule(None, r"^ip access-list (?:standard )?(\S+)$", "acl", "def"),
    Rule(None, r"^route-map (\S+) (?:permit|deny) \d+$", "route-map", "multi"),
    Rule(None, r"^ip prefix-list (\S+)", "prefix-list", "multi"),
    Rule(None, r"^vrf instance (\S+)$", "vrf", "def"),
    Rule(None, r"^aaa group server (?:tacacs\+|radius) (\S+)$", "aaa-group", "def"),
    Rule(None, r"^(?:tacacs|radius)-server host (\S+)", "aaa-host", "def"),
    Rule(None, r"^snmp-server view (\S+) ", "snmp-view", "multi"),
    Rule(None, r"^snmp-server group (\S+) ", "snmp-group", "def"),
    Rule(None, r"^interface (\S+)$", "interface", "def"),
    Rule(r"^router bgp ", r"^neighbor (\S+) peer group$", "peer-group", "def"),
    Rule(r"^interface ", r"^service-profile (\S+)$", "qos-profile", "ref"),
    Rule(r"^management ssh$", r"^ip access-group (\S+)(?: vrf \S+)? in$", "acl", "ref"),
    Rule(r"^management ssh$", r"^ip access-group \S+ vrf (\S+) in$", "vrf", "ref"),
    Rule(r"^management ssh$", r"^vrf (\S+)$", "vrf", "ref"),
    Rule(None, r"^snmp-server ipv4 access-list (\S+)", "acl", "ref"),
    Rule(None, r"^snmp-server user \S+ (\S+) v3", "snmp-group", "ref"),
    Rule(None, r"^snmp-server group \S+ v3 \S+ read (\S+)", "snmp-view", "ref"),
    Rule(r"^router bgp ", r"^neighbor \S+ peer group (\S+)$", "peer-group", "ref"),
    Rule(r"^(?:router bgp |address-family )", r"^neighbor ([A-Za-z_]\S*) (?!peer group$)", "peer-group", "ref"),
    Rule(r"^route-map ", r"^match ip address prefix-list (\S+)$", "prefix-list", "ref"),
    Rule(None, r"^aaa (?:authentication|authorization|accounting) .*\bgroup (\S+)", "aaa-group", "ref"),
    Rule(r"^aaa group server ", r"^server (\S+)", "aaa-host", "ref"),
    Rule(r"^aaa group server ", r"^server \S+ vrf (\S+)$", "vrf", "ref"),
    Rule(
        None,
        r"^(?:ip route|ip name-server|ntp server|logging|ip tacacs|ip radius|ip domain lookup) vrf (\S+)",
        "vrf",
        "ref",
    ),
    Rule(None, r"^(?:tacacs|radius)-server host \S+ vrf (\S+)", "vrf", "ref"),
    Rule(None, r"^(?:snmp-server vrf|no ip routing vrf) (\S+)$", "vrf", "ref"),
    Rule(None, r"^ntp local-interface vrf (\S+) ", "vrf", "ref"),
    Rule(None, r"^ntp local-interface vrf \S+ (\S+)$", "interface", "ref"),
    Rule(None, r"\bsource-interface (\S+)$", "interface", "ref"),
    Rule(r"^interface ", r"^vrf (\S+)$", "vrf", "ref"),
)


def _index(conf: CiscoConfParse, rules: tuple[Rule, ...], builtin: dict[str, set[str]]) -> Index:
    index = Index()
    for kind, builtins in builtin.items():
        for name in builtins:
            index.define(kind, name, 0)
    for obj in conf.objs:
        text = obj.text.strip()
        if not text or text.startswith("!"):
            continue
        parents = obj.all_parents
        parent = parents[-1].text.strip() if parents else None
        line = obj.linenum + 1
        for rule in rules:
            if (rule.under is None) != (parent is None):
                continue
            if rule.under is not None and not re.search(rule.under, str(parent)):
                continue
            m = re.search(rule.line, text)
            if not m:
                continue
            found = m.group(1).split(rule.split) if rule.split else [m.group(1)]
            for name in found:
                if rule.role == "ref":
                    index.refs.append((rule.kind, name, line))
                elif rule.role == "def" or name not in index.defs.get(rule.kind, {}):
                    index.define(rule.kind, name, line)
        if parent is not None and parents[0].text.startswith("interface "):
            m = re.match(r"^ip address (\d+\.\d+\.\d+\.\d+/\d+)", text)
            if m:
                index.addresses.append(IPv4Interface(m.group(1)))
        if parents and parents[0].text.startswith("router bgp "):
            m = re.match(r"^neighbor (\d+\.\d+\.\d+\.\d+)\b", text)
            if m:
                index.neighbors.setdefault(m.group(1), line)
    return index


def _xref(index: Index) -> list[str]:
    out = []
    for kind, name, line in index.refs:
        if kind == "nx-system-class":
            if not NX_SYSTEM_CLASS.match(name):
                out.append(f"line {line}: {name} is not an NX-OS 8q system class")
        elif name not in index.defs.get(kind, {}):
            out.append(f"line {line}: {kind} {name} is referenced but never defined")
    for kind, names in sorted(index.defs.items()):
        for name, all_lines in sorted(names.items()):
            lines = [n for n in all_lines if n]  # line 0: built into the OS, may be configured once
            if len(lines) > 1:
                out.append(f"line {lines[1]}: {kind} {name} is defined again (first at line {lines[0]})")
    out += neighbor_problems(index.neighbors, index.addresses)
    return out


def neighbor_problems(neighbors: Mapping[str, int], addresses: list[IPv4Interface]) -> list[str]:
    """A BGP neighbour must lie in a configured subnet of the device and not be the device itself."""
    out = []
    for peer, line in sorted(neighbors.items(), key=lambda kv: kv[1]):
        address = ip_address(peer)
        if any(address == a.ip for a in addresses):
            out.append(f"line {line}: BGP neighbor {peer} is this device's own address")
        elif not isinstance(address, IPv4Address) or not any(address in a.network for a in addresses):
            out.append(f"line {line}: BGP neighbor {peer} is on no subnet configured on this device")
    return out


def _siblings(conf: CiscoConfParse) -> list[str]:
    """The same line twice under one parent (or twice at top level) is a duplicate definition."""
    out = []
    seen: dict[tuple[int, str], int] = {}
    for obj in conf.objs:
        text = obj.text.strip()
        if not text or text.startswith("!"):
            continue
        parents = obj.all_parents
        key = (parents[-1].linenum if parents else -1, text)
        if key in seen:
            out.append(f"line {obj.linenum + 1}: {text!r} repeats line {seen[key]}")
        else:
            seen[key] = obj.linenum + 1
    return out


def cisco_problems(text: str, os_name: str) -> list[str]:
    """Parse-back and cross-references of one NX-OS or EOS config."""
    lines = _without_banner(text)
    try:
        conf = CiscoConfParse(lines, syntax="nxos" if os_name == "nxos" else "ios")
        parse: Callable[[str, CiscoConfParse], object] = nxos_parser.parse if os_name == "nxos" else eos_parser.parse
        parse(text, conf)
    except Exception as exc:  # any parser failure is the finding
        return [f"does not parse back: {exc}"]
    rules, builtin = (NXOS_RULES, NXOS_BUILTIN) if os_name == "nxos" else (EOS_RULES, EOS_BUILTIN)
    return _xref(_index(conf, rules, builtin)) + _siblings(conf)


def _without_banner(text: str) -> list[str]:
    """Banner bodies are free text (EOS: up to ``EOF``; NX-OS: up to the delimiter character that
    follows ``banner motd``); blank them so no rule reads a banner line as configuration."""
    out: list[str] = []
    end: str | None = None
    for line in text.splitlines():
        if end is not None:
            out.append("!")
            if (line == "EOF") if end == "EOF" else (end in line):
                end = None
            continue
        m = re.match(r"^banner (?:motd|exec|login)(?: (\S))?", line)
        out.append("!" if m else line)  # the parser's own banner handling would look for a delimiter
        if m and m.group(1) is None:
            end = "EOF"
        elif m:
            end = None if m.group(1) in line[m.end() :] else m.group(1)
    return out


def config_oses(files: Mapping[str, bytes]) -> dict[str, str]:
    """Rendered config path -> OS, from the inventory's host_vars, else from the file's header."""
    out: dict[str, str] = {}
    for path, data in files.items():
        if path.startswith("inventory/host_vars/") and path.endswith(".yml"):
            hv = load_yaml(data) or {}
            config = str(hv.get("aiinfra_config", ""))
            if "aiinfra_os" in hv and "configs/" in config:
                out["configs/" + config.split("configs/", 1)[1]] = str(hv["aiinfra_os"])
    for path, data in files.items():
        if path.startswith("configs/") and path not in out and not FOREIGN.search(path):
            head = data[:600].decode("utf-8", "replace")
            found = [os for marker, os in HEADER_OS.items() if marker in head]
            out[path] = found[0] if len(found) == 1 else "unknown"
    return out


def problems(files: Mapping[str, bytes]) -> list[str]:
    """Every problem in the NX-OS, EOS and Junos configs of a rendered file set."""
    out: list[str] = []
    for path, os_name in sorted(config_oses(files).items()):
        if os_name not in OSES:
            if os_name == "unknown":
                out.append(f"{path}: cannot tell which OS this config is for")
            continue
        if path not in files:
            out.append(f"{path}: the inventory names this config but it was not rendered")
            continue
        text = files[path].decode("utf-8")
        found = cli_xref_junos.problems(text) if os_name == "junos" else cisco_problems(text, os_name)
        out += [f"{path}: {p}" for p in found]
    return out

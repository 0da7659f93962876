"""Juniper Junos OS Evolved 23.4 (QFX5240) renderer: one curly-brace file per switch.

The file is a complete configuration meant for ``junos_config`` with
``update: override``, so it must carry everything the switch needs (system,
management instance, AAA, SNMPv3, the RE filter) and nothing that depends on
what is already on the box. Numbers come from the Design (BFD and PFC watchdog
timers, weights, DSCPs; the watchdog in Junos units through ``units.py``) or,
where Junos takes a vendor profile rather than a number (WRED fill levels, the
shared-buffer partition), from this driver's ``capabilities.yaml`` row; this
module only picks, groups and spells them the way Junos wants (DSCP as six bits,
key types as Junos keywords). Anything Junos cannot express is refused at
validate (the capability row + design checks), never here. Templates are this
driver's ``templates/`` (or the user's, through ``Driver.render_template``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from aiinfra.design.model import BgpNeighbor, Design, Device, QosIntent, TrafficClass
from aiinfra.nos import driver, profile
from aiinfra.nos.common import OOB_ROLES, config_files, switch_context
from aiinfra.nos.junos import units

OS = "junos"
TEMPLATE = "config.conf.j2"

SNMP_AUTH = {"sha": "authentication-sha", "sha-256": "authentication-sha256"}
SNMP_PRIV = {"aes128": "privacy-aes128"}
LOGIN_CLASS = {"admin": "super-user", "operator": "operator"}
AAA_ORDER = {"tacacs": "tacplus", "radius": "radius"}


@dataclass(frozen=True, slots=True)
class ForwardingClass:
    """A Design traffic class under the Junos name the configlet layout uses."""

    name: str
    scheduler: str
    tc: TrafficClass


class Breakout(NamedTuple):
    """A broken-out front-panel port: Junos configures it on the parent interface."""

    parent: str
    ways: int
    speed: str


class InterfaceRow(NamedTuple):
    """One ``interfaces`` stanza as the template spells it, its free text already quoted.

    The templates unpack these tuples (``{% for name, description, ... in ... %}``): a
    Junos leaf has about 260 interfaces, and a Jinja loop that reads five attributes and
    calls a quoting function per row costs several times one that unpacks a tuple.
    ``mode``: ``disable`` (unused), ``access`` (an out-of-band port in the default VLAN)
    or ``routed``; ``address`` is None on a routed port without one.
    """

    name: str
    description: str
    mode: str
    mtu: int
    address: str | None


class NeighborRow(NamedTuple):
    """One BGP neighbor as the template spells it (description quoted)."""

    address: str
    description: str
    peer_as: int
    bfd: bool


def junos_quote(text: str) -> str:
    """A Junos double-quoted string; free text is always quoted so spaces are safe.

    Backslash and quote are escaped, and a newline becomes ``\\n``, which the
    login message expands, so a multi-line banner stays one statement.
    """
    if "\\" in text or '"' in text or "\n" in text:  # three scans in C; most text needs no escape
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def junos_comment(text: str) -> str:
    """Text safe inside ``/* */``: Junos keeps it as an annotation on the next statement."""
    return text.replace("*/", "* /")


def dscp_bits(dscp: int) -> str:
    """Junos classifiers spell a DSCP as its six bits (26 -> 011010)."""
    return format(dscp, "06b")


def pcp_bits(priority: int) -> str:
    """IEEE 802.1p code points are three bits (3 -> 011)."""
    return format(priority, "03b")


def ssh_key_keyword(key: str) -> str:
    """Junos names the key type in the statement (``ssh-ecdsa`` for every NIST curve).

    Validation admits only the types in the junos row's ``ssh_key_types``.
    """
    kind = key.split(" ", 1)[0]
    return "ssh-ecdsa" if kind.startswith("ecdsa-sha2-nistp") else kind


def forwarding_classes(qos: QosIntent) -> list[ForwardingClass]:
    """Name each Design class the way fabric.md 2.5's configlet does.

    The lossless class is NO-LOSS and the strict class CNP; the catch-all class
    keeps the Junos default name ``best-effort`` so unclassified traffic, which
    Junos puts there, gets the Design's weight.
    """
    out: list[ForwardingClass] = []
    for tc in qos.classes:
        if tc.lossless:
            name, scheduler = "NO-LOSS", "S-NO-LOSS"
        elif tc.scheduling == "strict":
            name, scheduler = "CNP", "S-CNP"
        elif not tc.dscps:
            name, scheduler = "best-effort", "S-BEST-EFFORT"
        else:
            name, scheduler = tc.name, f"S-{tc.name}"
        out.append(ForwardingClass(name, scheduler, tc))
    return out


def breakouts(device: Device) -> list[Breakout]:
    """Parent interface per broken-out port, named from its members (``et-0/0/4:1`` -> ``et-0/0/4``).

    On the QFX5240 under Junos EVO the split is set on the parent interface
    (``interfaces et-0/0/4 number-of-sub-ports 2; speed 400g``), as the QFX5240
    JVD configs do; the ``chassis fpc 0 pic 0 port`` form belongs to the MX/PTX
    line cards. The parent's name is read from the Design's member names, so no
    port number is recomputed here.
    """
    split = [port for port in device.physical_ports if port.ways > 1]
    if not split:
        return []
    parents = {i.physical_port: i.name.partition(":")[0] for i in device.interfaces if ":" in i.name}
    new = tuple.__new__
    return [new(Breakout, (parents[port.number], port.ways, f"{port.speed_gbps}g")) for port in split]


def interface_rows(device: Device) -> list[InterfaceRow]:
    """The ``interfaces`` stanzas in Design order (what ``interfaces.j2`` writes per port)."""
    quote, new = junos_quote, tuple.__new__  # the row without NamedTuple's Python-level __new__
    return [
        new(
            InterfaceRow,
            (
                i.name,
                quote(i.description),
                "disable" if not i.enabled else "access" if i.role in OOB_ROLES else "routed",
                i.mtu,
                i.address,
            ),
        )
        for i in device.interfaces
    ]


def neighbor_rows(groups: dict[str, list[BgpNeighbor]]) -> list[tuple[str, list[NeighborRow]]]:
    """``bgp_groups`` as (group, neighbor rows), for ``routing.j2``."""
    quote, new = junos_quote, tuple.__new__
    return [
        (group, [new(NeighborRow, (n.address, quote(n.peer_device), n.remote_asn, n.bfd)) for n in neighbors])
        for group, neighbors in groups.items()
    ]


def snmp_keywords(design: Design) -> dict[str, tuple[str, str]]:
    """User name -> (auth statement, privacy statement).

    Junos has no SHA-512 or AES-256; validation refuses them (the row's snmp_auth/snmp_priv).
    """
    return {u.name: (SNMP_AUTH[u.auth], SNMP_PRIV[u.priv]) for u in design.management.snmp_users}


def bgp_groups(device: Device) -> dict[str, list[BgpNeighbor]]:
    """Neighbors per peer group, groups sorted by name, neighbors in Design order."""
    groups: dict[str, list[BgpNeighbor]] = {}
    if device.bgp is None:
        return groups
    for n in device.bgp.neighbors:
        groups.setdefault(n.peer_group, []).append(n)
    return {g: groups[g] for g in sorted(groups)}


def root_keys(design: Design) -> list[str]:
    """Keys for ``root-authentication``, which Junos requires before it commits anything.

    Root SSH login stays denied; the admins' keys only satisfy the commit check
    without putting a secret the Design does not have into the file.
    """
    users = design.management.users
    admins = [u for u in users if u.role == "admin"] or list(users)
    return [k for u in admins for k in u.ssh_keys]


def service_hosts(design: Design) -> list[str]:
    """Servers whose replies the RE filter must let in (DNS, NTP, AAA), first-seen order."""
    mgmt = design.management
    hosts = [*mgmt.dns, *mgmt.ntp, *(s.address for s in mgmt.aaa_servers)]
    return list(dict.fromkeys(hosts))


def junos_context(device: Device, design: Design) -> dict[str, Any]:
    """Everything the Junos templates need beyond the shared switch context."""
    qos = device.qos
    row = profile(OS)
    classes = forwarding_classes(qos) if qos else []
    mgmt = design.management
    aaa_order = AAA_ORDER[mgmt.aaa_protocol] if mgmt.aaa_protocol else None
    groups = bgp_groups(device)
    return {
        "q": junos_quote,
        "comment": junos_comment,
        "dscp_bits": dscp_bits,
        "pcp_bits": pcp_bits,
        "ssh_key_keyword": ssh_key_keyword,
        "login_class": LOGIN_CLASS,
        "aaa_order": aaa_order,
        "os_name": "Juniper Junos OS Evolved",
        "junos_breakouts": breakouts(device),
        "forwarding_classes": classes,
        "nodrop_class": next((fc for fc in classes if fc.tc.lossless), None),
        "watchdog": units.pfc_watchdog(qos.pfc_watchdog) if qos else None,
        "snmp_keywords": snmp_keywords(design),
        "bgp_groups": groups,
        "junos_interfaces": interface_rows(device),
        "junos_bgp_groups": neighbor_rows(groups),
        "roce_port_names": [i.name for i in device.interfaces if i.lossless],
        "bgp_peers": [n.address for n in device.bgp.neighbors] if device.bgp else [],
        "ecn_fill_pct": row.ecn_fill_pct,
        "shared_buffer": row.shared_buffer,
        "root_keys": root_keys(design),
        "service_hosts": service_hosts(design),
    }


def render(device: Device, design: Design) -> dict[str, str]:
    """Render ``configs/<hostname>.conf`` for one Junos switch."""
    context = switch_context(device, design)
    context.update(junos_context(device, design))
    return {config_files(device)[0]: driver(OS).render_template(TEMPLATE, design, **context)}

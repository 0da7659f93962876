"""NVIDIA Cumulus Linux 5.14: one NVUE ``startup.yaml``-format file per switch.

The file is a YAML list with one ``- set:`` item holding the whole object tree,
loaded with ``nv config replace <file>`` and ``nv config apply`` (NVUE-CLI page;
docs/vendor-syntax.md 3.1). Every ``nv set a b c v`` is the nested mapping
``a: b: c: v``; collections are maps keyed by id, ``{}`` meaning "present".

5.14 spellings matter: it is the last release where many knobs are
``enable: on`` (5.15 moved them to ``state: enabled``), while SNMP
(``system snmp-server``, 5.11+) and syslog (``system syslog``, 5.13+) already
left ``service``. Sources: CumulusNetworks/docs ``content/cumulus-linux-514``
and the NVUE command reference, quoted in docs/vendor-syntax.md 3.x and
fabric.md 2.3.

Cumulus specifics kept here as data: the NVUE role and SNMP keywords, the ACL
rule layout, and the OOB access VLAN.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design, Device, Headroom, Interface, PhysicalPort
from aiinfra.design.ports import port_name
from aiinfra.render.environment import render_template
from aiinfra.render.frr import peer_groups
from aiinfra.render.inventory import config_files
from aiinfra.render.switches.common import snmp_users, switch_context
from aiinfra.render.switches.qosmaps import dscp_to_tc, priority_to_tc

TEMPLATE = "cumulus/startup.yaml.j2"
OS = "cumulus"
USER_ROLES = {"admin": "system-admin", "operator": "nvue-monitor"}
# NVUE 5.14 documents auth-md5 and auth-sha only (Configure-SNMP page).
SNMP_AUTH = {"sha": "auth-sha"}  # NVUE 5.14 states SHA only; os.yaml keeps specs from asking for more
SNMP_PRIV = {"aes128": "encrypt-aes"}
# OOB access ports join br_default as access ports of one VLAN. The Design carries no
# management VLAN id, so the bridge's own default (untagged VLAN 1) is used.
MGMT_VLAN = 1
MGMT_ACL = "MGMT-ACL"
SERVICES = (("tcp", 22), ("udp", 161))  # SSH, SNMP: the control-plane services the ACL guards
ACL_RULE_STEP = 10


@dataclass(frozen=True, slots=True)
class AclRule:
    """One rule of the management ACL; ``source`` None matches any source."""

    id: int
    action: str
    protocol: str
    port: int
    source: str | None


@dataclass(frozen=True, slots=True)
class SshKey:
    """An OpenSSH public key split the way NVUE stores it; the comment names the key."""

    name: str
    type: str
    key: str


@dataclass(frozen=True, slots=True)
class PfcProfile:
    """A PFC port group: ports sharing one headroom profile share a cable length."""

    headroom: Headroom
    cable_length: str


def quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax) that keeps ``'`` literal.

    Jinja's ``tojson`` escapes ``'`` as ``\\u0027``; YAML would read that back, but
    Ansible templates this file before NVUE sees it, and an env lookup such as
    ``{{ lookup('ansible.builtin.env', 'X') }}`` must reach Ansible intact.
    """
    return json.dumps(text)


def breakout_parents(device: Device, catalog: Catalog) -> list[tuple[str, PhysicalPort]]:
    """(cage name, mode) for every broken-out cage; NVUE sets ``link breakout`` on the cage."""
    model = catalog.switches[device.model]
    return [(port_name(model, OS, p.number, 0, 1), p) for p in device.physical_ports if p.ways > 1]


def acl_rules(cidrs: tuple[str, ...]) -> list[AclRule]:
    """Permit SSH and SNMP from each allowed CIDR, then deny both from anywhere else.

    Only these two services are matched, so the ACL cannot cut the switch off from
    anything else on eth0 (NTP replies, DNS, TACACS/RADIUS answers).
    """
    rules = [(proto, port, cidr, "permit") for cidr in cidrs for proto, port in SERVICES]
    rules += [(proto, port, None, "deny") for proto, port in SERVICES]
    return [AclRule(n * ACL_RULE_STEP, act, proto, port, src) for n, (proto, port, src, act) in enumerate(rules, 1)]


def ssh_keys(user: str, keys: tuple[str, ...]) -> list[SshKey]:
    out = []
    for n, text in enumerate(keys, 1):
        parts = text.split()
        name = parts[2] if len(parts) > 2 else f"{user}-key{n}"
        out.append(SshKey(name, parts[0], parts[1]))
    return out


def users(design: Design) -> list[dict[str, Any]]:
    return [
        {
            "name": u.name,
            "role": USER_ROLES[u.role],
            "hashed_password": u.password_hash,
            "ssh_keys": ssh_keys(u.name, u.ssh_keys),
        }
        for u in design.management.users
    ]


def pfc_profiles(headrooms: list[Headroom]) -> list[PfcProfile]:
    return [PfcProfile(h, f"{h.cable_m:g}") for h in headrooms]


def cumulus_context(device: Device, design: Design, catalog: Catalog) -> dict[str, Any]:
    ctx = switch_context(device, design, catalog)
    qos = device.qos
    ordered: list[Interface] = sorted(device.interfaces, key=lambda i: (i.physical_port, i.breakout_member))
    servers = design.management.aaa_servers
    ctx.update(
        release=device.os_release,
        ports=ordered,
        breakout_parents=breakout_parents(device, catalog),
        roce_names={i.name for i in ctx["roce_ports"]},
        ar_names={i.name for i in ctx["fabric_ports"]} if device.load_balancing == "per-packet" else set(),
        access_names={i.name for i in ctx["access_ports"] + ctx["oob_uplinks"]},
        mgmt_vlan=MGMT_VLAN,
        dscp_map=dscp_to_tc(qos) if qos else {},
        sp_map=priority_to_tc(qos) if qos else {},
        pfc_profiles=pfc_profiles(ctx["headroom_profiles"]),
        acl_name=MGMT_ACL,
        acl_rules=acl_rules(design.management.allowed_cidrs),
        users=users(design),
        snmp_users=snmp_users(design, SNMP_AUTH, SNMP_PRIV),
        aaa_servers=[{"address": s.address, "key": s.key, "priority": n} for n, s in enumerate(servers, 1)],
        mgmt_ip=device.mgmt_address.split("/")[0],
        peer_groups=peer_groups(device),
        quote=quote,
    )
    return ctx


def render(device: Device, design: Design, catalog: Catalog) -> dict[str, str]:
    """One NVUE startup.yaml for ``device``."""
    path = config_files(device, catalog)[0]
    return {path: render_template(TEMPLATE, **cumulus_context(device, design, catalog))}

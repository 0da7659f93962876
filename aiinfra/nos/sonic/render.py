"""Community SONiC 202411: ``config_db.json`` plus FRR ``frr.conf``.

config_db.json carries ports, addresses, QoS, buffers, the PFC watchdog and the
management plane; FRR (split-unified mode) carries routing, rendered by the
shared ``aiinfra.render.frr``. Table and field names follow the SONiC ConfigDB
manual and YANG models (sonic-buildimage ``src/sonic-yang-models``); see
docs/vendor-syntax.md section 4 and fabric.md 2.4.

The template writes JSON freely (trailing commas allowed); this module parses
it and dumps it with sorted keys, so the file is valid JSON, deterministic, and
diff-friendly whatever order the template used. ConfigDB takes every value as
a string, so numbers are quoted in the template.

SONiC specifics kept here as data: map names, scheduler names, the SNMP and
AAA keywords and the DEVICE_METADATA ``type`` per role.

Every output is judged by SONiC's own 202411 YANG models (tests/validators/sonic_yang.py);
docs/vendor-syntax.md section 4.7 lists what they decided. Buffers are the static model,
written in full, because ``config reload`` replaces CONFIG_DB (sonic_buffers.py says why).

Platform facts the Design does not carry are left out rather than guessed: PORT
``alias``/``index`` and the DEVICE_METADATA ``hwsku``/``platform``/``mac`` come from the
box at deploy time (playbooks/filter_plugins/aiinfra_sonic.py), which also replaces the
position-based PORT ``lanes`` rendered here with the box's own. Local users and their SSH
keys have no ConfigDB table, so they must be created as Linux accounts outside this file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aiinfra.design.model import Design, Device, Interface, PhysicalPort, QosIntent
from aiinfra.render.environment import render_template
from aiinfra.render.frr import render_frr
from aiinfra.render.inventory import config_files
from aiinfra.render.switches.common import snmp_users, switch_context
from aiinfra.render.switches.qosmaps import PRIORITIES, dscp_to_tc
from aiinfra.render.switches.sonic_buffers import CABLE_TABLE, buffers

TEMPLATE = "sonic/config_db.json.j2"
MAP_NAME = "AIINFRA"  # our own maps: the stock AZURE map puts DSCP 26 in lossy TC1 (fabric.md 2.4)
WRED_PROFILE = "AIINFRA_ROCE"
LOSSY_PG = 0  # SONiC convention: every lossy TC shares priority group 0 (qos_config.j2)
# PORT.speed is in Mb/s; the Design carries Gb/s. A unit name, not a derived quantity.
MBPS_PER_GBPS = 1000
SNMP_AUTH = {"sha": "SHA", "sha-256": "HMAC-SHA-2"}  # sonic-snmp.yang enum
SNMP_PRIV = {"aes128": "AES"}  # net-snmp "AES" is AES-128
AAA_LOGIN = {"tacacs": "tacacs+,local", "radius": "radius,local"}
DEVICE_TYPE = {
    ("backend", "leaf"): "BackEndToRRouter",
    ("backend", "spine"): "BackEndLeafRouter",
    ("backend", "super-spine"): "SpineRouter",
    ("frontend", "leaf"): "ToRRouter",
    ("frontend", "spine"): "LeafRouter",
    ("frontend", "super-spine"): "SpineRouter",
    ("storage", "leaf"): "ToRRouter",
    ("storage", "spine"): "LeafRouter",
    ("storage", "super-spine"): "SpineRouter",
    ("oob", "oob"): "MgmtToRRouter",
}
# A JSON string (kept as is) or a comma that closes nothing (dropped): string-aware, so a
# banner or description containing ",}" is never touched.
_STRING_OR_TRAILING_COMMA = re.compile(r'"(?:\\.|[^"\\])*"|,(?=\s*[}\]])')


@dataclass(frozen=True, slots=True)
class Port:
    """One PORT entry: a Design interface with its speed in SONiC's unit."""

    iface: Interface
    speed_mbps: int
    lanes: str  # "0,1,2,3": SerDes lanes by front-panel position (see lanes())


@dataclass(frozen=True, slots=True)
class AclRule:
    """One control-plane ACL rule; SONiC orders rules by PRIORITY, higher first."""

    name: str
    priority: int
    source: str


def lanes(iface: Interface, ways: int, lanes_per_port: int) -> str:
    """The member's SerDes lanes counted from the start of the front panel, 0-based.

    PORT.lanes is mandatory in sonic-port.yang, and a broken-out child port does not exist
    in a factory CONFIG_DB, so a first install must bring it. This is the numbering the
    catalog's SONiC port names use (``Ethernet{lane0}``); the deploy replaces it with the
    box's own lanes wherever its running CONFIG_DB knows them
    (playbooks/filter_plugins/aiinfra_sonic.py).
    """
    per_member = lanes_per_port // ways
    first = (iface.physical_port - 1) * lanes_per_port + iface.breakout_member * per_member
    return ",".join(str(first + n) for n in range(per_member))


def ports(device: Device, design: Design) -> list[Port]:
    """Every front-panel logical port, in front-panel order."""
    per_port = design.switch_models[device.model].lanes_per_port
    ways = {p.number: p.ways for p in device.physical_ports}
    ordered = sorted(device.interfaces, key=lambda i: (i.physical_port, i.breakout_member))
    return [Port(i, i.speed_gbps * MBPS_PER_GBPS, lanes(i, ways.get(i.physical_port, 1), per_port)) for i in ordered]


def breakout_roots(device: Device) -> list[tuple[str, PhysicalPort]]:
    """(root port name, mode) for each broken-out cage: the root is member 0's name."""
    roots = {i.physical_port: i.name for i in device.interfaces if i.breakout_member == 0}
    return [(roots[p.number], p) for p in device.physical_ports if p.ways > 1 and p.number in roots]


def tc_to_pg(qos: QosIntent) -> dict[int, int]:
    """Lossless classes keep their own priority group (PFC pauses per PG); the rest share the lossy PG."""
    lossless = {c.tc for c in qos.classes if c.lossless}
    return {tc: tc if tc in lossless else LOSSY_PG for tc in PRIORITIES}


def acl_rules(cidrs: tuple[str, ...]) -> list[AclRule]:
    """One ACCEPT rule per allowed CIDR; priorities count down from 9999 as in the ConfigDB manual."""
    return [AclRule(f"RULE_{n}", 10000 - n, cidr) for n, cidr in enumerate(cidrs, 1)]


def aaa_servers(design: Design) -> list[dict[str, Any]]:
    """Servers with SONiC priorities: higher is tried first, so the spec's first server gets the highest."""
    servers = design.management.aaa_servers
    return [{"address": s.address, "key": s.key, "priority": len(servers) - n} for n, s in enumerate(servers)]


def tacacs_global_key(design: Design) -> str | None:
    """TACPLUS|global passkey: the first (most preferred) server's secret reference.

    sonic-system-aaa.yang refuses ``login`` with tacacs+ unless TACPLUS|global has a
    passkey; each TACPLUS_SERVER still carries its own, which hostcfgd prefers.
    """
    servers = design.management.aaa_servers
    return servers[0].key if design.management.aaa_protocol == "tacacs" and servers else None


def runs_bfd(device: Device) -> bool:
    """Whether frr.conf asks for BFD, so bfdd must run in the bgp container.

    SONiC 202411 starts bfdd only when DEVICE_METADATA ``frr_mgmt_framework_config`` is
    "true" (sonic-buildimage dockers/docker-fpm-frr/frr/supervisord/supervisord.conf.j2,
    ``[program:bfdd]`` inside that condition); without it the ``neighbor ... bfd`` lines
    register sessions that nothing answers. See docs/vendor-syntax.md (SONiC).
    """
    return device.bgp is not None and any(n.bfd for n in device.bgp.neighbors)


def sonic_context(device: Device, design: Design) -> dict[str, Any]:
    ctx = switch_context(device, design)
    qos = device.qos
    ctx.update(
        release=device.os_release,
        device_type=DEVICE_TYPE[(device.fabric, device.role)],
        ports=ports(device, design),
        breakout_roots=breakout_roots(device),
        map_name=MAP_NAME,
        wred_profile=WRED_PROFILE,
        buffers=buffers(device, design.switch_models[device.model]),
        cable_table=CABLE_TABLE,
        mgmt_vlan=device.access_vlan,
        vlan_members=ctx["access_ports"] + ctx["oob_uplinks"],
        dscp_map=dscp_to_tc(qos) if qos else {},
        identity_map={p: p for p in PRIORITIES},
        pg_map=tc_to_pg(qos) if qos else {},
        acl_rules=acl_rules(design.management.allowed_cidrs),
        snmp_users=snmp_users(design, SNMP_AUTH, SNMP_PRIV),
        aaa_login=AAA_LOGIN.get(design.management.aaa_protocol or "", "local"),
        aaa_servers=aaa_servers(design),
        tacacs_global_key=tacacs_global_key(design),
        frr_mgmt_framework=runs_bfd(device),
        mgmt_ip=device.mgmt_address.split("/")[0],
    )
    return ctx


def config_db(device: Device, design: Design) -> str:
    """config_db.json text: template output re-serialised with sorted keys."""
    raw = render_template(TEMPLATE, **sonic_context(device, design))
    data = json.loads(_STRING_OR_TRAILING_COMMA.sub(lambda m: m.group(0) if m.group(0) != "," else "", raw))
    return json.dumps(data, indent=4, sort_keys=True) + "\n"


def render(device: Device, design: Design) -> dict[str, str]:
    """``<hostname>.json`` (config_db) and ``<hostname>.frr.conf`` for one SONiC switch."""
    db_path, frr_path = config_files(device)
    return {db_path: config_db(device, design), frr_path: render_frr(device, design)}

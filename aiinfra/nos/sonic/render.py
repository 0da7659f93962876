"""Community SONiC 202411: ``config_db.json`` plus FRR ``frr.conf``.

config_db.json carries ports, addresses, QoS, buffers, the PFC watchdog and the
management plane; FRR (split-unified mode) carries routing, rendered from the frr
driver's ``frr.conf.j2`` (this driver's template parent). Table and field names follow
the SONiC ConfigDB manual and YANG models (sonic-buildimage ``src/sonic-yang-models``);
see docs/vendor-syntax.md section 4 and fabric.md 2.4.

CONFIG_DB is structured data, so it is built as Python dicts and dumped with sorted
keys and four-space indentation: valid JSON by construction, deterministic, and
diff-friendly. ConfigDB takes every value as a string, so numbers are converted where
the table is built (units.py for the ones with a unit).

Every output is judged by SONiC's own 202411 YANG models (tests/validators/sonic_yang.py);
docs/vendor-syntax.md section 4.7 lists what they decided. Buffers are the static model,
written in full, because ``config reload`` replaces CONFIG_DB (buffers.py says why).

Platform facts the Design does not carry are left out rather than guessed: PORT
``alias``/``index`` and the DEVICE_METADATA ``hwsku``/``platform``/``mac`` come from the
box at deploy time (playbooks/filter_plugins/aiinfra_sonic.py), which also replaces the
position-based PORT ``lanes`` rendered here with the box's own. Local users and their SSH
keys have no ConfigDB table, so they must be created as Linux accounts outside this file.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design, Device, Interface
from aiinfra.nos import driver, profile
from aiinfra.nos.common import config_files
from aiinfra.nos.frr.render import frr_conf
from aiinfra.nos.jsontext import indented_json
from aiinfra.nos.sonic import units
from aiinfra.nos.sonic.management import management_tables
from aiinfra.nos.sonic.qos import qos_tables

Table = dict[str, Any]
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
# ``config save`` writes ``sonic-cfggen -d --print-data``: json.dumps with indent 4 (sonic-buildimage
# src/sonic-config-engine/sonic-cfggen). Keys are sorted here too, so the file is deterministic.
JSON_INDENT = 4


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


def runs_bfd(device: Device) -> bool:
    """Whether frr.conf asks for BFD, so bfdd must run in the bgp container.

    SONiC 202411 starts bfdd only when DEVICE_METADATA ``frr_mgmt_framework_config`` is
    "true" (sonic-buildimage dockers/docker-fpm-frr/frr/supervisord/supervisord.conf.j2,
    ``[program:bfdd]`` inside that condition); without it the ``neighbor ... bfd`` lines
    register sessions that nothing answers. See docs/vendor-syntax.md (SONiC).
    """
    return device.bgp is not None and any(n.bfd for n in device.bgp.neighbors)


def metadata(device: Device, design: Design) -> Table:
    """DEVICE_METADATA|localhost: identity, FRR mode, and the buffer model where QoS runs."""
    meta: Table = {
        "hostname": device.name,
        "type": DEVICE_TYPE[(device.fabric, device.role)],
        "docker_routing_config_mode": "split-unified",
        "timezone": design.management.timezone,
    }
    if runs_bfd(device):
        meta["frr_mgmt_framework_config"] = "true"
    if device.bgp is not None:
        meta["bgp_asn"] = str(device.bgp.asn)
    if device.qos is not None:
        meta["default_pfcwd_status"] = "enable"
        meta["buffer_model"] = "traditional"
    return {"DEVICE_METADATA": {"localhost": meta}}


def port_tables(device: Device, design: Design) -> Table:
    """Every front-panel port, its breakout, its address; the loopback; the OOB access VLAN."""
    per_port = design.switch_models[device.model].lanes_per_port
    ways = {p.number: p.ways for p in device.physical_ports}
    out: Table = {
        "PORT": {
            i.name: {
                "admin_status": "up" if i.enabled else "down",
                "description": i.description,
                "lanes": lanes(i, ways.get(i.physical_port, 1), per_port),
                "mtu": str(i.mtu),
                "speed": str(units.speed_mbps(i.speed_gbps)),
            }
            for i in device.interfaces
        }
    }
    roots = {i.physical_port: i.name for i in device.interfaces if i.breakout_member == 0}
    breakouts = {
        roots[p.number]: {"brkout_mode": f"{p.ways}x{p.speed_gbps}G"}
        for p in device.physical_ports
        if p.ways > 1 and p.number in roots
    }
    if breakouts:
        out["BREAKOUT_CFG"] = breakouts
    routed: Table = {}
    for i in device.interfaces:
        if i.address:
            routed[i.name] = {}
            routed[f"{i.name}|{i.address}"] = {}
    if routed:
        out["INTERFACE"] = routed
    if device.loopback:
        out["LOOPBACK_INTERFACE"] = {"Loopback0": {}, f"Loopback0|{device.loopback}": {}}
    access = [i.name for i in device.interfaces if i.role == "oob-access"]
    if access:
        uplinks = [i.name for i in device.interfaces if i.role == "oob-uplink"]
        vlan = f"Vlan{device.access_vlan}"
        out["VLAN"] = {vlan: {"vlanid": str(device.access_vlan), "description": "OOB management access"}}
        out["VLAN_MEMBER"] = {f"{vlan}|{name}": {"tagging_mode": "untagged"} for name in access + uplinks}
    return out


def config_db_tables(device: Device, design: Design) -> Table:
    """The whole CONFIG_DB of one switch, table name -> key -> fields."""
    return {
        **metadata(device, design),
        **port_tables(device, design),
        **qos_tables(device, design.switch_models[device.model]),
        **management_tables(device, design),
    }


def config_db(device: Device, design: Design) -> str:
    """config_db.json text: four-space indentation as ``config save`` writes it, keys sorted."""
    return indented_json(config_db_tables(device, design), JSON_INDENT) + "\n"


def frr_header(device: Device) -> list[str]:
    """Say which release and which consumer the file targets, so nobody loads it elsewhere."""
    return [
        f"Rendered by aiinfra for {device.name}; edit the spec, not this file.",
        f"Target: {profile(device.os).name} {device.os_release}, FRR in the bgp container, /etc/sonic/frr/frr.conf.",
        "DEVICE_METADATA docker_routing_config_mode split-unified: one FRR file, not generated from",
        "CONFIG_DB; interface and loopback addresses come from config_db.json.",
    ]


def render(device: Device, design: Design) -> dict[str, str]:
    """``<hostname>.json`` (config_db) and ``<hostname>.frr.conf`` for one SONiC switch."""
    db_path, frr_path = config_files(device)
    frr = frr_conf(device, design, driver("sonic"), frr_header(device), with_interfaces=False)
    return {db_path: config_db(device, design), frr_path: frr}

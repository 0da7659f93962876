"""Arista EOS 4.32 running-config for every switch role aiinfra designs.

The renderer only selects and names what the Design decided; the templates in
``templates/eos/`` format it. EOS specifics kept here as data:

* breakout speeds: EOS sets a broken-out member's speed with a
  ``<speed>g-<lanes>`` keyword on each member interface (docs/vendor-syntax.md
  2.2), looked up from the cage speed and the number of members;
* keyword spellings EOS uses for SNMPv3 algorithms, user roles and privilege.

The catalog allows only ECMP on EOS (os.yaml), so no DLB stanza exists here.
"""

from __future__ import annotations

from typing import Any

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design, Device, PhysicalPort, QosIntent
from aiinfra.render.environment import render_template
from aiinfra.render.inventory import config_files
from aiinfra.render.switches.common import snmp_users, switch_context

# (cage speed G, members) -> EOS speed keyword of each member: 8-lane OSFP/QSFP-DD cages.
BREAKOUT_SPEED = {
    (800, 2): "400g-4",
    (800, 4): "200g-2",
    (800, 8): "100g-1",
    (400, 2): "200g-4",
    (400, 4): "100g-2",
    (400, 8): "50g-1",
}
SNMP_AUTH = {"sha": "sha", "sha-256": "sha256", "sha-512": "sha512"}
SNMP_PRIV = {"aes128": "aes", "aes256": "aes256"}
USER_ROLES = {"admin": ("network-admin", 15), "operator": ("network-operator", 1)}
DSCP_VALUES = range(64)
DSCPS_PER_MAP_LINE = 8  # one ``qos map dscp`` line per class selector, as EOS examples write them
MAX_SSH_KEYS = 2  # EOS keeps a primary and a secondary key per user


def breakout_speeds(ports: list[PhysicalPort], cage_gbps: int) -> dict[int, str]:
    """Physical port number -> speed keyword for every broken-out port."""
    out = {}
    for p in ports:
        key = (cage_gbps, p.ways)
        if key not in BREAKOUT_SPEED:
            raise ValueError(f"EOS has no known {p.ways}-way breakout of a {cage_gbps}G port")
        out[p.number] = BREAKOUT_SPEED[key]
    return out


def best_effort_dscps(qos: QosIntent) -> list[list[int]]:
    """DSCPs no class claims, in lines of at most eight.

    EOS's default map sends several DSCPs to other (strict) queues, so every
    unclaimed value is mapped to the best-effort class explicitly.
    """
    claimed = {d for c in qos.classes for d in c.dscps}
    free = [d for d in DSCP_VALUES if d not in claimed]
    return [free[i : i + DSCPS_PER_MAP_LINE] for i in range(0, len(free), DSCPS_PER_MAP_LINE)]


def _check(device: Device, design: Design) -> None:
    if device.bgp and device.bgp.unnumbered:
        raise ValueError(f"{device.name}: aiinfra renders EOS eBGP on /31 links only; set underlay.unnumbered: false")
    for user in design.management.users:
        if len(user.ssh_keys) > MAX_SSH_KEYS:
            raise ValueError(f"user {user.name}: EOS holds {MAX_SSH_KEYS} SSH keys per user, the spec lists more")


def eos_context(device: Device, design: Design, catalog: Catalog) -> dict[str, Any]:
    _check(device, design)
    ctx = switch_context(device, design, catalog)
    model = catalog.switches[device.model]
    ctx["ports"] = sorted(device.interfaces, key=lambda i: (i.physical_port, i.breakout_member))
    ctx["port_speed"] = breakout_speeds(ctx["breakouts"], model.port_speed_gbps)
    ctx["best_effort_dscps"] = best_effort_dscps(device.qos) if device.qos else []
    ctx["snmp_users"] = snmp_users(design, SNMP_AUTH, SNMP_PRIV)
    ctx["user_roles"] = USER_ROLES
    return ctx


def render(device: Device, design: Design, catalog: Catalog) -> dict[str, str]:
    """One complete EOS configuration file for ``device``."""
    path = config_files(device, catalog)[0]
    return {path: render_template("eos/config.j2", **eos_context(device, design, catalog))}

"""Arista EOS 4.32 running-config for every switch role aiinfra designs.

The renderer only selects and names what the Design decided; the templates in
``templates/`` beside this file format it, and :mod:`.units` converts the Design's
SI numbers. EOS specifics kept here as data:

* breakout speeds: EOS sets a broken-out member's speed with a
  ``<speed>g-<lanes>`` keyword on each member interface (docs/vendor-syntax.md
  2.2), looked up in ``breakout_speeds`` of ``capabilities.yaml`` by cage speed
  and member count;
* keyword spellings EOS uses for SNMPv3 algorithms, user roles and privilege;
* the locked secret of an SSH-key-only user (``LOCKED_SECRET``).

What EOS cannot express (unnumbered BGP, a third SSH key) is refused at
validate from ``capabilities.yaml`` beside this file, never here.

The capability row allows only ECMP on EOS, so no DLB stanza exists here.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design, Device, PhysicalPort, QosIntent
from aiinfra.nos import driver, profile
from aiinfra.nos.common import config_files, port_rows, snmp_users, switch_context, user_secrets
from aiinfra.nos.eos import units
from aiinfra.nos.units import ecn_kbytes

SNMP_AUTH = {"sha": "sha", "sha-256": "sha256", "sha-512": "sha512"}
SNMP_PRIV = {"aes128": "aes", "aes256": "aes256"}
USER_ROLES = {"admin": ("network-admin", 15), "operator": ("network-operator", 1)}
DSCP_VALUES = range(64)
DSCPS_PER_MAP_LINE = 8  # one ``qos map dscp`` line per class selector, as EOS examples write them
# A user with SSH keys and no password_hash gets this SHA-512 crypt(3) string as its secret, so
# neither the console nor a TACACS fallback to ``local`` lets it in without a key. SHA-crypt
# writes 64 bytes as 86 characters whose last one carries only two bits, so it is always one of
# "./01"; a string ending in "z" is the hash of no password at all. (``nopassword`` would be a
# password-less admin on the console.)
LOCKED_SECRET = "$6$aiinfralocked$" + "0" * 85 + "z"


def breakout_speeds(ports: list[PhysicalPort], cage_gbps: int, keywords: dict[str, str]) -> dict[int, str]:
    """Physical port number -> speed keyword for every broken-out port (capabilities.yaml breakout_speeds).

    Validation refuses a breakout the table lacks, so every lookup here succeeds.
    """
    return {p.number: keywords[f"{cage_gbps}/{p.ways}"] for p in ports}


def best_effort_dscps(qos: QosIntent) -> list[list[int]]:
    """DSCPs no class claims, in lines of at most eight.

    EOS's default map sends several DSCPs to other (strict) queues, so every
    unclaimed value is mapped to the best-effort class explicitly.
    """
    claimed = {d for c in qos.classes for d in c.dscps}
    free = [d for d in DSCP_VALUES if d not in claimed]
    return [free[i : i + DSCPS_PER_MAP_LINE] for i in range(0, len(free), DSCPS_PER_MAP_LINE)]


def eos_context(device: Device, design: Design) -> dict[str, Any]:
    ctx = switch_context(device, design)
    model = design.switch_models[device.model]
    ctx["ports"] = sorted(device.interfaces, key=lambda i: (i.physical_port, i.breakout_member))
    ctx["port_rows"] = port_rows(device, ctx["ports"])
    keywords = profile(device.os).breakout_speeds or {}
    ctx["port_speed"] = breakout_speeds(ctx["breakouts"], model.port_speed_gbps, keywords)
    ctx["best_effort_dscps"] = best_effort_dscps(device.qos) if device.qos else []
    if device.qos:
        ctx["watchdog"] = units.watchdog(device.qos.pfc_watchdog)
        ctx["ecn_kbytes"] = ecn_kbytes(device.qos.ecn)
    ctx["snmp_users"] = snmp_users(design, SNMP_AUTH, SNMP_PRIV)
    ctx["user_roles"] = USER_ROLES
    ctx["user_secrets"] = user_secrets(design, LOCKED_SECRET)
    return ctx


def render(device: Device, design: Design) -> dict[str, str]:
    """One complete EOS configuration file for ``device``."""
    path = config_files(device)[0]
    return {path: driver(device.os).render_template("config.j2", design, **eos_context(device, design))}

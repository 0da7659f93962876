"""Cisco NX-OS 10.5 running-config for every switch role aiinfra designs.

The renderer only selects and names what the Design decided; the templates in
``templates/`` beside this file format it, and :mod:`.units` converts the Design's
SI numbers. NX-OS specifics kept here as data:

* the 8-queue system template: qos-group N lands in ``c-8q-nqN`` (network-qos)
  and ``c-out-8q-qN`` (egress queuing), group 0 in the ``-default`` classes, so
  the Design's traffic class number is the qos-group, the PFC CoS and the queue
  (fabric.md 2.1: the indices must agree or PFC protects the wrong queue);
* keyword spellings NX-OS uses for SNMPv3 algorithms and user roles, and the
  locked password of an SSH-key-only user (``LOCKED_PASSWORD``).

What NX-OS cannot express (a named timezone, unnumbered BGP, watchdog timers
outside its multipliers) is refused at validate from ``capabilities.yaml``
beside this file, never here; the only timezone that passes is UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from aiinfra.design.model import Design, Device, QosIntent, TrafficClass
from aiinfra.nos import driver, profile
from aiinfra.nos.common import config_files, port_rows, snmp_users, switch_context, user_secrets
from aiinfra.nos.nxos import units
from aiinfra.nos.units import ecn_kbytes

SNMP_AUTH = {"sha": "sha", "sha-256": "sha-256", "sha-512": "sha-512"}
SNMP_PRIV = {"aes128": "aes-128"}
USER_ROLES = {"admin": "network-admin", "operator": "network-operator"}
# NX-OS's own spelling of a user with no usable password (how it shows an SSH-key-only user in
# running-config): the user logs in with its key only, never with an empty password.
LOCKED_PASSWORD = "!"


@dataclass(frozen=True, slots=True)
class QueueClass:
    """One Design traffic class under its NX-OS 8q system class names."""

    tc: TrafficClass
    network_qos: str
    queuing: str


def queue_classes(qos: QosIntent) -> list[QueueClass]:
    """Pair each traffic class with the 8q system classes of its qos-group."""
    out = []
    for c in qos.classes:
        suffix = "-default" if c.tc == 0 else str(c.tc)
        out.append(QueueClass(c, f"c-8q-nq{suffix}", f"c-out-8q-q{suffix}"))
    return out


class NeighborRow(NamedTuple):
    """One ``neighbor`` block; ``remote_as`` is None where its peer template sets it."""

    address: str
    peer_group: str
    remote_as: int | None
    peer: str
    interface: str


def neighbor_rows(device: Device) -> list[NeighborRow]:
    bgp = device.bgp
    if bgp is None:
        return []
    groups, new = bgp.peer_groups, tuple.__new__  # the row without NamedTuple's Python-level __new__
    return [
        new(
            NeighborRow,
            (
                n.address,
                n.peer_group,
                n.remote_asn if groups[n.peer_group] is None else None,
                n.peer_device,
                n.interface,
            ),
        )
        for n in bgp.neighbors
    ]


def nxos_context(device: Device, design: Design) -> dict[str, Any]:
    ctx = switch_context(device, design)
    ctx["ports"] = sorted(device.interfaces, key=lambda i: (i.physical_port, i.breakout_member))
    ctx["port_rows"] = port_rows(device, ctx["ports"])
    ctx["neighbor_rows"] = neighbor_rows(device)
    ctx["queue_classes"] = queue_classes(device.qos) if device.qos else []
    if device.qos:
        ctx["watchdog"] = units.watchdog(device.qos.pfc_watchdog, profile(device.os).pfc_watchdog)
        ctx["ecn_kbytes"] = ecn_kbytes(device.qos.ecn)
    ctx["snmp_users"] = snmp_users(design, SNMP_AUTH, SNMP_PRIV)
    ctx["user_roles"] = USER_ROLES
    ctx["user_secrets"] = user_secrets(design, LOCKED_PASSWORD)
    ctx["roce_port_names"] = {i.name for i in ctx["roce_ports"]}
    ctx["dlb_ports"] = [i.name for i in ctx["fabric_ports"]]
    return ctx


def render(device: Device, design: Design) -> dict[str, str]:
    """One complete NX-OS configuration file for ``device``."""
    path = config_files(device)[0]
    return {path: driver(device.os).render_template("config.j2", design, **nxos_context(device, design))}

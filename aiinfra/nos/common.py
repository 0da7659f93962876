"""Helpers every switch driver shares: the template context it starts from, and its file names.

Only selection and grouping of what the Design already decided: no numbers
are derived here, so every OS formats the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from aiinfra.design.model import Design, Device, Headroom, Interface
from aiinfra.nos import profile


def switch_context(device: Device, design: Design) -> dict[str, Any]:
    """What every switch template may read. ``bfd_interval_ms`` and ``bfd_multiplier`` are the
    device's BFD timers (None without BGP), named here so a loop over a few hundred ports or
    sessions reads a name, not ``device.bgp.bfd_interval_ms`` (two Jinja attribute lookups),
    per row."""
    ifaces = device.interfaces
    bgp = device.bgp
    headrooms: dict[str, Headroom] = {}
    for i in ifaces:
        if i.headroom is not None:
            headrooms.setdefault(i.headroom.name, i.headroom)
    return {
        "device": device,
        "cluster": design.name,
        "mgmt": design.management,
        "qos": device.qos,
        "bgp": bgp,
        "bfd_interval_ms": bgp.bfd_interval_ms if bgp else None,
        "bfd_multiplier": bgp.bfd_multiplier if bgp else None,
        "os_profile": profile(device.os),
        "model": design.switch_models[device.model],
        "interfaces": ifaces,
        "active_ports": [i for i in ifaces if i.enabled],
        "routed_ports": [i for i in ifaces if i.address],
        "roce_ports": [i for i in ifaces if i.lossless],
        "host_ports": [i for i in ifaces if i.role == "host"],
        "fabric_ports": [i for i in ifaces if i.role in ("uplink", "downlink")],
        "access_ports": [i for i in ifaces if i.role == "oob-access"],
        "oob_uplinks": [i for i in ifaces if i.role == "oob-uplink"],
        "unused_ports": [i for i in ifaces if not i.enabled],
        "breakouts": [p for p in device.physical_ports if p.ways > 1],
        "headroom_profiles": [headrooms[k] for k in sorted(headrooms)],
        "static_routes": device.static_routes,
        "mgmt_address": device.mgmt_address,
        "mgmt_gateway": device.mgmt_gateway,
        "load_balancing": device.load_balancing,
        "telemetry": design.telemetry,
    }


OOB_ROLES = ("oob-access", "oob-uplink")
FABRIC_ROLES = ("uplink", "downlink")


class PortRow(NamedTuple):
    """One interface block of a CLI config (EOS, NX-OS), unpacked by the template's loop.

    A switch has up to 256 ports; a Jinja loop that reads a dozen attributes per port (and
    the device's BGP and QoS intent again for each) costs several times one that unpacks a
    tuple. ``mode``: ``shutdown`` (unused), ``oob-access``, ``oob-uplink`` or ``routed``;
    ``bfd``: a fabric port of a BGP device with BFD on; ``watchdog``: a lossless port with
    the PFC watchdog on.
    """

    name: str
    description: str
    physical_port: int
    mode: str
    mtu: int
    address: str | None
    bfd: bool
    lossless: bool
    watchdog: bool


def port_rows(device: Device, ports: list[Interface]) -> list[PortRow]:
    """``ports`` (in the OS's order) as rows; only selection of what the Design decided."""
    bfd = bool(device.bgp and device.bgp.bfd)
    watchdog = bool(device.qos and device.qos.pfc_watchdog.enabled)
    new = tuple.__new__  # the row without NamedTuple's Python-level __new__
    return [
        new(
            PortRow,
            (
                i.name,
                i.description,
                i.physical_port,
                "shutdown" if not i.enabled else i.role if i.role in OOB_ROLES else "routed",
                i.mtu,
                i.address,
                bfd and i.role in FABRIC_ROLES,
                i.lossless,
                i.lossless and watchdog,
            ),
        )
        for i in ports
    ]


def snmp_users(design: Design, auth: Mapping[str, str], priv: Mapping[str, str]) -> list[dict[str, str]]:
    """The design's SNMPv3 users with the algorithms spelled in one OS's keywords.

    Validation has already refused any algorithm an OS lacks (its capabilities.yaml), so a
    missing key here is a bug, and the KeyError says so.
    """
    return [
        {"name": u.name, "auth": auth[u.auth], "auth_key": u.auth_key, "priv": priv[u.priv], "priv_key": u.priv_key}
        for u in design.management.snmp_users
    ]


def user_secrets(design: Design, locked: str) -> dict[str, str]:
    """User name -> the secret to render: the spec's hash reference, or the OS's locked value.

    A user with SSH keys only must still have a password nobody can type; an empty password
    would let the console (and any AAA fallback to local) in without one.
    """
    return {u.name: u.password_hash or locked for u in design.management.users}


def config_files(device: Device) -> list[str]:
    """Paths, relative to the render directory, of a switch's config file(s)."""
    row = profile(device.os)
    return [f"configs/{pattern.format(hostname=device.name)}" for pattern in [row.config_file, *row.extra_files]]

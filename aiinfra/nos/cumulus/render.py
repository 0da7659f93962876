"""NVIDIA Cumulus Linux 5.14: one NVUE ``startup.yaml``-format file per switch.

The file is a YAML list with one ``- set:`` item holding the whole object tree,
loaded with ``nv config replace <file>`` and ``nv config apply`` (NVUE-CLI page;
docs/vendor-syntax.md 3.1). Every ``nv set a b c v`` is the nested mapping
``a: b: c: v``; collections are maps keyed by id, ``{}`` meaning "present".

The tree is built here as data and dumped (``aiinfra.render.yamlout``), not typed
as template text: a collection with no members is left out instead of becoming
``null``, and every scalar is quoted exactly when YAML needs it (``"on"`` stays
the string NVUE's 5.14 enums want, under YAML 1.1 and 1.2 readers alike).
``tests/validators/nvue.py`` checks every file against NVIDIA's 5.14 object model.

5.14 spellings matter: it is the last release where many knobs are
``enable: on`` (5.15 moved them to ``state: enabled``), while SNMP
(``system snmp-server``, 5.11+) and syslog (``system syslog``, 5.13+) already
left ``service``; since 5.12 TACACS+ has no ``enable`` knob, it is on when
``authentication-order`` names it. Sources: CumulusNetworks/docs
``content/cumulus-linux-514`` and the NVUE command reference, quoted in
docs/vendor-syntax.md 3.x and fabric.md 2.3.
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design, Device, ManagementPlane
from aiinfra.design.telemetry import TelemetryIntent
from aiinfra.nos.common import config_files, snmp_users
from aiinfra.nos.cumulus import fabric
from aiinfra.nos.cumulus.units import timezone
from aiinfra.render.yamlout import dump

USER_ROLES = {"admin": "system-admin", "operator": "nvue-monitor"}
SNMP_AUTH = {"sha": "auth-sha"}  # NVUE 5.14 states SHA only; the capability row keeps specs from asking for more
SNMP_PRIV = {"aes128": "encrypt-aes"}
MGMT_VRF = "mgmt"
MGMT_ACL = fabric.MGMT_ACL
SYSLOG_PORT = 514
# The order NVUE tries authentication methods in (authentication-order priority ids):
# the remote protocol first, local users as the fallback.
AUTH_ORDER_REMOTE, AUTH_ORDER_LOCAL = "5", "10"


def ssh_keys(user: str, keys: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """An OpenSSH public key split the way NVUE stores it; the comment names the key."""
    out = {}
    for n, text in enumerate(keys, 1):
        parts = text.split()
        out[parts[2] if len(parts) > 2 else f"{user}-key{n}"] = {"type": parts[0], "key": parts[1]}
    return out


def aaa(m: ManagementPlane) -> dict[str, Any]:
    """Authentication order, the remote servers, and the local users.

    TACACS+ priority: higher is tried first; RADIUS priority: lower is tried first
    (5.14 object model). Either way the spec's first server is tried first.
    """
    order: dict[str, Any] = {}
    out: dict[str, Any] = {"authentication-order": order}
    servers = m.aaa_servers
    if m.aaa_protocol == "tacacs":
        order[AUTH_ORDER_REMOTE] = {"tacacs": {}}
        out["tacacs"] = {
            "vrf": MGMT_VRF,
            "server": {s.address: {"priority": len(servers) - n, "secret": s.key} for n, s in enumerate(servers)},
        }
    elif m.aaa_protocol == "radius":
        order[AUTH_ORDER_REMOTE] = {"radius": {}}
        out["radius"] = {
            "server": {s.address: {"priority": n, "secret": s.key, "vrf": MGMT_VRF} for n, s in enumerate(servers, 1)}
        }
    order[AUTH_ORDER_LOCAL] = {"local": {}}
    users: dict[str, Any] = {}
    for u in m.users:
        entry: dict[str, Any] = {"role": USER_ROLES[u.role]}
        if u.password_hash:
            entry["hashed-password"] = u.password_hash
        if u.ssh_keys:
            entry["ssh"] = {"authorized-key": ssh_keys(u.name, u.ssh_keys)}
        users[u.name] = entry
    if users:
        out["user"] = users
    return out


def snmp(device: Device, design: Design) -> dict[str, Any]:
    """SNMPv3 authPriv users only; with no user there is no agent at all, never an open one."""
    users = snmp_users(design, SNMP_AUTH, SNMP_PRIV)
    if not users:
        return {"state": "disabled"}
    m = design.management
    out: dict[str, Any] = {
        "state": "enabled",
        "listening-address": {device.mgmt_address.split("/")[0]: {"vrf": MGMT_VRF}},
    }
    if m.snmp_location:
        out["system-location"] = m.snmp_location
    if m.snmp_contact:
        out["system-contact"] = m.snmp_contact
    out["username"] = {u["name"]: {u["auth"]: {u["auth_key"]: {u["priv"]: {u["priv_key"]: {}}}}} for u in users}
    return out


def system(device: Device, design: Design) -> dict[str, Any]:
    m = design.management
    out: dict[str, Any] = {
        "hostname": device.name,
        "timezone": timezone(m.timezone),
        "message": {"pre-login": m.banner, "post-login": m.banner},
        "aaa": aaa(m),
        "ssh-server": {"state": "enabled", "permit-root-login": "disabled", "vrf": {MGMT_VRF: {}}},
        "snmp-server": snmp(device, design),
    }
    if m.syslog:
        out["syslog"] = {"server": {s: {"port": SYSLOG_PORT, "protocol": "udp", "vrf": MGMT_VRF} for s in m.syslog}}
    if design.telemetry is not None:
        out["gnmi-server"] = gnmi_server(device, design.telemetry)
    return out


def gnmi_server(device: Device, telemetry: TelemetryIntent) -> dict[str, Any]:
    """The gNMI server (Cumulus Linux 5.13+) on the management address and the Design's port, with
    the certificate and CA the certificate deploy imports (``nv action import system security``)."""
    return {
        "state": "enabled",
        "port": telemetry.gnmi_port,
        "listening-address": {device.mgmt_address.split("/")[0]: {}},
        "certificate": telemetry.tls.profile,
        "mtls": {"ca-certificate": telemetry.tls.ca_name},
    }


def service(m: ManagementPlane) -> dict[str, Any]:
    dns: dict[str, Any] = {}
    if m.dns:
        dns["server"] = {s: {} for s in m.dns}
    dns["search"] = {m.domain: {}}
    out: dict[str, Any] = {}
    if m.ntp:
        out["ntp"] = {MGMT_VRF: {"server": {s: {"iburst": "on"} for s in m.ntp}}}
    out["dns"] = {MGMT_VRF: dns}
    return out


def header(device: Device, design: Design) -> str:
    model = design.switch_models[device.model]
    return (
        f"# Rendered by aiinfra for {device.name}; edit the spec, not this file.\n"
        f"# Target: NVIDIA Cumulus Linux {device.os_release}, NVUE startup.yaml format"
        ' (5.14 keys: "enable: on").\n'
        "# Load with: nv config replace <this file> && nv config apply --confirm\n"
        f"# Role: {device.fabric} {device.role} ({model.vendor} {model.model}).\n"
    )


def tree(device: Device, design: Design) -> dict[str, Any]:
    """The whole NVUE object tree of ``device``, in NVUE's top-level order of concerns."""
    out: dict[str, Any] = {
        "system": system(device, design),
        "service": service(design.management),
        "interface": fabric.interfaces(device),
        "acl": fabric.acl(design.management.allowed_cidrs, design.telemetry),
    }
    bridge = fabric.bridge(device)
    if bridge:
        out["bridge"] = bridge
    if device.qos is not None:
        out["qos"] = fabric.qos(device)
    out.update(fabric.routing(device))
    return out


def render(device: Device, design: Design) -> dict[str, str]:
    """One NVUE startup.yaml for ``device``."""
    path = config_files(device)[0]
    return {path: header(device, design) + dump([{"set": tree(device, design)}])}

"""Management hardening of an SR Linux 25.3.1 config, as data: system and the control-plane ACL.

Every service listens in the ``mgmt`` network-instance only. The JSON-RPC server and its TLS
server profile are the deploy channel and hold the site's certificate, which the Design does
not carry: the rendered file leaves ``system json-rpc-server`` and ``system tls`` out and the
deploy carries the box's own two subtrees into the replace (tasks/deploy.yml). The control-plane filter
(``system control-plane-traffic input acl``, the 25.3 successor of cpm-filter) accepts SSH,
SNMP and JSON-RPC (HTTPS, the deploy path) from the allowed CIDRs, drops those services from
anywhere else, and accepts everything else, so replies to the switch's own NTP, DNS, AAA and
syslog traffic and its BGP/BFD sessions are untouched.

SNMP is v3 authPriv only (one access-group whose security entries are the Design's users);
with no user no SNMP agent is configured at all. AAA: a TACACS+ or RADIUS server-group tried
before local users; local users carry the Design's password hash and SSH keys. Secrets stay
Ansible expressions (the deploy fills them in).
"""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Device, ManagementPlane
from aiinfra.design.telemetry import TelemetryIntent
from aiinfra.nos import profile
from aiinfra.nos.srlinux.interfaces import MGMT_VRF

OS = "srlinux"
MGMT_ACL = "aiinfra-mgmt"
# (protocol, port, name): the control-plane services the filter guards.
SERVICES = (("tcp", 22, "ssh"), ("udp", 161, "snmp"), ("tcp", 443, "json-rpc"))
ACL_STEP = 10
SNMP_AUTH = {"sha": "hmac-sha1-96", "sha-256": "hmac-sha2-256", "sha-512": "hmac-sha2-512"}
SNMP_PRIV = {"aes128": "cfb128-aes-128"}
SNMP_GROUP = "aiinfra-v3"
USER_ROLES = {"admin": True, "operator": False}  # superuser
AAA_GROUP = "aiinfra-aaa"
LOCAL_GROUP = "local"
SYSLOG_FACILITY = "local6"  # SR Linux's own applications log to local6 (srl_nokia-logging default files)
SYSLOG_PRIORITY = "informational"


def timezone(name: str) -> str:
    """The spec's zone as srl_nokia-timezone spells it (``Etc/UTC`` is ``UTC`` there)."""
    return profile(OS).timezone_aliases.get(name, name)


def acl(m: ManagementPlane, telemetry: TelemetryIntent | None) -> dict[str, Any]:
    """Accept the guarded services (and gNMI, from the telemetry ACL) from each allowed CIDR, drop
    them from elsewhere, accept the rest."""
    guarded = [*SERVICES, ("tcp", telemetry.gnmi_port, "gnmi")] if telemetry else list(SERVICES)
    rules: list[tuple[str, int, str, str | None, str]] = [
        (proto, port, name, cidr, "accept") for cidr in m.allowed_cidrs for proto, port, name in guarded
    ]
    rules += [(proto, port, name, None, "drop") for proto, port, name in guarded]
    entries = []
    for n, (proto, port, name, source, action) in enumerate(rules, 1):
        ipv4: dict[str, Any] = {"protocol": proto}
        if source:
            ipv4["source-ip"] = {"prefix": source}
        entries.append(
            {
                "sequence-id": n * ACL_STEP,
                "description": f"{action} {name}" + (f" from {source}" if source else " from anywhere else"),
                "match": {"ipv4": ipv4, "transport": {"destination-port": {"operator": "eq", "value": port}}},
                "action": {action: {}},
            }
        )
    entries.append(
        {
            "sequence-id": (len(rules) + 1) * ACL_STEP,
            "description": "accept all other traffic",
            "action": {"accept": {}},
        }
    )
    return {"acl-filter": [{"name": MGMT_ACL, "type": "ipv4", "entry": entries}]}


def _aaa(m: ManagementPlane) -> dict[str, Any]:
    methods = [LOCAL_GROUP]
    # The built-in local group: a full replace must state it, or authentication-method names nothing.
    groups: list[dict[str, Any]] = [{"name": LOCAL_GROUP, "type": "srl_nokia-aaa-types:local"}]
    out: dict[str, Any] = {"server-group": groups}
    if m.aaa_protocol and m.aaa_servers:
        methods.insert(0, AAA_GROUP)
        servers = []
        for s in m.aaa_servers:
            kind = "tacacs" if m.aaa_protocol == "tacacs" else "radius"
            servers.append({"address": s.address, "network-instance": MGMT_VRF, kind: {"secret-key": s.key}})
        groups.insert(0, {"name": AAA_GROUP, "type": f"srl_nokia-aaa-types:{m.aaa_protocol}", "server": servers})
    users = []
    for u in m.users:
        user: dict[str, Any] = {"username": u.name, "superuser": USER_ROLES[u.role]}
        if u.password_hash:
            user["password"] = u.password_hash
        if u.ssh_keys:
            user["ssh-key"] = list(u.ssh_keys)
        users.append(user)
    auth: dict[str, Any] = {"authentication-method": methods}
    if users:
        auth["user"] = users
    out["authentication"] = auth
    return out


def _snmp(device: Device, m: ManagementPlane) -> dict[str, Any] | None:
    if not m.snmp_users:
        return None
    entries = [
        {
            "name": u.name,
            "user": u.name,
            "authentication": {"protocol": SNMP_AUTH[u.auth], "password": u.auth_key},
            "privacy": {"protocol": SNMP_PRIV[u.priv], "password": u.priv_key},
        }
        for u in m.snmp_users
    ]
    return {
        "access-group": [{"name": SNMP_GROUP, "security-level": "auth-priv", "security-entry": entries}],
        "network-instance": [
            {"name": MGMT_VRF, "admin-state": "enable", "listen-address": [device.mgmt_address.split("/")[0]]}
        ],
    }


def grpc_server(telemetry: TelemetryIntent) -> list[dict[str, Any]]:
    """The gNMI server: in ``mgmt``, on the Design's port, with the TLS server profile the
    certificate deploy installs (its trust-anchor and authenticate-client check collectors)."""
    return [
        {
            "name": telemetry.tls.profile,
            "admin-state": "enable",
            "network-instance": MGMT_VRF,
            "port": telemetry.gnmi_port,
            "services": ["srl_nokia-grpc:gnmi"],
            "tls-profile": telemetry.tls.profile,
            "yang-models": "openconfig",
        }
    ]


def system(device: Device, m: ManagementPlane, telemetry: TelemetryIntent | None = None) -> dict[str, Any]:
    """The ``srl_nokia-system:system`` tree."""
    out: dict[str, Any] = {
        "srl_nokia-system-name:name": {"host-name": device.name, "domain-name": m.domain},
        "srl_nokia-system-banner:banner": {"login-banner": m.banner, "motd-banner": m.banner},
        "srl_nokia-aaa:aaa": _aaa(m),
        "srl_nokia-ssh:ssh-server": [{"name": MGMT_VRF, "admin-state": "enable", "network-instance": MGMT_VRF}],
        "srl_nokia-ntp:clock": {"timezone": timezone(m.timezone)},
        "control-plane-traffic": {"input": {"srl_nokia-acl:acl": {"acl-filter": [{"name": MGMT_ACL, "type": "ipv4"}]}}},
    }
    info: dict[str, str] = {}
    if m.snmp_location:
        info["location"] = m.snmp_location
    if m.snmp_contact:
        info["contact"] = m.snmp_contact
    if info:
        out["srl_nokia-system-info:information"] = info
    if m.ntp:
        out["srl_nokia-ntp:ntp"] = {
            "admin-state": "enable",
            "network-instance": MGMT_VRF,
            "server": [{"address": s, "iburst": True} for s in m.ntp],
        }
    if m.dns or m.domain:
        dns: dict[str, Any] = {"network-instance": MGMT_VRF, "search-list": [m.domain]}
        if m.dns:
            dns["server-list"] = list(m.dns)
        out["srl_nokia-dns:dns"] = dns
    if m.syslog:
        out["srl_nokia-logging:logging"] = {
            "network-instance": MGMT_VRF,
            "remote-server": [
                {
                    "host": s,
                    "transport": "udp",
                    "remote-port": 514,
                    "facility": [{"facility-name": SYSLOG_FACILITY, "priority": {"match-above": SYSLOG_PRIORITY}}],
                }
                for s in m.syslog
            ],
        }
    if telemetry is not None:
        out["srl_nokia-grpc:grpc-server"] = grpc_server(telemetry)
    snmp = _snmp(device, m)
    if snmp is not None:
        out["srl_nokia-system-snmp:snmp"] = snmp
    return out

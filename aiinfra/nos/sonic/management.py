"""SONiC 202411 CONFIG_DB tables of the management plane, built as data.

Management VRF, the management port and its address, AAA (TACACS+ or RADIUS with
local fallback), SSH and SNMP restricted to the management CIDRs by control-plane
ACLs, SNMPv3 users (or no SNMP agent at all), NTP, syslog, DNS and the banner. Table
and field names follow the 202411 YANG models (sonic-system-aaa, sonic-acl,
sonic-snmp, sonic-ntp, sonic-syslog, sonic-dns, sonic-banner). Every value is a
string, as ConfigDB stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiinfra.design.model import Design, Device
from aiinfra.nos.common import snmp_users

Table = dict[str, Any]
SNMP_AUTH = {"sha": "SHA", "sha-256": "HMAC-SHA-2"}  # sonic-snmp.yang enum
SNMP_PRIV = {"aes128": "AES"}  # net-snmp "AES" is AES-128
AAA_LOGIN = {"tacacs": "tacacs+,local", "radius": "radius,local"}
SSH_ACL = "SSH_ONLY"
SNMP_ACL = "SNMP_ACL"
GNMI_ACL = "GNMI_ACL"
CERT_DIR = "/etc/sonic/telemetry"  # where the certificate deploy writes the gNMI TLS material
TCP, UDP = "6", "17"  # ACL_RULE IP_PROTOCOL
IPV4 = "2048"  # ACL_RULE ETHER_TYPE 0x0800: the default rule drops the rest of IPv4


@dataclass(frozen=True, slots=True)
class AclRule:
    """One control-plane ACL rule; SONiC orders rules by PRIORITY, higher first."""

    name: str
    priority: int
    source: str


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


def aaa_tables(design: Design) -> Table:
    """AAA login order, and the servers of the one protocol the spec chose."""
    mgmt = design.management
    out: Table = {
        "AAA": {"authentication": {"login": AAA_LOGIN.get(mgmt.aaa_protocol or "", "local"), "failthrough": "True"}}
    }
    servers = aaa_servers(design)
    if mgmt.aaa_protocol == "tacacs":
        out["TACPLUS"] = {"global": {"auth_type": "pap", "passkey": tacacs_global_key(design)}}
        out["TACPLUS_SERVER"] = {
            s["address"]: {"priority": str(s["priority"]), "tcp_port": "49", "passkey": s["key"], "vrf": "mgmt"}
            for s in servers
        }
    elif mgmt.aaa_protocol == "radius":
        out["RADIUS"] = {"global": {"auth_type": "pap"}}
        out["RADIUS_SERVER"] = {
            s["address"]: {"priority": str(s["priority"]), "passkey": s["key"], "vrf": "mgmt"} for s in servers
        }
    return out


def acl_tables(design: Design, snmp: bool) -> Table:
    """SSH (and SNMP where an agent runs) from the management CIDRs only, the rest of IPv4 dropped."""
    tables: Table = {SSH_ACL: _ctrlplane("SSH", "SSH from the management CIDRs only")}
    guarded = [(SSH_ACL, TCP)]
    if snmp:
        tables[SNMP_ACL] = _ctrlplane("SNMP", "SNMP from the management CIDRs only")
        guarded.append((SNMP_ACL, UDP))
    rules: Table = {}
    for r in acl_rules(design.management.allowed_cidrs):
        for table, protocol in guarded:
            rules[f"{table}|{r.name}"] = {
                "PRIORITY": str(r.priority),
                "PACKET_ACTION": "ACCEPT",
                "SRC_IP": r.source,
                "IP_PROTOCOL": protocol,
            }
    for table, _ in guarded:
        rules[f"{table}|DEFAULT_RULE"] = {"PRIORITY": "1", "PACKET_ACTION": "DROP", "ETHER_TYPE": IPV4}
    return {"ACL_TABLE": tables, "ACL_RULE": rules}


def gnmi_tables(design: Design) -> Table:
    """The gNMI server on the Design's port with client certificates checked against the CA, and
    caclmgrd's EXTERNAL_CLIENT service admitting that port from the management CIDRs only."""
    t = design.telemetry
    if t is None:
        return {}
    tls = t.tls
    rules: Table = {
        f"{GNMI_ACL}|{r.name}": {
            "PRIORITY": str(r.priority),
            "PACKET_ACTION": "ACCEPT",
            "SRC_IP": r.source,
            "IP_PROTOCOL": TCP,
            "L4_DST_PORT": str(t.gnmi_port),
        }
        for r in acl_rules(t.allowed_cidrs)
    }
    rules[f"{GNMI_ACL}|DEFAULT_RULE"] = {
        "PRIORITY": "1",
        "PACKET_ACTION": "DROP",
        "IP_PROTOCOL": TCP,
        "L4_DST_PORT": str(t.gnmi_port),
    }
    return {
        "GNMI": {
            "certs": {
                "server_crt": f"{CERT_DIR}/{tls.profile}.cer",
                "server_key": f"{CERT_DIR}/{tls.profile}.key",
                "ca_crt": f"{CERT_DIR}/{tls.ca_name}.cer",
            },
            "gnmi": {"client_auth": "true", "user_auth": "cert", "port": str(t.gnmi_port), "log_level": "2"},
        },
        "ACL_TABLE": {GNMI_ACL: _ctrlplane("EXTERNAL_CLIENT", "gNMI from the management CIDRs only")},
        "ACL_RULE": rules,
    }


def _ctrlplane(service: str, description: str) -> Table:
    return {"type": "CTRLPLANE", "stage": "ingress", "services": [service], "policy_desc": description}


def snmp_tables(device: Device, design: Design, users: list[dict[str, str]]) -> Table:
    """SNMPv3 users and an agent on the management address in the management VRF.

    With no user, no agent at all rather than the image's default one: init_cfg.json
    enables the snmp feature, and ``config reload`` merges it under this file.
    """
    if not users:
        return {"FEATURE": {"snmp": {"state": "disabled"}}}
    mgmt = design.management
    out: Table = {}
    system: Table = {}
    if mgmt.snmp_location:
        system["LOCATION"] = {"Location": mgmt.snmp_location}
    if mgmt.snmp_contact:
        system["CONTACT"] = {"Contact": mgmt.snmp_contact}
    if system:
        out["SNMP"] = system
    out["SNMP_USER"] = {
        u["name"]: {
            "SNMP_USER_TYPE": "Priv",
            "SNMP_USER_PERMISSION": "RO",
            "SNMP_USER_AUTH_TYPE": u["auth"],
            "SNMP_USER_AUTH_PASSWORD": u["auth_key"],
            "SNMP_USER_ENCRYPTION_TYPE": u["priv"],
            "SNMP_USER_ENCRYPTION_PASSWORD": u["priv_key"],
        }
        for u in users
    }
    out["SNMP_AGENT_ADDRESS_CONFIG"] = {f"{device.mgmt_address.split('/')[0]}|161|mgmt": {}}
    return out


def management_tables(device: Device, design: Design) -> Table:
    """Every management-plane table of one switch."""
    mgmt = design.management
    port = device.mgmt_interface
    users = snmp_users(design, SNMP_AUTH, SNMP_PRIV)
    acls = acl_tables(design, snmp=bool(users))
    gnmi = gnmi_tables(design)
    for key in ("ACL_TABLE", "ACL_RULE"):
        acls[key] = {**acls[key], **gnmi.pop(key, {})}
    return {
        "MGMT_VRF_CONFIG": {"vrf_global": {"mgmtVrfEnabled": "true"}},
        "MGMT_PORT": {port: {"admin_status": "up", "alias": port}},
        "MGMT_INTERFACE": {f"{port}|{device.mgmt_address}": {"gwaddr": device.mgmt_gateway}},
        **aaa_tables(design),
        "SSH_SERVER": {"POLICIES": {"ports": "22"}},
        **acls,
        **gnmi,
        **snmp_tables(device, design, users),
        "NTP": {"global": {"admin_state": "enabled", "vrf": "mgmt", "src_intf": port}},
        "NTP_SERVER": {
            s: {"association_type": "server", "iburst": "on", "admin_state": "enabled", "version": "4"}
            for s in mgmt.ntp
        },
        "SYSLOG_SERVER": {s: {"port": "514", "vrf": "mgmt"} for s in mgmt.syslog},
        "DNS_NAMESERVER": {s: {} for s in mgmt.dns},
        "BANNER_MESSAGE": {"global": {"state": "enabled", "login": mgmt.banner, "motd": mgmt.banner}},
    }

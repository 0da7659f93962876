"""The management-plane intent: site services, users, AAA and SNMPv3, with every
secret kept as an Ansible expression so no rendered file ever holds a value."""

from __future__ import annotations

from aiinfra.design.model import AaaServer, LocalUser, ManagementPlane, SnmpUser
from aiinfra.spec.model import ClusterSpec


def management_plane(spec: ClusterSpec) -> ManagementPlane:
    site, sec = spec.site, spec.security
    aaa = sec.aaa
    snmp = sec.snmp
    return ManagementPlane(
        domain=site.domain,
        allowed_cidrs=tuple(str(c) for c in site.management.allowed_cidrs),
        dns=tuple(str(a) for a in site.dns),
        ntp=tuple(str(a) for a in site.ntp),
        syslog=tuple(str(a) for a in site.syslog),
        timezone=site.timezone,
        aaa_protocol=aaa.protocol if aaa else None,
        aaa_servers=tuple(AaaServer(str(s.address), s.key.ansible_expression) for s in aaa.servers) if aaa else (),
        users=tuple(
            LocalUser(
                u.name, u.role, tuple(u.ssh_keys), u.password_hash.ansible_expression if u.password_hash else None
            )
            for u in sec.users
        ),
        snmp_users=tuple(
            SnmpUser(u.name, u.auth, u.auth_key.ansible_expression, u.priv, u.priv_key.ansible_expression)
            for u in snmp.users
        )
        if snmp
        else (),
        snmp_contact=snmp.contact if snmp else "",
        snmp_location=snmp.location if snmp else "",
        banner=sec.banner,
    )

"""Read an Arista EOS configuration back into the OS-neutral ``ParsedSwitch``.

The text is parsed with ciscoconfparse2 (EOS indents like IOS) and resolved the
way the switch resolves it: a port's PFC, DSCP trust and ECN come from the
``qos profile`` it applies with ``service-profile``; a neighbor's remote-as and
BFD come from its peer group when not set on the neighbor; only ``qos map dscp``
lines change EOS's DSCP to traffic-class map, and traffic class N uses
unicast queue N and PFC priority N (the EOS defaults aiinfra relies on).

It needs ciscoconfparse2 (the ``test`` and ``deploy`` extras), so the renderer never imports
it and ``import aiinfra.nos.eos`` never loads it: the tests read rendered files with it, and
``aiinfra.verify``'s EOS collector imports it only when it reads a switch's running
configuration (``port_qos``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ciscoconfparse2 import CiscoConfParse

from aiinfra.nos.parsed import ParsedInterface, ParsedSwitch

KBYTE = 1000  # ``kbytes`` on the random-detect line: 10^3 bytes, as the renderer's units.py states them
ANYWHERE = "0.0.0.0/0"
ECN = re.compile(
    r"^random-detect ecn minimum-threshold (\d+) kbytes maximum-threshold (\d+) kbytes "
    r"max-mark-probability (\d+)(?: weight \d+)?$"
)


def _words(line: object) -> list[str]:
    return str(getattr(line, "text", line)).split()


@dataclass
class QosProfile:
    """What one ``qos profile`` does to the ports that apply it."""

    trust_dscp: bool = False
    pfc_on: bool = False
    nodrop: set[int] = field(default_factory=set)
    strict_queues: set[int] = field(default_factory=set)
    ecn_queues: set[int] = field(default_factory=set)
    ecn: tuple[int, int, int] | None = None
    watchdog: bool = False

    @property
    def pfc_priorities(self) -> set[int]:
        return set(self.nodrop) if self.pfc_on else set()


def _profile(block: object) -> QosProfile:
    prof = QosProfile()
    for child in getattr(block, "children", []):
        line = " ".join(_words(child))
        if line == "qos trust dscp":
            prof.trust_dscp = True
        elif line == "priority-flow-control on":
            prof.pfc_on = True
        elif m := re.match(r"^priority-flow-control priority (\d) no-drop$", line):
            prof.nodrop.add(int(m.group(1)))
        elif line == "priority-flow-control pause watchdog":
            prof.watchdog = True
        elif m := re.match(r"^uc-tx-queue (\d)$", line):
            queue = int(m.group(1))
            for setting in child.children:
                text = " ".join(_words(setting))
                if text == "priority strict":
                    prof.strict_queues.add(queue)
                elif ecn := ECN.match(text):
                    prof.ecn_queues.add(queue)
                    prof.ecn = (int(ecn.group(1)), int(ecn.group(2)), int(ecn.group(3)))
    return prof


class _Eos:
    def __init__(self, text: str, conf: CiscoConfParse | None = None) -> None:
        self.conf = conf if conf is not None else CiscoConfParse(text.splitlines(), syntax="ios")
        self.profiles = {_words(o)[2]: _profile(o) for o in self.top(r"^qos profile \S+$")}

    def top(self, pattern: str) -> list[Any]:
        found: list[Any] = self.conf.find_objects(pattern)
        return found

    def dscp_map(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for obj in self.top(r"^qos map dscp "):
            m = re.match(r"^qos map dscp ([\d ]+) to traffic-class (\d)$", obj.text.strip())
            if m:
                for d in m.group(1).split():
                    out[int(d)] = int(m.group(2))
        return out

    def interfaces(self, parsed: ParsedSwitch) -> list[QosProfile]:
        """Fill ports; return the qos profiles ports actually apply."""
        applied = []
        for obj in self.top(r"^interface "):
            name = _words(obj)[1]
            iface = ParsedInterface(name=name)
            for child in obj.children:
                words = _words(child)
                if iface.read_common(words):
                    continue
                if words[0] == "service-profile" and words[1] in self.profiles:
                    prof = self.profiles[words[1]]
                    applied.append(prof)
                    iface.pfc_priorities = prof.pfc_priorities
                    iface.trust_dscp = prof.trust_dscp
                    iface.ecn_on_roce_queue = bool(prof.ecn_queues & prof.pfc_priorities)
            parsed.interfaces[name] = iface
        return applied

    def bgp(self, parsed: ParsedSwitch) -> str | None:
        routers = self.top(r"^router bgp \d+$")
        if not routers:
            return None
        router = routers[0]
        parsed.asn = int(_words(router)[2])
        router_id = None
        groups: set[str] = set()
        member_of: dict[str, str] = {}
        remote_as: dict[str, int] = {}
        bfd: set[str] = set()
        for child in router.children:
            words = _words(child)
            if words[0] == "router-id":
                router_id = words[1]
            elif words[0] == "maximum-paths":
                parsed.maximum_paths = int(words[1])
            elif words[0] == "neighbor" and words[2:] == ["peer", "group"]:
                groups.add(words[1])
            elif words[0] == "neighbor" and words[2:4] == ["peer", "group"]:
                member_of[words[1]] = words[4]
            elif words[0] == "neighbor" and words[2] == "remote-as":
                remote_as[words[1]] = int(words[3])
            elif words[0] == "neighbor" and words[2:] == ["bfd"]:
                bfd.add(words[1])
        peers = {n for n in [*member_of, *remote_as] if n not in groups}
        for peer in sorted(peers):
            group = member_of.get(peer, "")
            asn = remote_as.get(peer, remote_as.get(group))
            if asn is not None:
                parsed.neighbors[peer] = asn
            if peer in bfd or group in bfd:
                parsed.bfd_neighbors.add(peer)
        return router_id

    def watchdog_ms(self) -> tuple[int, int, int] | None:
        """(detection, restoration, poll) ms from the global watchdog timers, which EOS states in seconds."""
        found = {}
        for key in ("timeout", "recovery-time", "polling-interval"):
            lines = self.top(rf"^priority-flow-control pause watchdog default {key} [\d.]+$")
            if not lines:
                return None
            found[key] = round(float(_words(lines[0])[-1]) * 1000)
        return found["timeout"], found["recovery-time"], found["polling-interval"]

    def bfd_timers(self) -> set[tuple[int, int]]:
        """(interval ms, multiplier) of every ``bfd interval X min-rx X multiplier M`` on a port."""
        out = set()
        for obj in self.top(r"^interface "):
            for child in obj.children:
                m = re.match(r"^bfd interval (\d+) min-rx \d+ multiplier (\d+)$", child.text.strip())
                if m:
                    out.add((int(m.group(1)), int(m.group(2))))
        return out

    def acl_sources(self, acl: str) -> set[str]:
        out: set[str] = set()
        for obj in self.top(rf"^ip access-list standard {re.escape(acl)}$"):
            for child in obj.children:
                words = _words(child)
                if words and words[0].isdigit():
                    words = words[1:]
                if words[:1] == ["permit"]:
                    out.add(ANYWHERE if words[1] == "any" else words[1])
        return out

    def management_acl(self) -> set[str]:
        """Sources that may reach SSH or SNMP in the VRFs they serve; no ACL means open to all."""
        out: set[str] = set()
        ssh = self.top(r"^management ssh$")
        ssh_acls: dict[str, str] = {}
        for block in ssh:
            for child in block.children:
                m = re.match(r"^ip access-group (\S+)(?: vrf (\S+))? in$", child.text.strip())
                if m:
                    ssh_acls[m.group(2) or "default"] = m.group(1)
        snmp_acls: dict[str, str] = {}
        for obj in self.top(r"^snmp-server ipv4 access-list \S+"):
            m = re.match(r"^snmp-server ipv4 access-list (\S+)(?: vrf (\S+))?$", obj.text.strip())
            if m:
                snmp_acls[m.group(2) or "default"] = m.group(1)
        # EOS runs no SNMP agent until a community or a user exists ("SNMP agent disabled: no
        # communities or users are configured"), so without either SNMP is open to nobody.
        agent = bool(self.top(r"^snmp-server (?:community|user) "))
        snmp_vrfs = ({"default"} | {_words(o)[2] for o in self.top(r"^snmp-server vrf \S+$")}) if agent else set()
        ssh_vrfs = {"default"} | {
            _words(c)[1] for b in ssh for c in b.children if _words(c)[0] == "vrf" and len(_words(c)) == 2
        }
        for vrfs, acls in ((ssh_vrfs, ssh_acls), (snmp_vrfs, snmp_acls)):
            for vrf in sorted(vrfs):
                if vrf in acls:
                    out |= self.acl_sources(acls[vrf])
                else:
                    out.add(ANYWHERE)
        return out

    def gnmi(self, parsed: ParsedSwitch) -> None:
        """Port, admitted sources and mutual TLS of the gNMI transport (EOS's default port is 6030)."""
        for block in self.top(r"^management api gnmi$"):
            for transport in block.children:
                if _words(transport)[:2] != ["transport", "grpc"]:
                    continue
                lines = {_words(c)[0]: _words(c) for c in transport.children}
                parsed.gnmi_port = int(lines["port"][1]) if "port" in lines else 6030
                acl = lines.get("ip")
                parsed.gnmi_sources = self.acl_sources(acl[2]) if acl else {ANYWHERE}
                profile = lines.get("ssl")
                if profile:
                    parsed.gnmi_tls, parsed.gnmi_client_ca = self.ssl_profile(profile[2])

    def ssl_profile(self, name: str) -> tuple[str | None, str | None]:
        """(profile name if it holds a certificate and key, the trusted CA's name) of ``ssl profile name``."""
        for sec in self.top(r"^management security$"):
            for prof in sec.children:
                if _words(prof) == ["ssl", "profile", name]:
                    words = [_words(c) for c in prof.children]
                    has_key = any(w[0] == "certificate" and "key" in w for w in words)
                    trust = [w[2] for w in words if w[:2] == ["trust", "certificate"]]
                    return (name if has_key else None), (trust[0].removesuffix(".crt") if trust else None)
        return None, None


def port_qos(text: str) -> dict[str, dict[str, object]]:
    """What each Ethernet port of an EOS configuration does for RoCE, in acceptance terms.

    Per port, through the ``qos profile`` it applies with ``service-profile`` as ``parse``
    follows it: ``pfc`` the profile's no-drop priorities when it turns
    ``priority-flow-control on``, ``watchdog`` whether it arms ``priority-flow-control pause
    watchdog``, ``ecn`` the ``uc-tx-queue`` queues that mark ECN. A port without a profile, or
    naming one that is not defined, has none of them. ``aiinfra.verify`` reads a switch's
    ``show running-config`` with it, so acceptance and the parse-back follow the same profile.
    """
    eos = _Eos(text)
    out: dict[str, dict[str, object]] = {}
    for obj in eos.top(r"^interface Ethernet"):
        names = [_words(c)[1] for c in obj.children if _words(c)[:1] == ["service-profile"] and len(_words(c)) > 1]
        prof = eos.profiles.get(names[-1], QosProfile()) if names else QosProfile()
        out[_words(obj)[1]] = {
            "pfc": sorted(prof.pfc_priorities),
            "watchdog": prof.watchdog,
            "ecn": sorted(prof.ecn_queues),
        }
    return out


def parse(text: str, conf: CiscoConfParse | None = None) -> ParsedSwitch:
    """What an EOS switch running ``text`` would do, in aiinfra's common terms."""
    eos = _Eos(text, conf)  # conf: the same text already parsed, when a caller has it
    hostnames = eos.top(r"^hostname \S+$")
    parsed = ParsedSwitch(hostname=_words(hostnames[0])[1] if hostnames else "", text=text)
    parsed.dscp_to_tc = eos.dscp_map()
    for prof in eos.interfaces(parsed):
        parsed.nodrop_priorities |= prof.nodrop
        parsed.strict_priority_tcs |= prof.strict_queues
        parsed.pfc_watchdog = parsed.pfc_watchdog or prof.watchdog
        if prof.ecn:
            parsed.ecn_min_bytes = prof.ecn[0] * KBYTE
            parsed.ecn_max_bytes = prof.ecn[1] * KBYTE
            parsed.ecn_max_probability = prof.ecn[2]
    if parsed.pfc_watchdog:
        parsed.pfc_watchdog_ms = eos.watchdog_ms()
    parsed.bfd_timers = eos.bfd_timers()
    router_id = eos.bgp(parsed)
    for name, iface in parsed.interfaces.items():
        if name.startswith("Loopback") and iface.address and iface.address.split("/")[0] == router_id:
            parsed.loopback = iface.address
    # Without a ``load-balance`` stanza EOS forwards by ECMP hash; any such stanza is a
    # dynamic mode this parser cannot name, reported as such so a comparison fails.
    parsed.load_balancing = "dynamic" if eos.top(r"^load-balance ") else "ecmp"
    parsed.acl_cidrs = eos.management_acl()
    eos.gnmi(parsed)
    parsed.ntp_servers = {
        m.group(1) for o in eos.top(r"^ntp server ") if (m := re.match(r"^ntp server (?:vrf \S+ )?(\S+)", o.text))
    }
    return parsed


def parse_files(files: Mapping[str, str]) -> ParsedSwitch:
    """The driver's uniform entry point: one switch's rendered files (path -> text)."""
    (text,) = files.values()
    return parse(text)

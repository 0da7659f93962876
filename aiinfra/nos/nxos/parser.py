"""Read an NX-OS configuration back into the OS-neutral ``ParsedSwitch``.

The text is parsed with ciscoconfparse2 (NX-OS syntax) and then resolved the
way the switch resolves it: a neighbor's remote-as and BFD come from its
``template peer`` when not set on the neighbor; PFC on a port means the no-drop
CoS values of the system network-qos policy; WRED-ECN and strict priority come
from the system queuing policy, whose ``c-out-8q-qN`` class serves qos-group N.

It needs ciscoconfparse2 (the ``test`` and ``deploy`` extras), so the renderer never imports
it and ``import aiinfra.nos.nxos`` never loads it: the tests read rendered files with it, and
``aiinfra.verify``'s NX-OS collector imports it only when it reads a switch's running
configuration (``port_qos``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ciscoconfparse2 import CiscoConfParse

from aiinfra.nos.parsed import ParsedInterface, ParsedSwitch

KBYTE = 1000  # ``kbytes`` on the random-detect line: 10^3 bytes, as the renderer's units.py states them
DSCP_VALUES = range(64)
ANYWHERE = "0.0.0.0/0"
NXOS_DEFAULT_WATCHDOG_POLL_MS = 100


def _words(line: object) -> list[str]:
    return str(getattr(line, "text", line)).split()


def _child_values(parent: object, pattern: str) -> list[re.Match[str]]:
    out = []
    for child in getattr(parent, "children", []):
        m = re.match(pattern, child.text.strip())
        if m:
            out.append(m)
    return out


def _queue_index(class_name: str) -> int:
    """``c-8q-nq3`` / ``c-out-8q-q3`` -> 3; the ``-default`` classes serve qos-group 0."""
    if class_name.endswith("-default"):
        return 0
    m = re.search(r"q(\d+)$", class_name)
    if not m:
        raise ValueError(f"not an 8q system class: {class_name}")
    return int(m.group(1))


class _Nxos:
    def __init__(self, text: str, conf: CiscoConfParse | None = None) -> None:
        self.text = text
        self.conf = conf if conf is not None else CiscoConfParse(text.splitlines(), syntax="nxos")
        self._dscp_maps: dict[str, dict[int, int]] = {}

    def top(self, pattern: str) -> list[Any]:
        found: list[Any] = self.conf.find_objects(pattern)
        return found

    def system_policy(self, kind: str) -> str | None:
        for sq in self.top(r"^system qos$"):
            for m in _child_values(sq, rf"^service-policy type {kind} (?:output |input )?(\S+)$"):
                return m.group(1)
        return None

    def policy(self, kind: str, name: str) -> object | None:
        found = self.top(rf"^policy-map type {kind} {re.escape(name)}$")
        return found[0] if found else None

    def class_map_dscps(self) -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for cm in self.top(r"^class-map type qos "):
            dscps: set[int] = set()
            for m in _child_values(cm, r"^match dscp (\S+)$"):
                dscps.update(int(v) for v in m.group(1).split(","))
            out[_words(cm)[-1]] = dscps
        return out

    def dscp_to_group(self, policy_name: str) -> dict[int, int]:
        """What an input qos policy does to each DSCP: first matching class wins."""
        if policy_name not in self._dscp_maps:
            self._dscp_maps[policy_name] = self._dscp_to_group(policy_name)
        return self._dscp_maps[policy_name]

    def _dscp_to_group(self, policy_name: str) -> dict[int, int]:
        policy = self.policy("qos", policy_name)
        if policy is None:
            return {}
        class_dscps = self.class_map_dscps()
        out: dict[int, int] = {}
        default_group: int | None = None
        for cls in getattr(policy, "children", []):
            name = _words(cls)[-1]
            groups = _child_values(cls, r"^set qos-group (\d+)$")
            if not groups:
                continue
            group = int(groups[0].group(1))
            if name == "class-default":
                default_group = group
                continue
            for d in sorted(class_dscps.get(name, set())):
                out.setdefault(d, group)
        if default_group is not None:
            for d in DSCP_VALUES:
                out.setdefault(d, default_group)
        return out

    def network_qos(self) -> tuple[set[int], set[int]]:
        """(qos-groups whose network-qos class is no-drop, PFC CoS values paused)."""
        name = self.system_policy("network-qos")
        policy = self.policy("network-qos", name) if name else None
        groups: set[int] = set()
        cos: set[int] = set()
        for cls in getattr(policy, "children", []):
            paused = _child_values(cls, r"^pause pfc-cos ([\d,]+)")
            if paused:
                groups.add(_queue_index(_words(cls)[-1]))
                cos.update(int(v) for v in paused[0].group(1).split(","))
        return groups, cos

    def queuing(self, parsed: ParsedSwitch, name: str | None = None) -> set[int]:
        """Fill strict-priority and ECN facts; return the queues that mark ECN.

        ``name``: a port's own output queuing policy; by default the system's."""
        name = name or self.system_policy("queuing")
        policy = self.policy("queuing", name) if name else None
        ecn_queues: set[int] = set()
        for cls in getattr(policy, "children", []):
            queue = _queue_index(_words(cls)[-1])
            if _child_values(cls, r"^priority level \d+$") or _child_values(cls, r"^priority$"):
                parsed.strict_priority_tcs.add(queue)
            wred = _child_values(
                cls,
                r"^random-detect minimum-threshold (\d+) kbytes maximum-threshold (\d+) kbytes "
                r"drop-probability (\d+) weight \d+ ecn$",
            )
            if wred:
                ecn_queues.add(queue)
                parsed.ecn_min_bytes = int(wred[0].group(1)) * KBYTE
                parsed.ecn_max_bytes = int(wred[0].group(2)) * KBYTE
                parsed.ecn_max_probability = int(wred[0].group(3))
        return ecn_queues

    def classifies_dscp(self, policy_name: str) -> bool:
        return bool(self.dscp_to_group(policy_name))

    def interfaces(self, parsed: ParsedSwitch, pfc_cos: set[int], ecn_on_nodrop: bool) -> None:
        for obj in self.top(r"^interface (?!breakout )"):
            name = _words(obj)[1]
            iface = ParsedInterface(name=name)
            for child in obj.children:
                words = _words(child)
                if iface.read_common(words):
                    continue
                line = " ".join(words)
                if line == "priority-flow-control mode on":
                    iface.pfc_priorities = set(pfc_cos)
                elif words[:4] == ["service-policy", "type", "qos", "input"]:
                    iface.trust_dscp = self.classifies_dscp(words[4])
            is_port = name.startswith("Ethernet")
            iface.ecn_on_roce_queue = is_port and ecn_on_nodrop
            parsed.interfaces[name] = iface

    def bgp(self, parsed: ParsedSwitch) -> str | None:
        routers = self.top(r"^router bgp \d+$")
        if not routers:
            return None
        router = routers[0]
        parsed.asn = int(_words(router)[2])
        templates: dict[str, dict[str, object]] = {}
        router_id = None
        for child in router.children:
            words = _words(child)
            if words[0] == "router-id":
                router_id = words[1]
            elif words[:3] == ["address-family", "ipv4", "unicast"]:
                for m in _child_values(child, r"^maximum-paths (\d+)$"):
                    parsed.maximum_paths = int(m.group(1))
            elif words[:2] == ["template", "peer"]:
                templates[words[2]] = self._peer_settings(child)
        for child in router.children:
            words = _words(child)
            if words[0] != "neighbor":
                continue
            own = self._peer_settings(child)
            inherited = templates.get(str(own.get("inherit")), {})
            asn = own.get("remote_as", inherited.get("remote_as"))
            if asn is not None:
                parsed.neighbors[words[1]] = int(str(asn))
            if own.get("bfd") or inherited.get("bfd"):
                parsed.bfd_neighbors.add(words[1])
        return router_id

    @staticmethod
    def _peer_settings(block: object) -> dict[str, object]:
        out: dict[str, object] = {}
        for child in getattr(block, "children", []):
            words = _words(child)
            if words[0] == "remote-as":
                out["remote_as"] = words[1]
            elif words == ["bfd"]:
                out["bfd"] = True
            elif words[:2] == ["inherit", "peer"]:
                out["inherit"] = words[2]
        return out

    def loopback(self, parsed: ParsedSwitch, router_id: str | None) -> None:
        for name, iface in parsed.interfaces.items():
            if name.startswith("loopback") and iface.address and iface.address.split("/")[0] == router_id:
                parsed.loopback = iface.address

    def watchdog_ms(self) -> tuple[int, int, int] | None:
        """(detection, restoration, poll) ms: NX-OS multiplies its poll interval; None if a multiplier is unset.

        Without a ``watch-dog interval`` line NX-OS polls every 100 ms (QoS guide 10.5(x)).
        """
        found = {"poll": NXOS_DEFAULT_WATCHDOG_POLL_MS}
        for key, pattern in (
            ("poll", r"^priority-flow-control watch-dog interval (\d+)$"),
            ("detect", r"^priority-flow-control watch-dog shutdown-multiplier (\d+)$"),
            ("restore", r"^priority-flow-control auto-restore multiplier (\d+)$"),
        ):
            lines = self.top(pattern)
            if lines:
                found[key] = int(_words(lines[0])[-1])
            elif key != "poll":
                return None
        return found["detect"] * found["poll"], found["restore"] * found["poll"], found["poll"]

    def bfd_timers(self) -> set[tuple[int, int]]:
        """(interval ms, multiplier) of every ``bfd interval X min_rx X multiplier M`` on a port."""
        out = set()
        for obj in self.top(r"^interface (?!breakout )"):
            for m in _child_values(obj, r"^bfd interval (\d+) min_rx (\d+) multiplier (\d+)$"):
                out.add((int(m.group(1)), int(m.group(3))))
        return out

    def load_balancing(self) -> str:
        profiles = self.top(r"^hardware profile dlb$")
        if not profiles:
            return "ecmp"
        modes = _child_values(profiles[0], r"^mode (flowlet|per-packet)$")
        return modes[0].group(1) if modes else "flowlet"  # flowlet is the NX-OS default mode

    def acl_sources(self, acl: str) -> set[str]:
        out: set[str] = set()
        for obj in self.top(rf"^ip access-list {re.escape(acl)}$"):
            for m in _child_values(obj, r"^(?:\d+ )?permit \S+ (\S+) "):
                out.add(ANYWHERE if m.group(1) == "any" else m.group(1))
        return out

    def management_acl(self) -> set[str]:
        """Sources that may reach SSH or SNMP; a service without an ACL is open to all."""
        out: set[str] = set()
        vty_acls = [m.group(1) for v in self.top(r"^line vty$") for m in _child_values(v, r"^access-class (\S+) in$")]
        if not vty_acls:
            out.add(ANYWHERE)
        for acl in vty_acls:
            out |= self.acl_sources(acl)
        users = {_words(o)[2] for o in self.top(r"^snmp-server user \S+ ")}
        for user in sorted(users):
            acls = [_words(o)[4] for o in self.top(rf"^snmp-server user {re.escape(user)} use-ipv4acl \S+$")]
            if not acls:
                out.add(ANYWHERE)
            for acl in acls:
                out |= self.acl_sources(acl)
        return out

    def gnmi(self, parsed: ParsedSwitch) -> None:
        """The gRPC agent's port (NX-OS default 50051), the sources mgmt0 lets reach it, and mTLS."""
        if not self.top(r"^feature grpc$"):
            return
        ports = self.top(r"^grpc port \d+$")
        parsed.gnmi_port = int(_words(ports[0])[2]) if ports else 50051
        acls = [
            m.group(1) for o in self.top(r"^interface mgmt0$") for m in _child_values(o, r"^ip access-group (\S+) in$")
        ]
        parsed.gnmi_sources = self.port_sources(acls[0], parsed.gnmi_port) if acls else {ANYWHERE}
        certs = self.top(r"^grpc certificate \S+$")
        roots = self.top(r"^grpc client root certificate \S+$")
        parsed.gnmi_tls = _words(certs[0])[2] if certs else None
        parsed.gnmi_client_ca = _words(roots[0])[4] if roots else None

    def port_sources(self, acl: str, port: int) -> set[str]:
        """Sources an ACL lets reach TCP ``port``, first match wins; a missing ACL permits all."""
        out: set[str] = set()
        for obj in self.top(rf"^ip access-list {re.escape(acl)}$"):
            for child in obj.children:
                words = _words(child)[1:] if _words(child)[0].isdigit() else _words(child)
                action, proto, src = words[0], words[1], words[2]
                ports = words[words.index("eq") + 1 :][:1] if "eq" in words else []
                if proto not in ("ip", "tcp") or (ports and ports[0] != str(port)):
                    continue
                if src == "any":
                    return out | ({ANYWHERE} if action == "permit" else set())
                if action == "permit":
                    out.add(src)
            return out
        return {ANYWHERE}


def port_qos(text: str) -> dict[str, dict[str, object]]:
    """What each Ethernet port of an NX-OS configuration does for RoCE, in acceptance terms.

    Per port, resolved as ``parse`` resolves the switch: ``pfc`` the CoS values the system
    network-qos policy pauses (``pause pfc-cos``) when the port has ``priority-flow-control
    mode on``, none otherwise; ``watchdog`` the port's own ``priority-flow-control
    watch-dog-interval on|off`` or else the global one (NX-OS QoS guide 10.5(x): the global
    command arms every port, the interface command overrides it); ``ecn`` the queues whose
    class in the queuing policy in force on the port (its own ``service-policy type queuing
    output``, else the system's) marks WRED-ECN. ``aiinfra.verify`` reads a switch's
    ``show running-config ipqos`` with it, so acceptance and the parse-back follow the same
    policies. Text without the QoS lines gives ports with no PFC, no watchdog and no ECN.
    """
    nx = _Nxos(text)
    _, pfc_cos = nx.network_qos()
    scratch = ParsedSwitch(hostname="", text=text)
    system_ecn = nx.queuing(scratch)
    armed = bool(nx.top(r"^priority-flow-control watch-dog-interval on$"))
    out: dict[str, dict[str, object]] = {}
    for obj in nx.top(r"^interface Ethernet"):
        lines = [" ".join(_words(c)) for c in obj.children]
        own = [m.group(1) for m in _child_values(obj, r"^service-policy type queuing output (\S+)$")]
        dog = [m.group(1) for m in _child_values(obj, r"^priority-flow-control watch-dog-interval (on|off)$")]
        out[_words(obj)[1]] = {
            "pfc": sorted(pfc_cos) if "priority-flow-control mode on" in lines else [],
            "watchdog": dog[0] == "on" if dog else armed,
            "ecn": sorted(nx.queuing(scratch, own[0]) if own else system_ecn),
        }
    return out


def parse(text: str, conf: CiscoConfParse | None = None) -> ParsedSwitch:
    """What an NX-OS switch running ``text`` would do, in aiinfra's common terms."""
    nx = _Nxos(text, conf)  # conf: the same text already parsed, when a caller has it
    hostnames = nx.top(r"^hostname \S+$")
    parsed = ParsedSwitch(hostname=_words(hostnames[0])[1] if hostnames else "", text=text)
    nodrop_groups, pfc_cos = nx.network_qos()
    parsed.nodrop_priorities = nodrop_groups
    ecn_queues = nx.queuing(parsed)
    nx.interfaces(parsed, pfc_cos, bool(ecn_queues & nodrop_groups))
    inputs = {
        _words(c)[4]
        for o in nx.top(r"^interface (?!breakout )")
        for c in o.children
        if _words(c)[:4] == ["service-policy", "type", "qos", "input"]
    }
    for policy in sorted(inputs):
        parsed.dscp_to_tc.update(nx.dscp_to_group(policy))
    router_id = nx.bgp(parsed)
    nx.loopback(parsed, router_id)
    parsed.pfc_watchdog = bool(nx.top(r"^priority-flow-control watch-dog-interval on$"))
    parsed.pfc_watchdog_ms = nx.watchdog_ms() if parsed.pfc_watchdog else None
    parsed.bfd_timers = nx.bfd_timers()
    parsed.load_balancing = nx.load_balancing()
    parsed.acl_cidrs = nx.management_acl()
    nx.gnmi(parsed)
    parsed.ntp_servers = {_words(o)[2] for o in nx.top(r"^ntp server \S+")}
    return parsed


def parse_files(files: Mapping[str, str]) -> ParsedSwitch:
    """The driver's uniform entry point: one switch's rendered files (path -> text)."""
    (text,) = files.values()
    return parse(text)

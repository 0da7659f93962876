"""Read an SR Linux 25.3.1 JSON config back into the OS-neutral ParsedSwitch (aiinfra/nos/parsed.py).

Answers follow SR Linux semantics, from the config alone: a DSCP reaches a traffic class
through the port's subinterface ``dscp-policy`` (DSCP -> forwarding class) and the class's
``unicast-queue`` (its ``queue-index``); a port has PFC on a priority when its qos entry
enables PFC with a mapping profile whose received-traffic pfc-queue carries that pause-frame
priority; ECN is on the lossless queue when the port's output queue of that class has a
queue-management-profile whose WRED slope marks ECN. Timers come back in milliseconds
(BFD is stated in microseconds).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiinfra.nos.parsed import ParsedSwitch

US_PER_MS = 1000
ANYWHERE = "0.0.0.0/0"


def _by(items: list[dict[str, Any]] | None, key: str) -> dict[str, dict[str, Any]]:
    return {str(i[key]): i for i in items or []}


def _qos(s: ParsedSwitch, qos: dict[str, Any]) -> None:
    from aiinfra.nos.parsed import ParsedInterface

    fcs = _by(qos.get("forwarding-classes", {}).get("forwarding-class"), "name")
    queues = _by(qos.get("queues", {}).get("queue"), "name")
    fc_tc = {n: queues[f["output"]["unicast-queue"]]["queue-index"] for n, f in fcs.items()}
    policies = _by(qos.get("classifiers", {}).get("dscp-policy"), "name")
    profiles = _by(qos.get("pfc-mapping-profile"), "name")
    qmps = _by(qos.get("buffer-management", {}).get("queue-management-profile"), "name")
    for p in profiles.values():
        for q in p.get("received-pfc-pause-frames", {}).get("queue", []):
            if q.get("enable-pfc"):
                s.nodrop_priorities.add(queues[q["queue-name"]]["queue-index"])
        dl = p.get("received-pfc-pause-frames", {}).get("deadlock", {})
        if dl.get("enable"):
            s.pfc_watchdog = True
    for sched in qos.get("scheduler-policies", {}).get("scheduler-policy", []):
        for stage in sched.get("scheduler", []):
            if stage.get("priority") == "strict":
                s.strict_priority_tcs |= {queues[i["queue-name"]]["queue-index"] for i in stage.get("input", [])}
    for q in qmps.values():
        for slope in q.get("wred", {}).get("wred-slope", []):
            if slope.get("enable-ecn"):
                s.ecn_min_bytes = int(slope["min-threshold"])
                s.ecn_max_bytes = int(slope["max-threshold"])
                s.ecn_max_probability = slope.get("max-drop-probability-percent")
    nodrop_queues = {
        q["queue-name"]
        for p in profiles.values()
        for q in p.get("received-pfc-pause-frames", {}).get("queue", [])
        if q.get("enable-pfc")
    }
    for entry in qos.get("interfaces", {}).get("interface", []):
        ref = entry.get("interface-ref", {})
        name = ref.get("interface", entry["interface-id"])
        iface = s.interfaces.setdefault(name, ParsedInterface(name=name))
        policy = entry.get("input", {}).get("classifiers", {}).get("dscp-policy")
        if policy is not None:
            iface.trust_dscp = True
            for d in policies[policy].get("dscp", []):
                s.dscp_to_tc[int(d["value"])] = fc_tc[d["forwarding-class"]]
        pfc = entry.get("pfc", {})
        if pfc.get("pfc-enable") and pfc.get("pfc-mapping-profile") in profiles:
            for pq in profiles[pfc["pfc-mapping-profile"]]["received-traffic"]["unicast-mapping"]["pfc-queue"]:
                iface.pfc_priorities.add(int(pq["pfc-pause-frame-priority"]))
        for q in entry.get("output", {}).get("queues", {}).get("queue", []):
            marks = any(
                sl.get("enable-ecn")
                for sl in qmps.get(q.get("queue-management-profile", ""), {}).get("wred", {}).get("wred-slope", [])
            )
            if marks and q["queue-name"] in nodrop_queues:
                iface.ecn_on_roce_queue = True


def watchdog_ms(text: str) -> tuple[int, int] | None:
    """(detection, recovery) in ms of the PFC deadlock watchdog, or None when off."""
    for p in json.loads(text).get("srl_nokia-qos:qos", {}).get("pfc-mapping-profile", []):
        dl = p.get("received-pfc-pause-frames", {}).get("deadlock", {})
        if dl.get("enable"):
            return int(dl["detection-timer"]), int(dl["recovery-timer"])
    return None


def parse(text: str) -> ParsedSwitch:
    """The ParsedSwitch of one rendered SR Linux config."""
    from aiinfra.nos.parsed import ParsedInterface, ParsedSwitch

    data = json.loads(text)
    system = data.get("srl_nokia-system:system", {})
    s = ParsedSwitch(hostname=system.get("srl_nokia-system-name:name", {}).get("host-name", ""), text=text)
    for i in data.get("srl_nokia-interfaces:interface", []):
        if "breakout-mode" in i:
            continue
        sub = (i.get("subinterface") or [{}])[0]
        address = (sub.get("ipv4", {}).get("address") or [{}])[0].get("ip-prefix")
        if i["name"].startswith("system"):
            s.loopback = address
            continue
        s.interfaces[i["name"]] = ParsedInterface(
            name=i["name"],
            mtu=i.get("mtu"),
            address=address,
            shutdown=i.get("admin-state") == "disable",
            description=i.get("description", ""),
        )
    for ni in data.get("srl_nokia-network-instance:network-instance", []):
        bgp = ni.get("protocols", {}).get("srl_nokia-bgp:bgp")
        if bgp is None:
            continue
        s.asn = bgp["autonomous-system"]
        groups = _by(bgp.get("group"), "group-name")
        for n in bgp.get("neighbor", []):
            group = groups[n["peer-group"]]
            s.neighbors[n["peer-address"]] = n.get("peer-as", group.get("peer-as"))
            bfd = n.get("failure-detection", group.get("failure-detection", {})).get("enable-bfd")
            if bfd:
                s.bfd_neighbors.add(n["peer-address"])
        for afi in bgp.get("afi-safi", []):
            s.maximum_paths = afi.get("multipath", {}).get("ebgp", {}).get("maximum-paths")
    for b in data.get("srl_nokia-bfd:bfd", {}).get("subinterface", []):
        tx, rx = b["desired-minimum-transmit-interval"], b["required-minimum-receive"]
        if tx == rx:
            s.bfd_timers.add((tx // US_PER_MS, b["detection-multiplier"]))
    if "srl_nokia-qos:qos" in data:
        _qos(s, data["srl_nokia-qos:qos"])
    for f in data.get("srl_nokia-acl:acl", {}).get("acl-filter", []):
        for e in f.get("entry", []):
            src = e.get("match", {}).get("ipv4", {}).get("source-ip", {}).get("prefix")
            if src and "accept" in e.get("action", {}):
                s.acl_cidrs.add(src)
    s.ntp_servers = {x["address"] for x in system.get("srl_nokia-ntp:ntp", {}).get("server", [])}
    _gnmi(s, system, data)
    return s


def _gnmi(s: ParsedSwitch, system: dict[str, Any], data: dict[str, Any]) -> None:
    """The enabled gNMI server's port and TLS profile, and the sources the control-plane ACL admits to it."""
    servers = [
        g
        for g in system.get("srl_nokia-grpc:grpc-server", [])
        if g.get("admin-state") == "enable" and "srl_nokia-grpc:gnmi" in g.get("services", [])
    ]
    if not servers:
        return
    s.gnmi_port = servers[0].get("port", 57400)  # the YANG default
    s.gnmi_tls = servers[0].get("tls-profile")
    control_plane = system.get("control-plane-traffic", {}).get("input", {}).get("srl_nokia-acl:acl", {})
    applied = {f["name"] for f in control_plane.get("acl-filter", [])}
    filters = [f for f in data.get("srl_nokia-acl:acl", {}).get("acl-filter", []) if f["name"] in applied]
    s.gnmi_sources = _port_sources(filters[0], s.gnmi_port) if filters else {ANYWHERE}


def _port_sources(acl_filter: dict[str, Any], port: int) -> set[str]:
    """Sources a filter accepts to TCP ``port``, first matching entry wins."""
    out: set[str] = set()
    for e in sorted(acl_filter.get("entry", []), key=lambda e: e["sequence-id"]):
        match = e.get("match", {})
        proto = match.get("ipv4", {}).get("protocol")
        dport = match.get("transport", {}).get("destination-port", {}).get("value")
        if (proto not in (None, "tcp")) or (dport is not None and dport != port):
            continue
        src = match.get("ipv4", {}).get("source-ip", {}).get("prefix")
        accept = "accept" in e.get("action", {})
        if src is None:
            return out | ({ANYWHERE} if accept else set())
        if accept:
            out.add(src)
    return out


def parse_files(files: Mapping[str, str]) -> ParsedSwitch:
    """The ParsedSwitch of one switch's rendered files (SR Linux writes exactly one)."""
    (text,) = files.values()
    return parse(text)

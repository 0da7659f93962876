"""Read a Junos curly-brace configuration back into the OS-neutral ``ParsedSwitch``.

``parse_switch`` parses the text with :mod:`aiinfra.nos.junos.syntax` and reads what
the switch would do from the tree, following references the way Junos does (a
port's congestion-notification profile, its classifier, the forwarding class's
``pfc-priority`` and queue), rather than trusting names. The tests read every
rendered Junos file back with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aiinfra.nos.junos.syntax import Node, after, flag, leaf, named, names, parse, section, statements, values
from aiinfra.nos.parsed import ParsedInterface, ParsedSwitch


@dataclass
class _Cos:
    queue: dict[str, int] = field(default_factory=dict)  # forwarding class -> queue
    pfc_priority: dict[str, int] = field(default_factory=dict)  # lossless class -> priority
    classifiers: dict[str, dict[int, str]] = field(default_factory=dict)  # name -> dscp -> class
    schedulers: dict[str, list[Node]] = field(default_factory=dict)
    maps: dict[str, dict[str, str]] = field(default_factory=dict)  # map -> class -> scheduler
    drop_profiles: dict[str, list[Node]] = field(default_factory=dict)
    cnps: dict[str, list[Node]] = field(default_factory=dict)


def _read_cos(cos: list[Node] | None) -> _Cos:
    """Index class-of-service by name so port settings can be followed to queues."""
    out = _Cos()
    for st in statements(section(cos, "forwarding-classes")):
        queue = values(after(st.words, "queue-num"))
        if st.words[0] != "class" or not queue:
            continue
        name = str(st.words[1])
        out.queue[name] = int(queue[0])
        priority = values(after(st.words, "pfc-priority"))
        if "no-loss" in st.keys and priority:
            out.pfc_priority[name] = int(priority[0])
    for cname, body in named(section(cos, "classifiers"), "dscp").items():
        mapping: dict[int, str] = {}
        for fc, fbody in named(body, "forwarding-class").items():
            for st in statements(fbody):
                if st.words[0] == "loss-priority":
                    for bits in values(after(st.words, "code-points")):
                        mapping[int(bits, 2)] = fc
        out.classifiers[cname] = mapping
    out.schedulers = {str(st.words[0]): st.block for st in statements(section(cos, "schedulers")) if st.block}
    out.drop_profiles = {str(st.words[0]): st.block for st in statements(section(cos, "drop-profiles")) if st.block}
    out.cnps = {
        str(st.words[0]): st.block
        for st in statements(section(cos, "congestion-notification-profile"))
        if st.block is not None
    }
    for st in statements(section(cos, "scheduler-maps")):
        out.maps[str(st.words[0])] = {
            str(m.words[1]): str(m.words[3])
            for m in statements(st.block)
            if len(m.words) == 4 and m.words[0] == "forwarding-class" and m.words[2] == "scheduler"
        }
    return out


def _ecn_drop_profile(cos: _Cos, scheduler: str) -> list[Node] | None:
    """The interpolated drop profile a scheduler marks ECN with, if it does."""
    body = cos.schedulers.get(scheduler)
    if not flag(body, "explicit-congestion-notification"):
        return None
    name = values(after(leaf(body, "drop-profile-map") or [], "drop-profile"))
    return cos.drop_profiles.get(name[0]) if name else None


def _pfc_priorities(cos: _Cos, cnp: list[Node] | None, classifier: dict[int, str]) -> set[int]:
    """Priorities on which the port both sends PFC and honours it on the class's own queue.

    Input: DSCPs marked ``pfc`` that the port's classifier puts in a no-loss
    class send pauses on that class's ``pfc-priority``. Output: the same
    priority's 802.1p code point must stop that class's queue.
    """
    if cnp is None:
        return set()
    pausing = {
        int(str(st.words[1]), 2)
        for st in statements(section(cnp, "input", "dscp"))
        if st.words[0] == "code-point" and flag(st.block, "pfc")
    }
    honoured = {
        int(str(st.words[1]), 2): int(values(leaf(st.block, "flow-control-queue"))[0])
        for st in statements(section(cnp, "output", "ieee-802.1"))
        if st.words[0] == "code-point" and leaf(st.block, "flow-control-queue")
    }
    out = set()
    for dscp in pausing:
        fc = classifier.get(dscp)
        if fc in cos.pfc_priority and honoured.get(cos.pfc_priority[fc]) == cos.queue[fc]:
            out.add(cos.pfc_priority[fc])
    return out


def _interfaces(tree: list[Node], cos: _Cos, switch: ParsedSwitch) -> None:
    """Per-port facts, with PFC/ECN/trust taken from the port's class-of-service binding."""
    cos_ifaces = {str(st.words[0]): st.block for st in statements(section(tree, "class-of-service", "interfaces"))}
    for st in statements(section(tree, "interfaces")):
        name, body = str(st.words[0]), st.block
        mtu = leaf(body, "mtu")
        address = leaf(section(body, "unit", "0", "family", "inet"), "address")
        description = leaf(body, "description")
        iface = ParsedInterface(
            name=name,
            mtu=int(str(mtu[0])) if mtu else None,
            address=str(address[0]) if address else None,
            shutdown=flag(body, "disable"),
            description=str(description[0]) if description else "",
        )
        cbody = cos_ifaces.get(name)
        if cbody is not None:
            cnp = values(leaf(cbody, "congestion-notification-profile"))
            smap = values(leaf(cbody, "scheduler-map"))
            cls = values(leaf(section(cbody, "unit", "0", "classifiers"), "dscp"))
            classifier = cos.classifiers.get(cls[0], {}) if cls else {}
            iface.trust_dscp = bool(classifier)
            iface.pfc_priorities = _pfc_priorities(cos, cos.cnps.get(cnp[0]) if cnp else None, classifier)
            fc_map = cos.maps.get(smap[0], {}) if smap else {}
            iface.ecn_on_roce_queue = any(
                fc in cos.pfc_priority and _ecn_drop_profile(cos, sched) is not None for fc, sched in fc_map.items()
            )
        switch.interfaces[name] = iface
    lo = switch.interfaces.get("lo0")
    switch.loopback = lo.address if lo else None


def port_qos(cos_tree: list[Node] | None) -> dict[str, dict[str, object]]:
    """What each port of ``[edit class-of-service interfaces]`` does for RoCE, in acceptance terms.

    Per port: ``pfc`` the priorities its congestion-notification profile both pauses on and
    honours on the class's queue (as ``_pfc_priorities`` follows them), ``watchdog`` whether
    that profile arms ``pfc-watchdog``, ``ecn`` the queues whose scheduler in the port's
    scheduler map carries ``explicit-congestion-notification``. ``aiinfra.verify`` reads a
    switch's committed ``show configuration class-of-service`` with it, so acceptance and
    the parse-back follow the same references.
    """
    cos = _read_cos(cos_tree)
    out: dict[str, dict[str, object]] = {}
    for st in statements(section(cos_tree, "interfaces")):
        cnp = values(leaf(st.block, "congestion-notification-profile"))
        smap = values(leaf(st.block, "scheduler-map"))
        cls = values(leaf(section(st.block, "unit", "0", "classifiers"), "dscp"))
        profile = cos.cnps.get(cnp[0]) if cnp else None
        fc_map = cos.maps.get(smap[0], {}) if smap else {}
        out[str(st.words[0])] = {
            "pfc": sorted(_pfc_priorities(cos, profile, cos.classifiers.get(cls[0], {}) if cls else {})),
            "watchdog": any(s.keys[0] == "pfc-watchdog" for s in statements(profile)),
            "ecn": sorted(
                {
                    cos.queue[fc]
                    for fc, sched in fc_map.items()
                    if fc in cos.queue and flag(cos.schedulers.get(sched), "explicit-congestion-notification")
                }
            ),
        }
    return out


def _qos(cos_tree: list[Node] | None, cos: _Cos, switch: ParsedSwitch) -> None:
    """Switch-wide QoS: DSCP -> queue, lossless and strict queues, ECN fill levels, watchdog."""
    for classifier in cos.classifiers.values():
        for dscp, fc in classifier.items():
            switch.dscp_to_tc[dscp] = cos.queue[fc]
    switch.nodrop_priorities = set(cos.pfc_priority.values())
    used: dict[str, str] = {}
    for fc_map in cos.maps.values():
        used.update(fc_map)
    for fc, sched in used.items():
        if flag(cos.schedulers.get(sched), "priority", "strict-high"):
            switch.strict_priority_tcs.add(cos.queue[fc])
        profile = _ecn_drop_profile(cos, sched) if fc in cos.pfc_priority else None
        if profile is not None:
            interp = section(profile, "interpolate")
            fill = [int(v) for v in values(leaf(interp, "fill-level"))]
            prob = [int(v) for v in values(leaf(interp, "drop-probability"))]
            switch.ecn_min_fill_pct, switch.ecn_max_fill_pct = fill[0], fill[-1]
            switch.ecn_max_probability = prob[-1]
    applied = {
        values(leaf(st.block, "congestion-notification-profile"))[0]
        for st in statements(section(cos_tree, "interfaces"))
        if leaf(st.block, "congestion-notification-profile")
    }
    watchdogs = [
        statement
        for name in sorted(applied)
        for statement in statements(cos.cnps.get(name))
        if statement.keys[0] == "pfc-watchdog"
    ]
    switch.pfc_watchdog = bool(watchdogs)
    if watchdogs:
        switch.pfc_watchdog_ms = _watchdog_ms(watchdogs[0].block)


# Junos CoS guide, "PFC watchdog": with no options the watchdog polls every 100 ms, detects a
# stall after 2 polls and restores the queue after 200 ms.
WATCHDOG_DEFAULTS = {"poll-interval": 100, "detection": 2, "recovery-time": 200}


def _watchdog_ms(block: list[Node] | None) -> tuple[int, int, int]:
    """(detection, restoration, poll) in ms: detection counts polls, recovery-time is in ms."""
    value = {k: int(values(leaf(block, k))[0]) if leaf(block, k) else v for k, v in WATCHDOG_DEFAULTS.items()}
    return value["detection"] * value["poll-interval"], value["recovery-time"], value["poll-interval"]


def _bfd_timers(body: list[Node] | None) -> tuple[int, int] | None:
    bfd = section(body, "bfd-liveness-detection")
    if bfd is None:
        return None
    interval, multiplier = leaf(bfd, "minimum-interval"), leaf(bfd, "multiplier")
    return int(values(interval)[0]) if interval else 0, int(values(multiplier)[0]) if multiplier else 3


def _bgp(tree: list[Node], switch: ParsedSwitch) -> None:
    """Neighbors with their AS (neighbor- or group-level) and which ones run BFD."""
    asn = leaf(section(tree, "routing-options"), "autonomous-system")
    switch.asn = int(str(asn[0])) if asn else None
    for group in named(section(tree, "protocols", "bgp"), "group").values():
        group_as = leaf(group, "peer-as")
        for address, body in named(group, "neighbor").items():
            peer_as = leaf(body, "peer-as") or group_as
            if peer_as is None:
                raise ValueError(f"BGP neighbor {address} has no peer-as")
            switch.neighbors[address] = int(str(peer_as[0]))
            timers = _bfd_timers(body) or _bfd_timers(group)
            if timers is not None:
                switch.bfd_neighbors.add(address)
                switch.bfd_timers.add(timers)


def _load_balancing(tree: list[Node]) -> str:
    """The ecmp-dlb mode, or plain ECMP when none is set (Junos has no default DLB mode)."""
    dlb = section(tree, "forwarding-options", "enhanced-hash-key", "ecmp-dlb")
    modes = [st.keys[0] for st in statements(dlb) if st.keys[0] in ("flowlet", "per-packet", "assigned-flow")]
    if len(modes) > 1:
        raise ValueError(f"ecmp-dlb has several modes: {modes}")
    return modes[0] if modes else "ecmp"


def _acl_cidrs(tree: list[Node], ports: frozenset[str] = frozenset({"ssh", "snmp"})) -> set[str]:
    """Sources the RE filter on lo0.0 admits to any of ``ports`` (SSH and SNMP: the management ACL)."""
    applied = names(section(tree, "interfaces", "lo0", "unit", "0", "family", "inet", "filter"), "input")
    filters = named(section(tree, "firewall", "family", "inet"), "filter")
    prefix_lists = named(section(tree, "policy-options"), "prefix-list")
    out: set[str] = set()
    for name in applied:
        for term in named(filters.get(name), "term").values():
            match = section(term, "from")
            if not ports & set(values(leaf(match, "destination-port"))):
                continue
            for plist in names(match, "source-prefix-list"):
                out.update(str(st.words[0]) for st in statements(prefix_lists.get(plist)))
            out.update(names(match, "source-address"))
    return out


def _gnmi(tree: list[Node], switch: ParsedSwitch) -> None:
    """The gRPC server's TLS port, the sources the RE filter admits to it, and client-certificate checking."""
    ssl = section(tree, "system", "services", "extension-service", "request-response", "grpc", "ssl")
    port = leaf(ssl, "port")
    if ssl is None or not port:
        return
    switch.gnmi_port = int(str(port[0]))
    switch.gnmi_sources = _acl_cidrs(tree, frozenset({str(port[0])}))
    # With use-pki the name is a PKI local certificate (request security pki local-certificate
    # load); without it, an [edit security certificates local] entry, which must then exist.
    cert = values(leaf(ssl, "local-certificate"))
    local = named(section(tree, "security", "certificates"), "local")
    switch.gnmi_tls = cert[0] if cert and (flag(ssl, "use-pki") or cert[0] in local) else None
    mutual = section(ssl, "mutual-authentication")
    ca = leaf(mutual, "certificate-authority")
    profiles = named(section(tree, "security", "pki"), "ca-profile")
    required = values(leaf(mutual, "client-certificate-request")) == ["require-certificate-and-verify"]
    if ca and str(ca[0]) in profiles and required:
        switch.gnmi_client_ca = str(ca[0])


def parse_switch(text: str) -> ParsedSwitch:
    """What a Junos switch loaded with ``text`` would do, in ParsedSwitch terms."""
    return read_switch(parse(text), text)


def read_switch(tree: list[Node], text: str) -> ParsedSwitch:
    """``parse_switch`` for a tree already parsed from ``text``."""
    host = leaf(section(tree, "system"), "host-name")
    switch = ParsedSwitch(hostname=str(host[0]) if host else "", text=text)
    cos_tree = section(tree, "class-of-service")
    cos = _read_cos(cos_tree)
    _interfaces(tree, cos, switch)
    _qos(cos_tree, cos, switch)
    _bgp(tree, switch)
    switch.load_balancing = _load_balancing(tree)
    switch.acl_cidrs = _acl_cidrs(tree)
    _gnmi(tree, switch)
    switch.ntp_servers = {
        str(st.words[1]) for st in statements(section(tree, "system", "ntp")) if st.words[0] == "server"
    }
    return switch


def parse_files(files: Mapping[str, str]) -> ParsedSwitch:
    """The driver's uniform entry point: one switch's rendered files (path -> text)."""
    (text,) = files.values()
    return parse_switch(text)

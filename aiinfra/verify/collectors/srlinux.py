"""SR Linux 25.3 (JSON-RPC ``get``, state datastore): the acceptance state from SR Linux's own JSON.

Every name below is a node of the 25.3.1 YANG models (``shared/schemas/srlinux-yang-25.3.1``);
the tests parse their sample output with those models (libyang, unknown members refused), so a
misspelt key fails. A ``get`` of a container returns its children; 64-bit counters and
decimal64 values come as JSON strings (RFC 7951), read here with ``as_int``/``_dbm``.

- ``/system/lldp`` (srl_nokia-lldp: interface > neighbor: system-name, port-id);
- the default network-instance's ``protocols/bgp`` (srl_nokia-bgp: neighbor: peer-address,
  session-state, peer-as, afi-safi received-routes);
- ``/interface`` (srl_nokia-interfaces): name, oper-state, mtu, ethernet port-speed such as
  ``400G``, and from the same subtree
  - counters: ``statistics/in-fcs-error-packets`` ("Ingress FCS errors") and
    ``ethernet/forward-error-correction/statistics/host-if-fec-router/frame-error-count``
    ("The number of uncorrectable FEC blocks/frames"). The models have no PCS symbol-error
    counter (``ethernet/symbol-monitor`` only raises threshold alarms), so ``symbol`` is not
    collected and stays absent;
  - optics: ``transceiver/channel[index]/input-power`` (``latest-value`` in dBm, and the
    ``low-alarm-threshold``/``high-alarm-threshold`` "read from the installed transceiver"),
    ``transceiver/temperature/latest-value`` (degrees C). A port without a transceiver channel
    reports no optics;
- ``/qos`` (srl_nokia-qos), per port entry of ``interfaces/interface`` whose ``interface-ref``
  names the port and no subinterface:
  - PFC: ``pfc/pfc-enable`` with ``pfc/pfc-mapping-profile``; the profile's priorities are those
    whose pause frames the port honours (``received-pfc-pause-frames/queue`` with
    ``enable-pfc``) and those it generates (``received-traffic/unicast-mapping/pfc-queue``
    ``pfc-pause-frame-priority``); ``pfc/oper-state`` down counts as no PFC;
  - watchdog: the profile's ``received-pfc-pause-frames/deadlock/enable`` (SR Linux's PFC
    deadlock detection and recovery), on a port with PFC enabled;
  - ECN: the port's ``output/queues/queue`` whose state ``active-queue-management/wred-slope``
    has an entry with ``enable-ecn`` true, as the queue's ``queue-index`` (``qos/queues/queue``).
"""

from __future__ import annotations

from typing import Any

from aiinfra.verify.collectors.values import as_float, as_int, gbps

LLDP = "/system/lldp"
BGP = "/network-instance[name=default]/protocols/bgp"
INTERFACES = "/interface"
QOS = "/qos"
COMMANDS = (LLDP, BGP, INTERFACES, QOS)


def _child(node: Any, name: str) -> Any:
    """``node``'s member ``name``, also when qualified with its module (``srl_nokia-interfaces:interface``):
    the JSON of a ``get`` of a list may carry the RFC 7951 module prefix on the list's name."""
    if not isinstance(node, dict):
        return None
    if name in node:
        return node[name]
    return next((v for k, v in node.items() if k.endswith(f":{name}")), None)


def _dig(node: Any, *names: str) -> Any:
    for name in names:
        node = _child(node, name)
    return node


def _counters(ports: list[dict[str, Any]]) -> dict[str, Any]:
    fec = ("ethernet", "forward-error-correction", "statistics", "host-if-fec-router", "frame-error-count")
    return {
        str(i.get("name")): {
            "fcs": as_int(_dig(i, "statistics", "in-fcs-error-packets")),
            "fec_uncorrectable": as_int(_dig(i, *fec)),
        }
        for i in ports
    }


def _optics(ports: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in ports:
        channels = sorted(_dig(i, "transceiver", "channel") or [], key=lambda c: as_int(c.get("index")) or 0)
        if not channels:
            continue
        power = [c.get("input-power") or {} for c in channels]
        lows = [v for v in (as_float(p.get("low-alarm-threshold")) for p in power) if v is not None]
        highs = [v for v in (as_float(p.get("high-alarm-threshold")) for p in power) if v is not None]
        out[str(i.get("name"))] = {
            "rx_power_dbm": [v for v in (as_float(p.get("latest-value")) for p in power) if v is not None],
            "rx_low_alarm_dbm": max(lows) if lows else None,  # the strictest lane
            "rx_high_alarm_dbm": min(highs) if highs else None,
            "temperature_c": as_float(_dig(i, "transceiver", "temperature", "latest-value")),
        }
    return out


def _profile_priorities(profile: dict[str, Any]) -> set[int]:
    received = _dig(profile, "received-pfc-pause-frames", "queue") or []
    generated = _dig(profile, "received-traffic", "unicast-mapping", "pfc-queue") or []
    out = {as_int(q.get("pfc-pause-frame-priority")) for q in received if q.get("enable-pfc") is True}
    out |= {as_int(q.get("pfc-pause-frame-priority")) for q in generated}
    return {p for p in out if p is not None}


def _qos(qos: dict[str, Any]) -> dict[str, Any]:
    profiles = {p.get("name"): p for p in _child(qos, "pfc-mapping-profile") or []}
    index = {q.get("name"): as_int(q.get("queue-index")) for q in _dig(qos, "queues", "queue") or []}
    pfc: dict[str, list[int]] = {}
    watchdog: dict[str, bool] = {}
    ecn: dict[str, list[int]] = {}
    for entry in _dig(qos, "interfaces", "interface") or []:
        ref = entry.get("interface-ref") or {}
        port = ref.get("interface")
        if not port or "subinterface" in ref:
            continue
        state = entry.get("pfc") or {}
        on = state.get("pfc-enable") is True and state.get("oper-state") != "down"
        profile = profiles.get(state.get("pfc-mapping-profile")) or {}
        pfc[port] = sorted(_profile_priorities(profile)) if on else []
        deadlock = _dig(profile, "received-pfc-pause-frames", "deadlock") or {}
        watchdog[port] = on and deadlock.get("enable") is True
        marked: list[int] = []
        for q in _dig(entry, "output", "queues", "queue") or []:
            slopes = _dig(q, "active-queue-management", "wred-slope") or []
            tc = index.get(q.get("queue-name"))
            if tc is not None and any(s.get("enable-ecn") is True for s in slopes):
                marked.append(tc)
        ecn[port] = sorted(marked)
    return {"pfc": pfc, "watchdog": watchdog, "ecn": ecn}


def collect(raw: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if LLDP in raw:
        state["lldp"] = {
            i.get("name"): [{"device": n.get("system-name"), "port": n.get("port-id")} for n in i.get("neighbor", [])]
            for i in _child(raw[LLDP], "interface") or []
        }
    if BGP in raw:
        peers = {}
        for n in _child(raw[BGP], "neighbor") or []:
            routes = [as_int(a.get("received-routes")) for a in n.get("afi-safi", [])]
            session = str(n.get("session-state", ""))
            peers[str(n.get("peer-address"))] = {
                "state": "Established" if session == "established" else session,
                "asn": as_int(n.get("peer-as")),
                "prefixes": sum(r for r in routes if r is not None) if routes else None,
            }
        state["bgp"] = peers
    if INTERFACES in raw:
        ports = _child(raw[INTERFACES], "interface") or []
        state["interfaces"] = state["speed"] = {
            i.get("name"): {
                "up": i.get("oper-state") == "up",
                "mtu": as_int(i.get("mtu")),
                "speed_gbps": gbps((i.get("ethernet") or {}).get("port-speed")),
            }
            for i in ports
        }
        state["counters"] = _counters(ports)
        state["optics"] = _optics(ports)
    if QOS in raw:
        state["qos"] = _qos(raw[QOS])
    return state

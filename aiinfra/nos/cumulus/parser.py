"""Read an NVUE startup.yaml back into the OS-neutral ParsedSwitch.

Answers follow NVUE semantics: a port without its own PFC or congestion-control
profile uses ``default-global``; a DSCP reaches a traffic class through
``mapping`` (DSCP -> switch priority) then ``egress-queue-mapping`` (switch
priority -> traffic class); the no-drop queue of a port is the traffic class its
PFC priorities map to; adaptive routing runs only when enabled globally and on
the port. aiinfra writes ``"on"`` quoted (the string NVUE's 5.14 enums list); ``_on``
also takes YAML 1.1's boolean reading of a bare ``on``, so a hand-written file parses too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from aiinfra.nos.parsed import ParsedInterface, ParsedSwitch

DEFAULT = "default-global"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same result, faster
MGMT_INTERFACE = "eth0"


def _on(value: Any) -> bool:
    return value is True or value in ("on", "enabled", "enable")


def _ints(keys: Any) -> set[int]:
    return {int(k) for k in (keys or {})}


def load_nvue(text: str) -> dict[str, Any]:
    """The object tree under the single ``- set:`` item."""
    doc = yaml.load(text, Loader=LOADER)
    if not isinstance(doc, list) or len(doc) != 1 or set(doc[0]) != {"set"}:
        raise ValueError("an NVUE startup file is a list holding one '- set:' item")
    tree = doc[0]["set"]
    if not isinstance(tree, dict):
        raise ValueError("the '- set:' item of an NVUE startup file holds a mapping")
    return tree


def parse_cumulus(text: str) -> ParsedSwitch:
    tree = load_nvue(text)
    sw = ParsedSwitch(hostname=tree["system"]["hostname"], text=text)
    qos = tree.get("qos", {})
    queues = qos.get("egress-queue-mapping", {}).get(DEFAULT, {}).get("switch-priority", {})
    sp_to_tc = {int(sp): v["traffic-class"] for sp, v in queues.items()}
    _interfaces(tree, qos, sp_to_tc, sw)
    _qos_globals(qos, sp_to_tc, sw)
    _routing(tree, sw)
    _management(tree, sw)
    return sw


def _pfc_priorities(qos: dict[str, Any], port_qos: dict[str, Any]) -> set[int]:
    profiles = qos.get("pfc", {})
    name = port_qos.get("pfc", {}).get("profile", DEFAULT)
    return _ints(profiles.get(name, {}).get("switch-priority"))


def _ecn_tcs(qos: dict[str, Any], port_qos: dict[str, Any]) -> set[int]:
    name = port_qos.get("congestion-control", {}).get("profile", DEFAULT)
    tcs = qos.get("congestion-control", {}).get(name, {}).get("traffic-class", {})
    return {int(tc) for tc, v in tcs.items() if v.get("ecn") == "enable"}


def _interfaces(tree: dict[str, Any], qos: dict[str, Any], sp_to_tc: dict[int, int], sw: ParsedSwitch) -> None:
    trust = qos.get("mapping", {}).get(DEFAULT, {}).get("trust") in ("l3", "both")
    for name, iface in tree.get("interface", {}).items():
        if name == "lo":
            sw.loopback = next(iter(iface["ip"]["address"]))
            continue
        link = iface.get("link", {})
        if iface.get("type") != "swp" or "breakout" in link:
            continue  # management port or a breakout cage (its members are the ports)
        parsed = ParsedInterface(
            name=name,
            mtu=link.get("mtu"),
            shutdown="down" in link.get("state", {}),
            description=iface.get("description", ""),
        )
        addresses = list(iface.get("ip", {}).get("address", {}))
        parsed.address = addresses[0] if addresses else None
        port_qos = iface.get("qos", {})
        if qos:
            parsed.pfc_priorities = _pfc_priorities(qos, port_qos)
            nodrop_tcs = {sp_to_tc.get(p, p) for p in parsed.pfc_priorities}
            parsed.ecn_on_roce_queue = bool(nodrop_tcs) and nodrop_tcs <= _ecn_tcs(qos, port_qos)
            parsed.trust_dscp = trust
        sw.interfaces[name] = parsed


def _qos_globals(qos: dict[str, Any], sp_to_tc: dict[int, int], sw: ParsedSwitch) -> None:
    if not qos:
        return
    mapping = qos.get("mapping", {}).get(DEFAULT, {}).get("dscp", {})
    sw.dscp_to_tc = {int(d): sp_to_tc.get(v["switch-priority"], v["switch-priority"]) for d, v in mapping.items()}
    for profile in qos.get("pfc", {}).values():
        sw.nodrop_priorities |= _ints(profile.get("switch-priority"))
    scheduler = qos.get("egress-scheduler", {}).get(DEFAULT, {}).get("traffic-class", {})
    sw.strict_priority_tcs = {int(tc) for tc, v in scheduler.items() if v.get("mode") == "strict"}
    nodrop_tcs = {sp_to_tc.get(p, p) for p in sw.nodrop_priorities}
    for tc, v in qos.get("congestion-control", {}).get(DEFAULT, {}).get("traffic-class", {}).items():
        if int(tc) in nodrop_tcs and v.get("ecn") == "enable":
            sw.ecn_min_bytes = v["min-threshold"]
            sw.ecn_max_bytes = v["max-threshold"]
            sw.ecn_max_probability = v["probability"]


def _routing(tree: dict[str, Any], sw: ParsedSwitch) -> None:
    router = tree.get("router", {})
    interfaces = tree.get("interface", {})
    ar_ports = [n for n, i in interfaces.items() if _on(i.get("router", {}).get("adaptive-routing", {}).get("enable"))]
    global_ar = _on(router.get("adaptive-routing", {}).get("enable"))
    sw.load_balancing = "per-packet" if global_ar and ar_ports else "ecmp"
    sw.pfc_watchdog = "pfc-watchdog" in tree.get("qos", {}) and any(
        "pfc-watchdog" in i.get("qos", {}) for i in interfaces.values()
    )
    bgp_global = router.get("bgp", {})
    if not _on(bgp_global.get("enable")):
        return
    sw.asn = bgp_global["autonomous-system"]
    bgp = tree["vrf"]["default"]["router"]["bgp"]
    groups = bgp.get("peer-group", {})
    for key, n in bgp.get("neighbor", {}).items():
        group = groups.get(n.get("peer-group"), {})
        remote = n.get("remote-as", group.get("remote-as"))
        if _on(group.get("address-family", {}).get("ipv4-unicast", {}).get("enable", True)):
            sw.neighbors[str(key)] = remote
        if _on(n.get("bfd", {}).get("enable")) or _on(group.get("bfd", {}).get("enable")):
            sw.bfd_neighbors.add(str(key))
    sw.maximum_paths = bgp.get("address-family", {}).get("ipv4-unicast", {}).get("multipaths", {}).get("ebgp")


def _management(tree: dict[str, Any], sw: ParsedSwitch) -> None:
    acls = tree.get("acl", {})
    bound = tree.get("interface", {}).get(MGMT_INTERFACE, {}).get("acl", {})
    for name, binding in bound.items():
        if "control-plane" not in binding.get("inbound", {}):
            continue
        for rule in acls[name]["rule"].values():
            source = rule["match"]["ip"].get("source-ip")
            if "permit" in rule["action"] and source:
                sw.acl_cidrs.add(source)
    for vrf in tree.get("service", {}).get("ntp", {}).values():
        sw.ntp_servers |= set(vrf.get("server", {}))
    _gnmi(tree, sw, [acls[name] for name, b in bound.items() if "control-plane" in b.get("inbound", {})])


def _gnmi(tree: dict[str, Any], sw: ParsedSwitch, acls: list[dict[str, Any]]) -> None:
    """The enabled gNMI server's port, certificate and client CA, and the sources the eth0
    control-plane ACLs admit to that port (rules in number order, the first match wins)."""
    server = tree.get("system", {}).get("gnmi-server", {})
    if server.get("state") != "enabled":
        return
    sw.gnmi_port = port = server.get("port", 9339)  # NVUE's default
    sw.gnmi_tls = server.get("certificate")
    sw.gnmi_client_ca = server.get("mtls", {}).get("ca-certificate")
    if not acls:
        sw.gnmi_sources = {"0.0.0.0/0"}
    for acl in acls:
        for _, rule in sorted(acl["rule"].items(), key=lambda kv: int(kv[0])):
            ip = rule["match"]["ip"]
            ports = ip.get("tcp", {}).get("dest-port", {}) if ip.get("protocol") == "tcp" else None
            if ports is None or str(port) not in ports:
                continue
            if "source-ip" not in ip:
                sw.gnmi_sources |= {"0.0.0.0/0"} if "permit" in rule["action"] else set()
                break
            if "permit" in rule["action"]:
                sw.gnmi_sources.add(ip["source-ip"])


def parse_files(files: Mapping[str, str]) -> ParsedSwitch:
    """The driver's uniform entry point: one switch's rendered files (path -> text)."""
    (text,) = files.values()
    return parse_cumulus(text)

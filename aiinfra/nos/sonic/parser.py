"""Read a SONiC config_db.json (+ frr.conf) back into the OS-neutral ParsedSwitch.

The questions are answered the way SONiC would: a port's PFC priorities are its
``PORT_QOS_MAP`` ``pfc_enable``; its no-drop queue is what
``MAP_PFC_PRIORITY_TO_QUEUE`` sends a paused priority to; BFD runs only where
DEVICE_METADATA starts bfdd; ECN is on when that
queue's ``QUEUE`` entry names a WRED profile with ECN marking; strict classes
are the TCs whose queue's scheduler is ``STRICT``; the DSCP map is the one the
ports reference, resolved through ``DSCP_TO_TC_MAP``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiinfra.nos.frr.parser import FrrConfig, frr_switch, parse_frr
from aiinfra.nos.parsed import ParsedInterface, ParsedSwitch

ECN_MARKING = {"ecn_green", "ecn_yellow", "ecn_red", "ecn_green_yellow", "ecn_green_red", "ecn_yellow_red", "ecn_all"}
# A control-plane ACL table type and the services aiinfra guards with it.
CTRLPLANE = "CTRLPLANE"
ANYWHERE = "0.0.0.0/0"


def table(db: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = db.get(name, {})
    return found


def parse_sonic(config_db: str, frr_conf: str) -> ParsedSwitch:
    db = json.loads(config_db)
    frr = parse_frr(frr_conf)
    meta = db["DEVICE_METADATA"]["localhost"]
    sw = ParsedSwitch(hostname=meta["hostname"], text=config_db + frr_conf)
    _interfaces(db, sw)
    _qos(db, sw)
    _routing(db, frr, sw)
    _management(db, sw)
    return sw


def _interfaces(db: dict[str, Any], sw: ParsedSwitch) -> None:
    for name, port in table(db, "PORT").items():
        sw.interfaces[name] = ParsedInterface(
            name=name,
            mtu=int(port["mtu"]) if "mtu" in port else None,
            shutdown=port.get("admin_status", "down") != "up",
            description=port.get("description", ""),
        )
    for key in table(db, "INTERFACE"):
        if "|" in key:
            name, prefix = key.split("|", 1)
            sw.interfaces[name].address = prefix
    for key in table(db, "LOOPBACK_INTERFACE"):
        if key.startswith("Loopback0|"):
            sw.loopback = key.split("|", 1)[1]


def _queue_scheduler(db: dict[str, Any], port: str, queue: int) -> dict[str, Any]:
    entry = table(db, "QUEUE").get(f"{port}|{queue}", {})
    scheduler: dict[str, Any] = table(db, "SCHEDULER").get(entry.get("scheduler", ""), {})
    return scheduler


def _qos(db: dict[str, Any], sw: ParsedSwitch) -> None:
    qos_maps = table(db, "PORT_QOS_MAP")
    wred = table(db, "WRED_PROFILE")
    for port, entry in qos_maps.items():
        if port == "global" or port not in sw.interfaces:
            continue
        iface = sw.interfaces[port]
        iface.trust_dscp = "dscp_to_tc_map" in entry
        if iface.trust_dscp:
            dscp = table(db, "DSCP_TO_TC_MAP")[entry["dscp_to_tc_map"]]
            sw.dscp_to_tc.update({int(d): int(tc) for d, tc in dscp.items()})
        priorities = {int(p) for p in entry.get("pfc_enable", "").split(",") if p}
        iface.pfc_priorities = priorities
        sw.nodrop_priorities |= priorities
        pfc_to_queue = table(db, "MAP_PFC_PRIORITY_TO_QUEUE").get(entry.get("pfc_to_queue_map", ""), {})
        tc_to_queue = table(db, "TC_TO_QUEUE_MAP").get(entry.get("tc_to_queue_map", ""), {})
        for priority in priorities:
            queue = int(pfc_to_queue[str(priority)])
            profile = wred.get(table(db, "QUEUE").get(f"{port}|{queue}", {}).get("wred_profile", ""))
            if profile and profile.get("ecn") in ECN_MARKING and profile.get("wred_green_enable") == "true":
                iface.ecn_on_roce_queue = True
                sw.ecn_min_bytes = int(profile["green_min_threshold"])
                sw.ecn_max_bytes = int(profile["green_max_threshold"])
                sw.ecn_max_probability = int(profile["green_drop_probability"])
        for tc, queue in tc_to_queue.items():
            if _queue_scheduler(db, port, int(queue)).get("type") == "STRICT":
                sw.strict_priority_tcs.add(int(tc))
    actions = ("drop", "forward", "alert")
    watched = [p for p, e in table(db, "PFC_WD").items() if p in sw.interfaces and e.get("action") in actions]
    sw.pfc_watchdog = bool(watched) and "POLL_INTERVAL" in table(db, "PFC_WD").get("GLOBAL", {})
    # Community SONiC 202411 balances by ECMP hashing only; ARS tables would be a vendor DLB.
    sw.load_balancing = "ecmp" if not any(t.startswith("ARS_") for t in db) else "dlb"


def _routing(db: dict[str, Any], frr: FrrConfig, sw: ParsedSwitch) -> None:
    meta_asn = db["DEVICE_METADATA"]["localhost"].get("bgp_asn")
    if meta_asn is not None and frr.asn is not None and int(meta_asn) != frr.asn:
        raise ValueError(f"DEVICE_METADATA bgp_asn {meta_asn} disagrees with frr.conf router bgp {frr.asn}")
    if frr.interfaces:
        raise ValueError("SONiC's frr.conf must not configure interfaces: config_db.json owns the addresses")
    routing = frr_switch(frr)
    sw.asn, sw.neighbors = routing.asn, routing.neighbors
    # 202411's bgp container starts bfdd only with frr_mgmt_framework_config "true"
    # (docker-fpm-frr supervisord.conf.j2): without it, frr.conf's bfd lines run nothing.
    bfdd = db["DEVICE_METADATA"]["localhost"].get("frr_mgmt_framework_config") == "true"
    sw.bfd_neighbors = routing.bfd_neighbors if bfdd else set()
    sw.maximum_paths = routing.maximum_paths


def _management(db: dict[str, Any], sw: ParsedSwitch) -> None:
    tables = table(db, "ACL_TABLE")
    for key, rule in table(db, "ACL_RULE").items():
        acl = key.split("|", 1)[0]
        if tables.get(acl, {}).get("type") == CTRLPLANE and rule.get("PACKET_ACTION") == "ACCEPT":
            sw.acl_cidrs.add(rule["SRC_IP"])
    sw.ntp_servers = set(table(db, "NTP_SERVER"))
    _gnmi(db, sw)


def _stem(path: str | None) -> str | None:
    return path.rsplit("/", 1)[-1].rsplit(".", 1)[0] if path else None


def _gnmi(db: dict[str, Any], sw: ParsedSwitch) -> None:
    """GNMI|gnmi's port and TLS files, and the sources caclmgrd's EXTERNAL_CLIENT rules admit to
    that port (highest PRIORITY first, the first match wins)."""
    gnmi = table(db, "GNMI")
    server, certs = gnmi.get("gnmi"), gnmi.get("certs", {})
    if server is None:
        return
    sw.gnmi_port = port = int(server.get("port", 50051))
    if certs.get("server_key"):
        sw.gnmi_tls = _stem(certs.get("server_crt"))
    if server.get("client_auth") == "true":
        sw.gnmi_client_ca = _stem(certs.get("ca_crt"))
    tables = {
        name
        for name, t in table(db, "ACL_TABLE").items()
        if t.get("type") == CTRLPLANE and "EXTERNAL_CLIENT" in t.get("services", [])
    }
    rules = [
        r
        for key, r in table(db, "ACL_RULE").items()
        if key.split("|", 1)[0] in tables and r.get("L4_DST_PORT") == str(port)
    ]
    if not rules:
        sw.gnmi_sources = {ANYWHERE}
        return
    for r in sorted(rules, key=lambda r: -int(r["PRIORITY"])):
        if "SRC_IP" not in r:
            if r["PACKET_ACTION"] == "ACCEPT":
                sw.gnmi_sources.add(ANYWHERE)
            break
        if r["PACKET_ACTION"] == "ACCEPT":
            sw.gnmi_sources.add(r["SRC_IP"])


def parse_files(files: Mapping[str, str]) -> ParsedSwitch:
    """The driver's uniform entry point: one switch's rendered files (path -> text)."""
    db = next(t for p, t in files.items() if p.endswith(".json"))
    frr = next(t for p, t in files.items() if p.endswith(".frr.conf"))
    return parse_sonic(db, frr)

"""NX-OS (NX-API / ``| json``): the acceptance state from NX-OS's own JSON (NX-OS 10.5, Nexus 9000).

Where each key comes from (NX-OS JSON keeps the CLI table names, ``TABLE_x`` > ``ROW_x``):

- ``show lldp neighbors detail``: TABLE_nbor_detail > ROW_nbor_detail with l_port_id,
  sys_name, port_id;
- ``show bgp ipv4 unicast summary``: TABLE_vrf > ROW_vrf > TABLE_af > ROW_af > TABLE_saf >
  ROW_saf > TABLE_neighbor > ROW_neighbor with neighborid, neighboras, state,
  prefixreceived (the keys NAPALM's NX-API driver reads in ``get_bgp_neighbors``);
- ``show interface``: TABLE_interface > ROW_interface with interface, state, eth_mtu,
  eth_bw in kb/s (NAPALM ``get_interfaces``);
- ``show interface transceiver details`` (optics): TABLE_interface > ROW_interface with
  interface and sfp (``present`` / ``not present``), and per lane TABLE_lane > ROW_lane with
  lane_number, temperature, rx_pwr, rx_pwr_alrm_lo, rx_pwr_alrm_hi, numbers as text in
  degrees C and dBm (captured NX-API responses of the go-cisco-nx-api client,
  ``assets/requests/resp.show.interface.transceiver.details.{1,2}.json``: a QSFP with four
  lanes, and an SFP whose single ROW_lane is a dict without lane_number).

A ROW_* is a dict when it holds one entry and a list otherwise; NX-OS abbreviates ports as
``Eth1/1`` in LLDP, which is expanded to the ``Ethernet1/1`` the Design names.

- ``show interface counters errors`` (counters): TABLE_interface > ROW_interface, one port
  spread over several rows (each row holds one group of the CLI's columns), eth_fcs_err
  (FCS) and eth_symbol_err (PCS symbol errors), numbers; a port's rows are merged
  (greenpau/go-cisco-nx-api ``pkg/client/error_counter.go``, which reads the same reply).
  No FEC-uncorrectable count was found in any NX-OS JSON that could be confirmed, so
  ``fec_uncorrectable`` is left out and ``aiinfra verify`` names it as not collected;
- ``show interface priority-flow-control`` (qos, PFC running): TABLE_module > ROW_module >
  TABLE_pfc_interface > ROW_pfc_interface with if_name_str, admin, oper (the switch's PFC
  state per port: on when it reads ``on``, in any case, with or without the CLI's
  ``(VL bmap)`` suffix). It says whether PFC runs, not on which priorities.

Text: ``show running-config`` (qos), read with the driver's own parse-back
(``aiinfra.nos.nxos.parser.port_qos``): PFC priorities are the system network-qos policy's
``pause pfc-cos`` on ports with ``priority-flow-control mode on``, the watchdog the global
or per-port ``priority-flow-control watch-dog-interval``, ECN the queues whose class in the
queuing policy in force marks WRED-ECN. The whole running configuration is read because no
narrower section is confirmed to hold every line: PFC on a port belongs to ipqos
(``ipqosPriorFlowCtrl`` under the port in the NX-API DME model) but the PFC watchdog to the
platform (``platformPriorFlowCtrlWd`` under ``sys/pltfm``), Cisco Nexus 3000/9000 NX-API
REST SDK guide 9.3(x). The per-port watchdog and ECN state of ``show queuing pfc-queue`` /
``show queuing interface`` could not be confirmed as JSON, so they are what the switch runs
in its configuration. The parse-back needs ciscoconfparse2 (``pip install aiinfra[deploy]``);
without it qos stays not collected.
"""

from __future__ import annotations

from typing import Any

from aiinfra.verify.collectors.values import as_float, as_int, running_config_qos

LLDP = "show lldp neighbors detail"
BGP = "show bgp ipv4 unicast summary"
INTERFACES = "show interface"
TRANSCEIVERS = "show interface transceiver details"
ERRORS = "show interface counters errors"
PFC = "show interface priority-flow-control"
RUNNING = "show running-config"  # text, not JSON
JSON_COMMANDS = (LLDP, BGP, INTERFACES, TRANSCEIVERS, ERRORS, PFC)
COMMANDS = (*JSON_COMMANDS, RUNNING)

NO_LIGHT_DBM = float("-inf")  # a lane whose rx_pwr is not a number (N/A): no light to read


def _rows(table: Any, row: str) -> list[dict[str, Any]]:
    value = (table or {}).get(row, [])
    return [value] if isinstance(value, dict) else list(value)


def _nx_port(name: str) -> str:
    return "Ethernet" + name[3:] if name.startswith("Eth") and not name.startswith("Ethernet") else name


def _optics(out: dict[str, Any]) -> dict[str, Any]:
    """Per present module: the lanes' receive power and the module's alarm thresholds.

    SFF-8636 and CMIS keep one set of thresholds per module, which NX-OS repeats on every
    lane; the tightest pair is taken should two lanes ever disagree."""
    dom: dict[str, Any] = {}
    for r in _rows(out.get("TABLE_interface"), "ROW_interface"):
        lanes = _rows(r.get("TABLE_lane"), "ROW_lane")
        if r.get("sfp") != "present" or not lanes:
            continue
        lanes.sort(key=lambda lane: as_int(lane.get("lane_number")) or 1)
        rx = [as_float(lane.get("rx_pwr")) for lane in lanes]
        lows = [v for v in (as_float(lane.get("rx_pwr_alrm_lo")) for lane in lanes) if v is not None]
        highs = [v for v in (as_float(lane.get("rx_pwr_alrm_hi")) for lane in lanes) if v is not None]
        temps = [v for v in (as_float(lane.get("temperature")) for lane in lanes) if v is not None]
        dom[str(r.get("interface"))] = {
            "rx_power_dbm": [NO_LIGHT_DBM if v is None else v for v in rx],
            "rx_low_alarm_dbm": max(lows) if lows else None,
            "rx_high_alarm_dbm": min(highs) if highs else None,
            "temperature_c": max(temps) if temps else None,
        }
    return dom


def _counters(out: dict[str, Any]) -> dict[str, Any]:
    """FCS and symbol errors per port, merged over the port's rows; FEC uncorrectable not reported."""
    counters: dict[str, dict[str, Any]] = {}
    for r in _rows(out.get("TABLE_interface"), "ROW_interface"):
        port = counters.setdefault(str(r.get("interface")), {"fcs": None, "symbol": None})
        for key, field in (("fcs", "eth_fcs_err"), ("symbol", "eth_symbol_err")):
            if field in r:
                port[key] = as_int(r[field])
    return counters


def _pfc_oper(out: dict[str, Any]) -> dict[str, bool]:
    return {
        _nx_port(str(r.get("if_name_str", ""))): str(r.get("oper", "")).strip().lower().startswith("on")
        for m in _rows(out.get("TABLE_module"), "ROW_module")
        for r in _rows(m.get("TABLE_pfc_interface"), "ROW_pfc_interface")
    }


def collect(raw: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if LLDP in raw:
        heard: dict[str, list[dict[str, Any]]] = {}
        for r in _rows(raw[LLDP].get("TABLE_nbor_detail"), "ROW_nbor_detail"):
            heard.setdefault(_nx_port(str(r.get("l_port_id", ""))), []).append(
                {"device": r.get("sys_name"), "port": r.get("port_id")}
            )
        state["lldp"] = heard
    if BGP in raw:
        peers = {}
        for vrf in _rows(raw[BGP].get("TABLE_vrf"), "ROW_vrf"):
            for af in _rows(vrf.get("TABLE_af"), "ROW_af"):
                for saf in _rows(af.get("TABLE_saf"), "ROW_saf"):
                    for n in _rows(saf.get("TABLE_neighbor"), "ROW_neighbor"):
                        peers[str(n.get("neighborid"))] = {
                            "state": n.get("state"),
                            "asn": as_int(n.get("neighboras")),
                            "prefixes": as_int(n.get("prefixreceived")),
                        }
        state["bgp"] = peers
    if INTERFACES in raw:
        state["interfaces"] = state["speed"] = {
            str(r.get("interface")): {
                "up": r.get("state") == "up",
                "mtu": as_int(r.get("eth_mtu")),
                "speed_gbps": (as_int(r.get("eth_bw")) or 0) // 10**6 or None,
            }
            for r in _rows(raw[INTERFACES].get("TABLE_interface"), "ROW_interface")
        }
    if TRANSCEIVERS in raw:
        state["optics"] = _optics(raw[TRANSCEIVERS])
    if ERRORS in raw:
        state["counters"] = _counters(raw[ERRORS])
    if RUNNING in raw:
        qos = running_config_qos("nxos", raw[RUNNING])
        if qos is not None:
            if PFC in raw:
                qos["pfc_oper"] = _pfc_oper(raw[PFC])
            state["qos"] = qos
    return state

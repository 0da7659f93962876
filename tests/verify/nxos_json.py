"""Healthy NX-OS NX-API output beyond LLDP/BGP/interfaces, built from the Design's objects
in the documented shape (aiinfra/verify/collectors/nxos.py names the source of every key).

``show running-config`` is the configuration aiinfra renders for the switch, so the qos
check reads what the deploy would leave running."""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design
from aiinfra.nos.nxos.render import render
from aiinfra.verify.collectors import nxos as nxos_json
from tests.verify import vendor_json

# One four-lane module's DOM, as NX-OS prints it: numbers as text, thresholds on every lane.
RX_DBM = ("-1.02", "-0.87", "-1.31", "-0.95")
RX_LOW_ALARM = "-10.40"
RX_HIGH_ALARM = "5.00"
TEMPERATURE = "44.62"


def _lane(number: int, rx: str) -> dict[str, Any]:
    return {
        "lane_number": number,
        "temperature": TEMPERATURE,
        "temp_alrm_hi": "75.00",
        "temp_alrm_lo": "-5.00",
        "tx_pwr": "0.86",
        "rx_pwr": rx,
        "rx_pwr_alrm_hi": RX_HIGH_ALARM,
        "rx_pwr_alrm_lo": RX_LOW_ALARM,
        "rx_pwr_warn_hi": "2.00",
        "rx_pwr_warn_lo": "-8.40",
        "xmit_faults": "0",
        "rx_pwr_flag": {},
    }


def transceivers(ports: list[str]) -> dict[str, Any]:
    return {
        "TABLE_interface": {
            "ROW_interface": [
                {
                    "interface": port,
                    "sfp": "present",
                    "type": "QSFP-DD-400G-DR4",
                    "TABLE_lane": {"ROW_lane": [_lane(n, rx) for n, rx in enumerate(RX_DBM, 1)]},
                }
                for port in ports
            ]
        }
    }


# The error-counter groups NX-OS prints for each port, one ROW_interface per group and port
# (the CLI's column blocks; go-cisco-nx-api merges them the same way). Counts are numbers.
ERROR_GROUPS = (
    ("eth_align_err", "eth_fcs_err", "eth_xmit_err", "eth_rcv_err", "eth_undersize", "eth_outdisc"),
    ("eth_single_col", "eth_multi_col", "eth_late_col", "eth_excess_col", "eth_carri_sen", "eth_runts"),
    ("eth_giants", "eth_sqetest_err", "eth_deferred_tx", "eth_inmactx_err", "eth_inmacrx_err", "eth_symbol_err"),
    ("eth_indisc",),
)


def errors(ports: list[str]) -> dict[str, Any]:
    rows = [{"interface": port, **dict.fromkeys(group, 0)} for group in ERROR_GROUPS for port in ports]
    return {"TABLE_interface": {"ROW_interface": rows}}


def pfc(ports: list[str]) -> dict[str, Any]:
    """``show interface priority-flow-control``: PFC on and running on every port given."""
    rows = [{"if_name_str": port, "admin": "on", "oper": "on", "rx-stats": 0, "tx-stats": 0} for port in ports]
    return {"TABLE_module": {"ROW_module": {"TABLE_pfc_interface": {"ROW_pfc_interface": rows}}}}


def running_config(design: Design, name: str) -> str:
    (text,) = render(design.devices[name], design).values()
    return text


def healthy(design: Design, name: str, optical: list[str]) -> dict[str, Any]:
    """Every command the NX-OS collector reads; ``optical`` are the ports with a module."""
    raw = vendor_json.nxos(design, name)
    cabled = [i.name for i in design.devices[name].interfaces if i.enabled and i.peer_device]
    lossless = [i.name for i in design.devices[name].interfaces if i.enabled and i.lossless]
    raw[nxos_json.TRANSCEIVERS] = transceivers(optical)
    raw[nxos_json.ERRORS] = errors(cabled)
    raw[nxos_json.PFC] = pfc(lossless)
    raw[nxos_json.RUNNING] = running_config(design, name)
    return raw

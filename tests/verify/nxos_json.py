"""Healthy NX-OS NX-API output beyond LLDP/BGP/interfaces, built from the Design's objects
in the documented shape (aiinfra/verify/collectors/nxos.py names the source of every key)."""

from __future__ import annotations

from typing import Any

from aiinfra.design.model import Design
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


def healthy(design: Design, name: str, optical: list[str]) -> dict[str, Any]:
    """Every command the NX-OS collector reads; ``optical`` are the ports with a module."""
    raw = vendor_json.nxos(design, name)
    raw[nxos_json.TRANSCEIVERS] = transceivers(optical)
    return raw

"""NX-OS optics (DOM per lane with the module's own thresholds) through the shared evaluation:
healthy passes, low light / no light / a hot or missing module is named with device, port,
expected and found. Counters and QoS: tests/verify/test_nxos_qos_counters.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.verify import collect
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.collectors import nxos
from aiinfra.verify.evaluate import evaluate
from tests.conftest import example
from tests.verify import nxos_json

NAME = "lab-be-spine-01"  # NX-OS, RoCE back end, optical ports
SECTIONS = ("lldp", "bgp", "interfaces", "speed", "optics")


@pytest.fixture(scope="module")
def catalog() -> dict[str, Any]:
    cat = catalogs(example("lab").design)[NAME]
    assert cat["os"] == "nxos" and cat["optics"]["ports"]
    return cat


def _raw(catalog: dict[str, Any]) -> dict[str, Any]:
    return nxos_json.healthy(example("lab").design, NAME, catalog["optics"]["ports"])


def _lines(catalog: dict[str, Any], raw: dict[str, Any], sections: tuple[str, ...] = SECTIONS) -> list[str]:
    return evaluate({NAME: catalog}, {NAME: collect.state_of("nxos", raw)}, sections).lines()


def _lanes(raw: dict[str, Any], index: int = 0) -> list[dict[str, Any]]:
    row = raw[nxos.TRANSCEIVERS]["TABLE_interface"]["ROW_interface"][index]
    lanes: list[dict[str, Any]] = row["TABLE_lane"]["ROW_lane"]
    return lanes


def test_the_playbook_runs_what_the_collector_reads() -> None:
    tasks = yaml.safe_load((Path(nxos.__file__).parents[2] / "nos/nxos/tasks/verify.yml").read_text())
    json_cmds = tasks[0]["cisco.nxos.nxos_command"]["commands"]
    text_cmds = tasks[1]["cisco.nxos.nxos_command"]["commands"]
    assert tuple(c["command"] for c in json_cmds) == nxos.JSON_COMMANDS
    assert tuple(c["command"] for c in json_cmds + text_cmds) == nxos.COMMANDS
    assert {c["output"] for c in json_cmds} == {"json"} and {c["output"] for c in text_cmds} == {"text"}
    assert tasks[1]["no_log"] is True  # the running configuration carries the switch's secrets


def test_healthy_optics_pass(catalog: dict[str, Any]) -> None:
    lines = _lines(catalog, _raw(catalog))
    assert lines == [lines[-1]] and lines[-1].startswith("verify: verified")
    assert f"optics {len(catalog['optics']['ports'])}" in lines[-1]
    state = collect.state_of("nxos", _raw(catalog))["optics"][catalog["optics"]["ports"][0]]
    assert state == {
        "rx_power_dbm": [float(v) for v in nxos_json.RX_DBM],
        "rx_low_alarm_dbm": float(nxos_json.RX_LOW_ALARM),
        "rx_high_alarm_dbm": float(nxos_json.RX_HIGH_ALARM),
        "temperature_c": float(nxos_json.TEMPERATURE),
    }


def test_low_rx_power_names_port_lane_expected_and_found(catalog: dict[str, Any]) -> None:
    raw = _raw(catalog)
    _lanes(raw)[1]["rx_pwr"] = "-9.50"  # above the -10.40 alarm, inside the 2 dB margin
    port = catalog["optics"]["ports"][0]
    floor = float(nxos_json.RX_LOW_ALARM) + catalog["optics"]["rx_margin_db"]
    assert _lines(catalog, raw)[:-1] == [
        f"FAIL {NAME} {port} rx power lane 2: expected >= {floor:.2f} dBm, found -9.50 dBm"
    ]


def test_lane_without_light_fails(catalog: dict[str, Any]) -> None:
    raw = _raw(catalog)
    _lanes(raw)[3]["rx_pwr"] = "N/A"
    failed = _lines(catalog, raw)[:-1]
    assert len(failed) == 1 and " rx power lane 4: " in failed[0] and "found -inf dBm" in failed[0]


def test_hot_module_fails(catalog: dict[str, Any]) -> None:
    raw = _raw(catalog)
    for lane in _lanes(raw, 2):
        lane["temperature"] = "71.50"
    port = catalog["optics"]["ports"][2]
    limit = catalog["optics"]["max_temperature_c"]
    assert _lines(catalog, raw)[:-1] == [f"FAIL {NAME} {port} module temperature: expected <= {limit} C, found 71.5 C"]


def test_missing_module_fails(catalog: dict[str, Any]) -> None:
    raw = _raw(catalog)
    row = raw[nxos.TRANSCEIVERS]["TABLE_interface"]["ROW_interface"][1]
    row.clear()
    row.update({"interface": catalog["optics"]["ports"][1], "sfp": "not present"})
    port = catalog["optics"]["ports"][1]
    assert _lines(catalog, raw)[:-1] == [f"FAIL {NAME} {port} optics dom: expected readings, found absent"]


def test_single_lane_and_single_module_rows_are_dicts() -> None:
    """The ROW_ rule: one module is a dict, one lane is a dict without lane_number (SFP)."""
    out = nxos_json.transceivers(["Ethernet1/9"])
    row = out["TABLE_interface"]["ROW_interface"][0]
    lane = dict(_lane_of(row))
    del lane["lane_number"]
    row["TABLE_lane"]["ROW_lane"] = lane
    out["TABLE_interface"]["ROW_interface"] = row
    state = nxos.collect({nxos.TRANSCEIVERS: out})
    assert state["optics"] == {
        "Ethernet1/9": {
            "rx_power_dbm": [float(nxos_json.RX_DBM[0])],
            "rx_low_alarm_dbm": float(nxos_json.RX_LOW_ALARM),
            "rx_high_alarm_dbm": float(nxos_json.RX_HIGH_ALARM),
            "temperature_c": float(nxos_json.TEMPERATURE),
        }
    }


def _lane_of(row: dict[str, Any]) -> dict[str, Any]:
    lanes: list[dict[str, Any]] = row["TABLE_lane"]["ROW_lane"]
    return lanes[0]


def test_lanes_are_read_in_lane_order(catalog: dict[str, Any]) -> None:
    raw = _raw(catalog)
    _lanes(raw).reverse()
    port = catalog["optics"]["ports"][0]
    got = collect.state_of("nxos", raw)["optics"][port]["rx_power_dbm"]
    assert got == [float(v) for v in nxos_json.RX_DBM]

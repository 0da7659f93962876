"""NX-OS error counters and QoS through the same evaluation as every OS.

The lab's back-end spine runs NX-OS (Silicon One G200) with the Design's RoCE QoS. Its
healthy state (tests/verify/nxos_json.py: NX-API JSON from the Design, the rendered
configuration as the running one) passes every section, with FEC uncorrectable named as not
collected; each fault is reported once per affected port, naming device, port, expected
and found.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from aiinfra.verify import collect
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.collectors import nxos
from aiinfra.verify.evaluate import SECTIONS, Failure, evaluate, evaluate_collected
from tests.conftest import example
from tests.verify import nxos_json

SPINE = "lab-be-spine-01"


@pytest.fixture(scope="module")
def catalog() -> dict[str, Any]:
    cat = catalogs(example("lab").design)[SPINE]
    assert cat["os"] == "nxos" and cat["qos"]["lossless_ports"]
    return cat


def _raw(catalog: dict[str, Any]) -> dict[str, Any]:
    return nxos_json.healthy(example("lab").design, SPINE, catalog["optics"]["ports"])


def _failures(catalog: dict[str, Any], raw: dict[str, Any]) -> list[Failure]:
    return sorted(evaluate({SPINE: catalog}, {SPINE: collect.state_of("nxos", raw)}).failures)


def test_healthy_spine_passes_every_section(catalog: dict[str, Any]) -> None:
    result = evaluate({SPINE: catalog}, {SPINE: collect.state_of("nxos", _raw(catalog))})
    assert result.ok, result.lines()
    assert set(result.checked) == set(SECTIONS)
    lossless = catalog["qos"]["lossless_ports"]
    assert result.checked["qos"] == 4 * len(lossless)  # priorities, watchdog, ECN, PFC running
    assert result.checked["counters"] == len(catalog["counters"]["ports"]) > 0
    assert result.not_collected == {SPINE: ["counters fec_uncorrectable"]}
    assert f"NOT COLLECTED {SPINE} counters fec_uncorrectable: this OS does not report it" in result.lines()


def test_a_port_s_rows_are_merged(catalog: dict[str, Any]) -> None:
    port = catalog["counters"]["ports"][0]
    state = collect.state_of("nxos", _raw(catalog))
    assert state["counters"][port] == {"fcs": 0, "symbol": 0}  # FEC uncorrectable: no NX-OS key
    assert state["qos"]["pfc"][port] == [3] and state["qos"]["ecn"][port] == [3]
    assert state["qos"]["watchdog"][port] is True and state["qos"]["pfc_oper"][port] is True


def _error_row(raw: dict[str, Any], port: str, field: str) -> dict[str, Any]:
    rows = raw[nxos.ERRORS]["TABLE_interface"]["ROW_interface"]
    (row,) = [r for r in rows if r["interface"] == port and field in r]
    return dict(row)


@pytest.mark.parametrize(("field", "check"), [("eth_fcs_err", "fcs errors"), ("eth_symbol_err", "symbol errors")])
def test_error_counts_are_named(catalog: dict[str, Any], field: str, check: str) -> None:
    raw = _raw(catalog)
    port = catalog["counters"]["ports"][-1]
    rows = raw[nxos.ERRORS]["TABLE_interface"]["ROW_interface"]
    for row in rows:
        if row["interface"] == port and field in row:
            row[field] = 12
    assert _error_row(raw, port, field)[field] == 12
    assert _failures(catalog, raw) == [Failure(SPINE, port, check, "<= 0", "12")]


def test_a_single_row_is_a_dict() -> None:
    out = nxos_json.errors(["Ethernet1/1/1"])
    (row,) = [r for r in out["TABLE_interface"]["ROW_interface"] if "eth_fcs_err" in r]
    out["TABLE_interface"]["ROW_interface"] = dict(row, eth_fcs_err=5)
    assert nxos.collect({nxos.ERRORS: out})["counters"] == {"Ethernet1/1/1": {"fcs": 5, "symbol": None}}


def _running_fault(catalog: dict[str, Any], pattern: str, replacement: str) -> list[Failure]:
    raw = _raw(catalog)
    text, count = re.subn(pattern, replacement, raw[nxos.RUNNING], flags=re.MULTILINE)
    assert count, f"{pattern!r} is not in the rendered configuration"
    raw[nxos.RUNNING] = text
    return _failures(catalog, raw)


@pytest.mark.parametrize(
    ("pattern", "replacement", "check", "expected", "found"),
    [
        (r"pause pfc-cos 3$", "pause pfc-cos 4", "pfc priorities", "3", "4"),
        (r"^\s*priority-flow-control watch-dog-interval on\n", "", "pfc watchdog", "armed", "off"),
        (r" weight 0 ecn$", " weight 0", "ecn queues", "3", "none"),
        (r"^  priority-flow-control mode on$", "  priority-flow-control mode off", "pfc priorities", "3", "none"),
    ],
    ids=["wrong-pfc-priority", "watchdog-removed", "ecn-removed", "pfc-off"],
)
def test_qos_fault_is_named_on_every_lossless_port(
    catalog: dict[str, Any], pattern: str, replacement: str, check: str, expected: str, found: str
) -> None:
    failures = _running_fault(catalog, pattern, replacement)
    lossless = catalog["qos"]["lossless_ports"]
    assert failures == [Failure(SPINE, port, check, expected, found) for port in sorted(lossless)]


def test_a_port_disarming_its_watchdog_is_named(catalog: dict[str, Any]) -> None:
    port = catalog["qos"]["lossless_ports"][1]
    block = rf"(^interface {re.escape(port)}\n(?:  .*\n)*?)  priority-flow-control watch-dog-interval on$"
    failures = _running_fault(catalog, block, r"\1  priority-flow-control watch-dog-interval off")
    assert failures == [Failure(SPINE, port, "pfc watchdog", "armed", "off")]


def test_pfc_not_running_where_configured_fails(catalog: dict[str, Any]) -> None:
    raw = _raw(catalog)
    rows = raw[nxos.PFC]["TABLE_module"]["ROW_module"]["TABLE_pfc_interface"]["ROW_pfc_interface"]
    rows[0]["oper"] = "Off"
    gone = rows.pop()
    assert _failures(catalog, raw) == sorted(
        [
            Failure(SPINE, rows[0]["if_name_str"], "pfc oper state", "on", "off"),
            Failure(SPINE, gone["if_name_str"], "pfc oper state", "on", "absent"),
        ]
    )


def test_pfc_oper_reads_abbreviated_names_and_the_cli_suffix() -> None:
    out = nxos_json.pfc(["Ethernet1/1/1"])
    row = out["TABLE_module"]["ROW_module"]["TABLE_pfc_interface"]["ROW_pfc_interface"][0]
    row.update({"if_name_str": "Eth1/1/1", "oper": "On (8)"})
    state = nxos.collect({nxos.PFC: out, nxos.RUNNING: ""})
    assert state["qos"]["pfc_oper"] == {"Ethernet1/1/1": True}


def test_without_the_running_configuration_qos_is_not_collected(catalog: dict[str, Any]) -> None:
    raw = _raw(catalog)
    del raw[nxos.RUNNING]
    assert _failures(catalog, raw) == [Failure(SPINE, "-", "qos", "collected", "not collected")]


def test_the_playbook_lists_the_counter_it_did_not_read(catalog: dict[str, Any]) -> None:
    result, skipped = evaluate_collected([(catalog, collect.state_of("nxos", _raw(catalog)))])
    assert result.ok, result.lines()
    assert skipped == {SPINE: ["counters fec_uncorrectable"]}

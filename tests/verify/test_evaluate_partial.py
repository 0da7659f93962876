"""A ``counters`` section the OS fills only in part: what it cannot report is named as not
collected (never failed, never passed silently); what it reports is still judged.

Neutral states written by hand against a small catalog, so the evaluation is tested apart
from any collector.
"""

from __future__ import annotations

from typing import Any

import pytest

from aiinfra.verify.evaluate import Failure, evaluate, evaluate_collected

DEV = "sw1"
PORTS = ["Ethernet1/1", "Ethernet1/2"]


def _catalog() -> dict[str, Any]:
    return {
        "device": DEV,
        "os": "nxos",
        "counters": {"ports": PORTS, "max_fcs": 0, "max_symbol": 0, "max_fec_uncorrectable": 0},
        "qos": {"pfc_priorities": [3], "pfc_watchdog": True, "ecn_queues": [3], "lossless_ports": PORTS},
    }


def _counters(**per_port: dict[str, Any]) -> dict[str, Any]:
    return {"counters": {p: per_port.get(p.replace("/", "_"), {"fcs": 0, "symbol": 0}) for p in PORTS}}


def _qos(**extra: Any) -> dict[str, Any]:
    return {
        "pfc": {p: [3] for p in PORTS},
        "watchdog": dict.fromkeys(PORTS, True),
        "ecn": {p: [3] for p in PORTS},
        **extra,
    }


def test_a_counter_the_os_lacks_is_not_collected_and_named() -> None:
    result = evaluate({DEV: _catalog()}, {DEV: _counters()}, ["counters"])
    assert result.ok
    assert result.not_collected == {DEV: ["counters fec_uncorrectable"]}
    assert result.lines() == [
        f"NOT COLLECTED {DEV} counters fec_uncorrectable: this OS does not report it",
        "verify: verified; checks run: counters 2",
    ]


def test_none_reads_as_not_reported() -> None:
    state = _counters(Ethernet1_2={"fcs": 0, "symbol": None, "fec_uncorrectable": 0})
    for port in PORTS:
        state["counters"][port]["fec_uncorrectable"] = 0
    result = evaluate({DEV: _catalog()}, {DEV: state}, ["counters"])
    assert result.ok and result.not_collected == {DEV: ["counters symbol"]}


def test_a_reported_counter_above_threshold_still_fails_beside_an_unreported_one() -> None:
    state = _counters(Ethernet1_1={"fcs": 7, "symbol": 0})
    result = evaluate({DEV: _catalog()}, {DEV: state}, ["counters"])
    assert result.failures == [Failure(DEV, "Ethernet1/1", "fcs errors", "<= 0", "7")]
    assert result.not_collected == {DEV: ["counters fec_uncorrectable"]}


def test_a_value_that_is_not_a_count_fails() -> None:
    state = _counters(Ethernet1_1={"fcs": "n/a", "symbol": 0, "fec_uncorrectable": 0})
    state["counters"]["Ethernet1/2"]["fec_uncorrectable"] = 0
    result = evaluate({DEV: _catalog()}, {DEV: state}, ["counters"])
    assert result.failures == [Failure(DEV, "Ethernet1/1", "fcs errors", "<= 0", "n/a")]
    assert result.not_collected == {}


def test_every_counter_reported_lists_nothing() -> None:
    state = {"counters": {p: {"fcs": 0, "symbol": 0, "fec_uncorrectable": 0} for p in PORTS}}
    result = evaluate({DEV: _catalog()}, {DEV: state}, ["counters"])
    assert result.ok and result.not_collected == {} and len(result.lines()) == 1


def test_a_port_without_counters_still_fails() -> None:
    state = {"counters": {"Ethernet1/1": {"fcs": 0, "symbol": 0}}}
    result = evaluate({DEV: _catalog()}, {DEV: state}, ["counters"])
    assert result.failures == [Failure(DEV, "Ethernet1/2", "error counters", "read", "absent")]


def test_the_playbook_lists_unreported_counters_with_the_sections() -> None:
    result, skipped = evaluate_collected([(_catalog(), _counters())], ["counters", "qos", "optics"])
    assert result.ok
    assert skipped == {DEV: ["qos", "optics", "counters fec_uncorrectable"]}


@pytest.mark.parametrize(("oper", "found"), [({"Ethernet1/1": True, "Ethernet1/2": False}, "off"), ({}, "absent")])
def test_pfc_not_running_on_a_lossless_port_fails(oper: dict[str, bool], found: str) -> None:
    result = evaluate({DEV: _catalog()}, {DEV: {"qos": _qos(pfc_oper=oper)}}, ["qos"])
    failed = [f for f in result.failures if f.check == "pfc oper state"]
    assert Failure(DEV, "Ethernet1/2", "pfc oper state", "on", found) in failed
    assert result.checked["qos"] == 4 * len(PORTS)


def test_qos_without_an_oper_reading_checks_the_configuration_only() -> None:
    result = evaluate({DEV: _catalog()}, {DEV: {"qos": _qos()}}, ["qos"])
    assert result.ok and result.checked["qos"] == 3 * len(PORTS)

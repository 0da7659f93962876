"""Junos QoS, error counters and optics through the same evaluation as every OS.

The healthy state (tests/verify/junos_state.py: Junos JSON from the Design, the rendered
class-of-service hierarchy as the committed configuration) passes every section; each
fault is reported once per affected port, naming device, port, expected and found.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from aiinfra.verify import collect
from aiinfra.verify.collectors import junos
from aiinfra.verify.evaluate import SECTIONS, Failure, evaluate
from tests.verify import junos_state
from tests.verify.junos_state import LEAF


def _failures(raw: dict[str, Any]) -> list[Failure]:
    result = evaluate({LEAF: junos_state.catalog()}, {LEAF: collect.state_of("junos", raw)})
    return sorted(result.failures)


def test_healthy_leaf_passes_every_section() -> None:
    raw = junos_state.raw()
    result = evaluate({LEAF: junos_state.catalog()}, {LEAF: collect.state_of("junos", raw)})
    assert result.ok, result.lines()
    assert set(result.checked) == set(SECTIONS)
    lossless = junos_state.catalog()["qos"]["lossless_ports"]
    assert result.checked["qos"] == 3 * len(lossless) > 0
    assert result.checked["optics"] == len(junos_state.catalog()["optics"]["ports"]) > 0


def _cos_fault(pattern: str, replacement: str) -> list[Failure]:
    raw = junos_state.raw()
    text, count = re.subn(pattern, replacement, raw[junos.COS])
    assert count, f"{pattern!r} is not in the rendered class-of-service"
    raw[junos.COS] = text
    return _failures(raw)


@pytest.mark.parametrize(
    ("pattern", "replacement", "check", "expected", "found"),
    [
        # the lossless class pauses on priority 4, and the output side honours 4 on its queue
        (
            r"pfc-priority 3;|code-point 011 \{",
            lambda m: m[0].replace("3", "4").replace("011", "100"),
            "pfc priorities",
            "3",
            "4",
        ),
        (r"pfc-watchdog \{[^}]*\}\n", "", "pfc watchdog", "armed", "off"),
        (r"explicit-congestion-notification;\n", "", "ecn queues", "3", "none"),
    ],
    ids=["wrong-pfc-priority", "watchdog-off", "ecn-missing"],
)
def test_qos_fault_is_named_on_every_lossless_port(
    pattern: str, replacement: Any, check: str, expected: str, found: str
) -> None:
    failures = _cos_fault(pattern, replacement)
    lossless = junos_state.catalog()["qos"]["lossless_ports"]
    assert failures == [Failure(LEAF, port, check, expected, found) for port in sorted(lossless)]


def test_fcs_errors_are_named() -> None:
    raw = junos_state.raw()
    first = raw[junos.EXTENSIVE]["interface-information"][0]["physical-interface"][0]
    first["ethernet-mac-statistics"][0]["input-crc-errors"] = [{"data": "12"}]
    port = first["name"][0]["data"]
    assert _failures(raw) == [Failure(LEAF, port, "fcs errors", "<= 0", "12")]
    assert _failures(raw)[0].line() == f"FAIL {LEAF} {port} fcs errors: expected <= 0, found 12"


def test_fec_uncorrectable_and_code_violations_are_named() -> None:
    raw = junos_state.raw()
    last = raw[junos.EXTENSIVE]["interface-information"][0]["physical-interface"][-1]
    last["ethernet-fec-statistics"][0]["fec_nccw_count"] = [{"data": "3"}]
    last["ethernet-mac-statistics"][0]["input-code-violations"] = [{"data": "7"}]
    port = last["name"][0]["data"]
    assert _failures(raw) == [
        Failure(LEAF, port, "fec_uncorrectable errors", "<= 0", "3"),
        Failure(LEAF, port, "symbol errors", "<= 0", "7"),
    ]


def test_low_rx_power_names_the_lane() -> None:
    raw = junos_state.raw()
    first = raw[junos.OPTICS]["interface-information"][0]["physical-interface"][0]
    first["optics-diagnostics"][0]["optics-diagnostics-lane-values"][1]["laser-rx-optical-power-dbm"] = [
        {"data": "-12.40"}
    ]
    port = first["name"][0]["data"]
    want = f">= {junos_state.RX_LOW_ALARM + 2:.2f} dBm"
    assert _failures(raw) == [Failure(LEAF, port, "rx power lane 2", want, "-12.40 dBm")]


def test_dark_lane_reads_minus_infinity_and_fails() -> None:
    raw = junos_state.raw()
    first = raw[junos.OPTICS]["interface-information"][0]["physical-interface"][0]
    first["optics-diagnostics"][0]["optics-diagnostics-lane-values"][0]["laser-rx-optical-power-dbm"] = [
        {"data": "- Inf"}
    ]
    (failure,) = _failures(raw)
    assert (failure.check, failure.found) == ("rx power lane 1", "-inf dBm")


def test_hot_module_is_named_from_the_celsius_attribute() -> None:
    raw = junos_state.raw()
    first = raw[junos.OPTICS]["interface-information"][0]["physical-interface"][0]
    first["optics-diagnostics"][0]["module-temperature"] = [
        {"data": "75 degrees C / 167 degrees F", "attributes": {"junos:celsius": "75"}}
    ]
    port = first["name"][0]["data"]
    assert _failures(raw) == [Failure(LEAF, port, "module temperature", "<= 68.0 C", "75.0 C")]


def test_unreadable_class_of_service_is_not_collected() -> None:
    raw = junos_state.raw()
    raw[junos.COS] = "class-of-service { unbalanced"
    assert _failures(raw) == [Failure(LEAF, "-", "qos", "collected", "not collected")]


def test_verify_tasks_run_exactly_the_collector_commands() -> None:
    import yaml

    from tests.playbooks.ansiblerun import ROOT

    tasks = yaml.safe_load((ROOT / "aiinfra/nos/junos/tasks/verify.yml").read_text(encoding="utf-8"))
    json_task, text_task = (
        tasks[0]["junipernetworks.junos.junos_command"],
        tasks[1]["junipernetworks.junos.junos_command"],
    )
    assert (json_task["display"], text_task["display"]) == ("json", "text")
    assert tuple(json_task["commands"]) + tuple(text_task["commands"]) == junos.COMMANDS
    assert tuple(json_task["commands"]) == junos.JSON_COMMANDS

"""EOS QoS through the same evaluation as every OS: the running configuration read with the
driver's parse-back.

The lab spec with its back-end spines on EOS (7060X6-64PE), so the spine carries the
Design's RoCE QoS; the eAPI JSON of the other sections is tests/verify/eapi.py's, and
``show running-config`` is the configuration aiinfra renders for the spine. Healthy passes
every section; each fault in the qos profile is named on every lossless port.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from tempfile import mkdtemp
from typing import Any

import pytest
import yaml

from aiinfra.design.model import Design
from aiinfra.nos.eos.render import render
from aiinfra.pipeline import design_from_file
from aiinfra.verify import collect
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.collectors import eos
from aiinfra.verify.evaluate import SECTIONS, Failure, evaluate
from tests.conftest import lab_data, write_spec
from tests.verify import eapi

SPINE = "lab-be-spine-01"


@cache
def _design() -> Design:
    data = lab_data()
    data["fabrics"]["backend"]["switches"]["spine"] = {"model": "7060x6-64pe", "os": "eos"}
    return design_from_file(write_spec(Path(mkdtemp()), data)).design


def _catalog() -> dict[str, Any]:
    cat = catalogs(_design())[SPINE]
    assert cat["os"] == "eos" and cat["qos"]["lossless_ports"]
    return cat


def _raw() -> dict[str, Any]:
    raw = eapi.healthy(_design(), SPINE)
    (raw[eos.RUNNING],) = render(_design().devices[SPINE], _design()).values()
    return raw


def _failures(raw: dict[str, Any]) -> list[Failure]:
    return sorted(evaluate({SPINE: _catalog()}, {SPINE: collect.state_of("eos", raw)}).failures)


def test_healthy_spine_passes_every_section() -> None:
    cat = _catalog()
    result = evaluate({SPINE: cat}, {SPINE: collect.state_of("eos", _raw())})
    assert result.ok, result.lines()
    assert set(result.checked) == set(SECTIONS)
    assert result.checked["qos"] == 3 * len(cat["qos"]["lossless_ports"]) > 0


def _fault(pattern: str, replacement: str) -> list[Failure]:
    raw = _raw()
    text, count = re.subn(pattern, replacement, raw[eos.RUNNING], flags=re.MULTILINE)
    assert count, f"{pattern!r} is not in the rendered configuration"
    raw[eos.RUNNING] = text
    return _failures(raw)


@pytest.mark.parametrize(
    ("pattern", "replacement", "check", "expected", "found"),
    [
        (
            r"priority-flow-control priority 3 no-drop$",
            "priority-flow-control priority 4 no-drop",
            "pfc priorities",
            "3",
            "4",
        ),
        (r"^   priority-flow-control pause watchdog$\n", "", "pfc watchdog", "armed", "off"),
        (r"^      random-detect ecn .*\n", "", "ecn queues", "3", "none"),
        (r"^   priority-flow-control on$\n", "", "pfc priorities", "3", "none"),
    ],
    ids=["wrong-pfc-priority", "watchdog-removed", "ecn-removed", "pfc-off"],
)
def test_qos_fault_is_named_on_every_lossless_port(
    pattern: str, replacement: str, check: str, expected: str, found: str
) -> None:
    failures = _fault(pattern, replacement)
    lossless = _catalog()["qos"]["lossless_ports"]
    assert failures == [Failure(SPINE, port, check, expected, found) for port in sorted(lossless)]


def test_a_port_without_the_profile_is_named() -> None:
    port = _catalog()["qos"]["lossless_ports"][0]
    block = rf"(^interface {re.escape(port)}\n(?:   .*\n)*?)   service-profile AIINFRA-ROCE\n"
    failures = _fault(block, r"\1")
    assert failures == [
        Failure(SPINE, port, "ecn queues", "3", "none"),
        Failure(SPINE, port, "pfc priorities", "3", "none"),
        Failure(SPINE, port, "pfc watchdog", "armed", "off"),
    ]


def test_without_the_running_configuration_qos_is_not_collected() -> None:
    raw = _raw()
    del raw[eos.RUNNING]
    assert _failures(raw) == [Failure(SPINE, "-", "qos", "collected", "not collected")]


def test_verify_tasks_run_exactly_the_collector_commands() -> None:
    tasks = yaml.safe_load((Path(eos.__file__).parents[2] / "nos/eos/tasks/verify.yml").read_text())
    json_cmds = tasks[0]["arista.eos.eos_command"]["commands"]
    text_cmds = tasks[1]["arista.eos.eos_command"]["commands"]
    assert tuple(c["command"] for c in json_cmds) == eos.JSON_COMMANDS
    assert tuple(c["command"] for c in json_cmds + text_cmds) == eos.COMMANDS
    assert {c["output"] for c in json_cmds} == {"json"} and {c["output"] for c in text_cmds} == {"text"}
    assert tasks[1]["no_log"] is True  # the running configuration carries the switch's secrets

"""SR Linux 25.3 QoS, error counters and optics: healthy state passes, every fault is named with
device, port, expected and found, and the sample JSON is what Nokia's 25.3.1 models accept."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from aiinfra.design.model import Design
from aiinfra.verify import collect
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.collectors import srlinux
from aiinfra.verify.evaluate import Failure, evaluate
from tests.conftest import example
from tests.verify import srl_state

EXAMPLE, DEVICE = "srlinux-2su", "srl-be-leaf-su001-r1"
Raw = dict[str, Any]


def _design() -> Design:
    return example(EXAMPLE).design


def _catalog() -> dict[str, Any]:
    return catalogs(_design())[DEVICE]


def _port() -> str:
    return str(_catalog()["qos"]["lossless_ports"][0])


def _optic() -> str:
    return str(_catalog()["optics"]["ports"][0])


def _iface(raw: Raw, name: str) -> dict[str, Any]:
    return next(i for i in raw[srlinux.INTERFACES]["interface"] if i["name"] == name)


def _qos_port(raw: Raw, name: str) -> dict[str, Any]:
    return next(e for e in raw[srlinux.QOS]["interfaces"]["interface"] if e["interface-id"] == name)


def _profile(raw: Raw) -> dict[str, Any]:
    profile: dict[str, Any] = raw[srlinux.QOS]["pfc-mapping-profile"][0]
    return profile


def _pfc_off(raw: Raw) -> None:
    _qos_port(raw, _port())["pfc"]["pfc-enable"] = False


def _extra_priority(raw: Raw) -> None:
    _profile(raw)["received-pfc-pause-frames"]["queue"].append(
        {"queue-name": "q0", "pfc-pause-frame-priority": 4, "enable-pfc": True}
    )


def _watchdog_off(raw: Raw) -> None:
    _profile(raw)["received-pfc-pause-frames"]["deadlock"]["enable"] = False


def _ecn_elsewhere(raw: Raw) -> None:
    queues = _qos_port(raw, _port())["output"]["queues"]["queue"]
    queues[0]["active-queue-management"]["wred-slope"][0]["enable-ecn"] = False
    slope = {"traffic-type": "all", "drop-probability": "all", "enable-ecn": True, "drop": False}
    queues.append({"queue-name": "q0", "active-queue-management": {"wred-slope": [slope]}})


def _fcs(raw: Raw) -> None:
    _iface(raw, _port())["statistics"]["in-fcs-error-packets"] = "12"


def _fec(raw: Raw) -> None:
    fec = _iface(raw, _port())["ethernet"]["forward-error-correction"]["statistics"]["host-if-fec-router"]
    fec["frame-error-count"] = "3"


def _rx_low(raw: Raw) -> None:
    _iface(raw, _optic())["transceiver"]["channel"][1]["input-power"]["latest-value"] = "-9.50"


def _hot(raw: Raw) -> None:
    _iface(raw, _optic())["transceiver"]["temperature"]["latest-value"] = 71


def _faults() -> list[tuple[Callable[[Raw], None], list[Failure]]]:
    port, optic = _port(), _optic()
    every = _catalog()["qos"]["lossless_ports"]
    return [
        (
            _pfc_off,
            [
                Failure(DEVICE, port, "pfc priorities", "3", "none"),
                Failure(DEVICE, port, "pfc watchdog", "armed", "off"),
            ],
        ),
        (_extra_priority, [Failure(DEVICE, p, "pfc priorities", "3", "3,4") for p in every]),
        (_watchdog_off, [Failure(DEVICE, p, "pfc watchdog", "armed", "off") for p in every]),
        (_ecn_elsewhere, [Failure(DEVICE, port, "ecn queues", "3", "0")]),
        (_fcs, [Failure(DEVICE, port, "fcs errors", "<= 0", "12")]),
        (_fec, [Failure(DEVICE, port, "fec_uncorrectable errors", "<= 0", "3")]),
        (_rx_low, [Failure(DEVICE, optic, "rx power lane 2", ">= -8.40 dBm", "-9.50 dBm")]),
        (_hot, [Failure(DEVICE, optic, "module temperature", "<= 68.0 C", "71.0 C")]),
    ]


def _failures(raw: Raw) -> list[Failure]:
    """The failures of the QoS, counters and optics sections, less the one counter SR Linux lacks."""
    result = evaluate({DEVICE: _catalog()}, {DEVICE: collect.state_of("srlinux", raw)}, ("qos", "counters", "optics"))
    return sorted(f for f in result.failures if f.check != "symbol errors")


def test_healthy_state_passes_every_section_but_the_symbol_counter_sr_linux_does_not_model() -> None:
    cat = _catalog()
    result = evaluate({DEVICE: cat}, {DEVICE: collect.state_of("srlinux", srl_state.healthy(_design(), DEVICE))})
    assert result.checked["qos"] == 3 * len(cat["qos"]["lossless_ports"]) > 0
    assert result.checked["optics"] == len(cat["optics"]["ports"]) > 0
    # srl_nokia-interfaces 25.3 has no PCS symbol-error counter: named not collected, never passed unread
    assert result.ok, result.lines()
    assert result.not_collected == {DEVICE: ["counters symbol"]}


@pytest.mark.parametrize("index", range(8))
def test_each_fault_is_named_with_device_port_expected_and_found(index: int) -> None:
    mutate, expected = _faults()[index]
    raw = srl_state.healthy(_design(), DEVICE)
    assert _failures(raw) == []
    mutate(raw)
    assert _failures(raw) == sorted(expected)


def test_a_module_qualified_list_name_reads_the_same() -> None:
    raw = srl_state.healthy(_design(), DEVICE)
    plain = collect.state_of("srlinux", raw)
    raw[srlinux.INTERFACES] = {"srl_nokia-interfaces:interface": raw[srlinux.INTERFACES]["interface"]}
    assert collect.state_of("srlinux", raw) == plain


@pytest.mark.slow  # loading the 303 SR Linux modules takes 15-70 s
def test_the_sample_answers_and_every_fault_are_what_the_25_3_1_models_accept() -> None:
    healthy = srl_state.healthy(_design(), DEVICE)
    assert srl_state.problems(healthy) == []
    for mutate, _ in _faults():
        raw = copy.deepcopy(healthy)
        mutate(raw)
        assert srl_state.problems(raw) == [], mutate.__name__
    # the models judge the sample: a misspelt leaf, an unquoted decimal64 and a bare uint64 fail
    wrong = copy.deepcopy(healthy)
    _qos_port(wrong, _port())["pfc"]["pfc-enabled"] = True
    assert "pfc-enabled" in " ".join(srl_state.problems(wrong))
    wrong = copy.deepcopy(healthy)
    _iface(wrong, _optic())["transceiver"]["channel"][0]["input-power"]["latest-value"] = -1.2
    assert "decimal64" in " ".join(srl_state.problems(wrong))
    wrong = copy.deepcopy(healthy)
    _iface(wrong, _port())["statistics"]["in-fcs-error-packets"] = 0
    assert "uint64" in " ".join(srl_state.problems(wrong))


def test_the_playbook_task_gets_every_path_the_collector_reads() -> None:
    import yaml

    from tests.playbooks.ansiblerun import ROOT

    tasks = yaml.safe_load((ROOT / "aiinfra/nos/srlinux/tasks/verify.yml").read_text())
    commands = tasks[0]["ansible.builtin.uri"]["body"]["params"]["commands"]
    assert tuple(c["path"] for c in commands) == srlinux.COMMANDS
    assert {c["datastore"] for c in commands} == {"state"}

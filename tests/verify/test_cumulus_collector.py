"""Cumulus Linux 5.14's own collector: qos from NVUE's applied tree, counters from link stats
and phy-detail, optics from the transceiver detail, on top of Linux's FRR/lldpd/ip link.

The applied ``qos`` and ``interface`` trees fed to the collector are the ones aiinfra renders
for an AHV back-end spine (what ``nv show ... --applied`` returns once the startup file is
applied), and every faulty variant is checked against NVUE's 5.14 object model strictly
(nvueschema, tests/validators/nvue.py) before it is collected, so a key the model lacks fails.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from aiinfra import nos
from aiinfra.verify import collect
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.collectors import cumulus, linux
from aiinfra.verify.evaluate import Failure, evaluate
from tests.conftest import example
from tests.validators import nvue

SPEC, SPINE = "ahv-inference", "ahv-be-spine-01"
SECTIONS = ("qos", "counters", "optics")


@cache
def catalog() -> dict[str, Any]:
    return catalogs(example(SPEC).design)[SPINE]


@cache
def _applied() -> dict[str, Any]:
    design = example(SPEC).design
    files = nos.driver("cumulus").render(design.devices[SPINE], design)
    doc = nvue.load(files[f"configs/{SPINE}.yaml"])
    tree: dict[str, Any] = {}
    for item in doc:
        tree.update(item.get("set") or {})
    return tree


def applied() -> tuple[dict[str, Any], dict[str, Any]]:
    tree = copy.deepcopy(_applied())
    return tree["qos"], tree["interface"]


def operational(in_errors: dict[str, int] | None = None) -> dict[str, Any]:
    """``nv show interface -o json``: link state, MTU and stats per port (NVUE REST API shape)."""
    errors = in_errors or {}
    return {
        p: {"type": "swp", "link": {"mtu": 9216, "state": {"up": {}}, "stats": {"in-errors": errors.get(p, 0)}}}
        for p in catalog()["counters"]["ports"]
    }


def phy(**override: dict[str, int]) -> dict[str, Any]:
    ports = catalog()["counters"]["ports"]
    return {p: {"symbol-errors": 0, "effective-errors": 0} | override.get(p, {}) for p in ports}


def transceivers(temperature: str = "42.56 C", lane2: str = "0.8625 mW / -0.64 dBm") -> dict[str, Any]:
    parents = sorted({cumulus.SUBPORT.sub(r"\1", p) for p in catalog()["optics"]["ports"]})  # swp1s0 -> swp1

    def channel(power: str) -> dict[str, Any]:
        return {"rx-power": {"power": power, "high-alarm-threshold": "5.40 dBm", "low-alarm-threshold": "-13.31 dBm"}}

    return {
        cage: {
            "identifier": "OSFP",
            "temperature": {"temperature": temperature, "high-alarm-threshold": "80.00 C"},
            "channel": {
                "channel-1": channel("0.8625 mW / -0.64 dBm"),
                "channel-2": channel(lane2),
            },
        }
        for cage in parents
    }


def failures(qos: dict[str, Any], interfaces: dict[str, Any], extra: dict[str, Any] | None = None) -> list[Failure]:
    problems: list[str] = []
    nvue.check(nvue.ROOT, {"qos": qos, "interface": interfaces}, "applied", problems)
    assert problems == []  # NVUE's own model holds every key the collector reads
    raw = {
        cumulus.QOS: qos,
        cumulus.INTERFACES_APPLIED: interfaces,
        cumulus.INTERFACES: operational(),
        cumulus.PHY: phy(),
        cumulus.TRANSCEIVERS: transceivers(),
        **(extra or {}),
    }
    return evaluate({SPINE: catalog()}, {SPINE: collect.state_of("cumulus", raw)}, SECTIONS).failures


def test_cumulus_has_its_own_collector() -> None:
    assert collect.COLLECTOR_OF["cumulus"] == "cumulus"
    assert set(linux.COMMANDS) < set(collect.COMMANDS["cumulus"])


def test_healthy_switch_passes_qos_counters_and_optics() -> None:
    assert failures(*applied()) == []


def test_a_profile_pausing_a_second_priority_is_named() -> None:
    qos, interfaces = applied()
    profile = interfaces["swp2s1"]["qos"]["pfc"]["profile"]
    qos["pfc"][profile]["switch-priority"]["4"] = {}
    named = {f.port for f in failures(qos, interfaces)}
    users = {p for p, i in interfaces.items() if (i.get("qos") or {}).get("pfc", {}).get("profile") == profile}
    assert named == users & set(catalog()["qos"]["lossless_ports"]) and "swp2s1" in named
    assert Failure(SPINE, "swp2s1", "pfc priorities", "3", "3,4") in failures(qos, interfaces)


def test_watchdog_off_is_named() -> None:
    qos, interfaces = applied()
    del interfaces["swp3s0"]["qos"]["pfc-watchdog"]
    interfaces["swp3s1"]["qos"]["pfc-watchdog"] = {"state": "disable"}
    assert failures(qos, interfaces) == [
        Failure(SPINE, "swp3s0", "pfc watchdog", "armed", "off"),
        Failure(SPINE, "swp3s1", "pfc watchdog", "armed", "off"),
    ]


def test_ecn_off_the_roce_class_is_named() -> None:
    qos, interfaces = applied()
    qos["congestion-control"][cumulus.DEFAULT]["traffic-class"]["3"] = {"ecn": "disable"}
    got = {(f.port, f.check, f.found) for f in failures(qos, interfaces)}
    assert got == {(p, "ecn queues", "none") for p in catalog()["qos"]["lossless_ports"]}


def test_a_misspelt_key_fails_the_nvue_model() -> None:
    _, interfaces = applied()
    interfaces["swp1s0"]["qos"]["pfc-watchdogs"] = interfaces["swp1s0"]["qos"].pop("pfc-watchdog")
    problems: list[str] = []
    nvue.check(nvue.ROOT, {"interface": interfaces}, "applied", problems)
    assert any("pfc-watchdogs" in p for p in problems)


def test_counters_are_named() -> None:
    extra = {
        cumulus.PHY: phy(swp4s0={"effective-errors": 7}, swp4s1={"symbol-errors": 2}),
        cumulus.INTERFACES: operational({"swp1s1": 5}),
    }
    assert failures(*applied(), extra) == [
        Failure(SPINE, "swp1s1", "fcs errors", "<= 0", "5"),
        Failure(SPINE, "swp4s0", "fec_uncorrectable errors", "<= 0", "7"),
        Failure(SPINE, "swp4s1", "symbol errors", "<= 0", "2"),
    ]


def test_breakout_ports_read_their_cage_module() -> None:
    extra = {cumulus.TRANSCEIVERS: transceivers(temperature="71.00 C", lane2="0.0430 mW / -13.67 dBm")}
    got = failures(*applied(), extra)
    ports = catalog()["optics"]["ports"]
    assert {f.port for f in got} == set(ports)
    assert Failure(SPINE, ports[0], "module temperature", "<= 68.0 C", "71.0 C") in got
    assert Failure(SPINE, ports[0], "rx power lane 2", ">= -11.31 dBm", "-13.67 dBm") in got

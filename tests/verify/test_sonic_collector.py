"""SONiC 202411's own collector: qos from the running CONFIG_DB, counters from portstat, optics
from STATE_DB, on top of Linux's FRR/lldpd/ip link.

The CONFIG_DB fed to the collector is the one aiinfra renders for a lab back-end leaf (what
``sonic-cfggen -d --print-data`` prints once it is loaded), and every faulty variant is
validated against the SONiC 202411 YANG models with libyang before it is collected: the
collector reads only keys the vendor's model defines, and a misspelt key fails the model.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import pytest

from aiinfra import nos
from aiinfra.verify import collect
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.collectors import linux, sonic
from aiinfra.verify.evaluate import Failure, evaluate
from tests.conftest import example
from tests.validators import sonic_yang

SPEC, LEAF = "lab", "lab-be-leaf-su001-r1"
SECTIONS = ("qos", "counters", "optics")
LANES = 8


@cache
def catalog() -> dict[str, Any]:
    return catalogs(example(SPEC).design)[LEAF]


def config_db() -> dict[str, Any]:
    design = example(SPEC).design
    files = nos.driver("sonic").render(design.devices[LEAF], design)
    return json.loads(files[f"configs/{LEAF}.json"])  # type: ignore[no-any-return]


def portstat(errors: dict[str, str] | None = None, fec: dict[str, str] | None = None) -> dict[str, Any]:
    ports = catalog()["counters"]["ports"]
    return {
        sonic.ERRORS: {
            p: {"STATE": "U", "RX_ERR": "0", "RX_DRP": "0", "RX_OVR": "0", "TX_ERR": "0", "TX_DRP": "0", "TX_OVR": "0"}
            | (errors or {}).get(p, {})  # type: ignore[operator]
            for p in ports
        },
        sonic.FEC: {
            p: {"STATE": "U", "FEC_CORR": "1,024", "FEC_UNCORR": "0", "FEC_SYMBOL_ERR": "0"} | (fec or {}).get(p, {})  # type: ignore[operator]
            for p in ports
        },
    }


def dom(rx_dbm: float = -1.5, temperature: float = 41.0) -> dict[str, Any]:
    ports = catalog()["optics"]["ports"]
    sensors = {
        f"TRANSCEIVER_DOM_SENSOR|{p}": {
            "type": "hash",
            "value": {"temperature": str(temperature), "voltage": "3.29"}
            | {f"rx{n}power": str(rx_dbm) for n in range(1, LANES + 1)},
        }
        for p in ports
    }
    limits = {
        f"TRANSCEIVER_DOM_THRESHOLD|{p}": {
            "type": "hash",
            "value": {"rxpowerlowalarm": "-10.4", "rxpowerhighalarm": "5.0", "temphighalarm": "75.0"},
        }
        for p in ports
    }
    return {sonic.DOM: sensors, sonic.DOM_THRESHOLDS: limits}


def failures(db: dict[str, Any], extra: dict[str, Any] | None = None) -> list[Failure]:
    assert sonic_yang.validate("config_db", db) == []  # the vendor's model accepts what the collector reads
    raw = {sonic.CONFIG_DB: db, **portstat(), **dom(), **(extra or {})}
    result = evaluate({LEAF: catalog()}, {LEAF: collect.state_of("sonic", raw)}, SECTIONS)
    return result.failures


def test_sonic_has_its_own_collector_and_frr_keeps_linux() -> None:
    assert collect.COLLECTOR_OF["sonic"] == "sonic" and collect.COLLECTOR_OF["frr"] == "linux"
    assert set(linux.COMMANDS) < set(collect.COMMANDS["sonic"])


def test_healthy_switch_passes_qos_counters_and_optics() -> None:
    assert failures(config_db()) == []
    result = evaluate({LEAF: catalog()}, {LEAF: collect.state_of("sonic", {sonic.CONFIG_DB: config_db()})}, ("qos",))
    assert result.ok and result.checked["qos"] == 3 * len(catalog()["qos"]["lossless_ports"])


def test_pfc_on_a_second_priority_is_named() -> None:
    db = config_db()
    db["PORT_QOS_MAP"]["Ethernet256"]["pfc_enable"] = "3,4"
    assert failures(db) == [Failure(LEAF, "Ethernet256", "pfc priorities", "3", "3,4")]


def test_a_port_without_its_watchdog_is_named() -> None:
    db = config_db()
    del db["PFC_WD"]["Ethernet4"]
    assert failures(db) == [Failure(LEAF, "Ethernet4", "pfc watchdog", "armed", "off")]


def test_ecn_off_the_roce_queue_is_named() -> None:
    db = config_db()
    del db["QUEUE"]["Ethernet8|3"]["wred_profile"]
    assert failures(db) == [Failure(LEAF, "Ethernet8", "ecn queues", "3", "none")]
    db = config_db()
    db["WRED_PROFILE"][db["QUEUE"]["Ethernet0|3"]["wred_profile"]]["ecn"] = "ecn_none"
    assert {f.port for f in failures(db) if f.check == "ecn queues"} == set(catalog()["qos"]["lossless_ports"])


def test_a_misspelt_key_fails_the_sonic_model() -> None:
    db = config_db()
    db["PORT_QOS_MAP"]["Ethernet0"]["pfc_enabled"] = db["PORT_QOS_MAP"]["Ethernet0"].pop("pfc_enable")
    assert any("pfc_enabled" in p for p in sonic_yang.validate("config_db", db))


@pytest.mark.parametrize(
    ("counter", "value", "check", "found"),
    [
        ("FEC_UNCORR", "1,204", "fec_uncorrectable errors", "1204"),
        ("FEC_SYMBOL_ERR", "3", "symbol errors", "3"),
    ],
)
def test_fec_errors_are_named(counter: str, value: str, check: str, found: str) -> None:
    got = failures(config_db(), portstat(fec={"Ethernet12": {counter: value}}))
    assert got == [Failure(LEAF, "Ethernet12", check, "<= 0", found)]


def test_a_counter_portstat_shows_as_na_is_not_collected_never_passed() -> None:
    raw = {sonic.CONFIG_DB: config_db(), **portstat(fec={"Ethernet12": {"FEC_UNCORR": "N/A"}}), **dom()}
    result = evaluate({LEAF: catalog()}, {LEAF: collect.state_of("sonic", raw)}, SECTIONS)
    assert result.failures == []
    assert result.not_collected == {LEAF: ["counters fec_uncorrectable"]}


def test_rx_errors_stand_for_fcs() -> None:
    got = failures(config_db(), portstat(errors={"Ethernet256": {"RX_ERR": "12"}}))
    assert got == [Failure(LEAF, "Ethernet256", "fcs errors", "<= 0", "12")]


def test_weak_lane_and_hot_module_are_named() -> None:
    extra = dom()
    extra[sonic.DOM]["TRANSCEIVER_DOM_SENSOR|Ethernet260"]["value"]["rx3power"] = "-9.1"
    extra[sonic.DOM]["TRANSCEIVER_DOM_SENSOR|Ethernet264"]["value"]["temperature"] = "70.5"
    assert failures(config_db(), extra) == [
        Failure(LEAF, "Ethernet260", "rx power lane 3", ">= -8.40 dBm", "-9.10 dBm"),
        Failure(LEAF, "Ethernet264", "module temperature", "<= 68.0 C", "70.5 C"),
    ]


def test_a_port_without_dom_is_reported_not_passed() -> None:
    extra = copy.deepcopy(dom())
    del extra[sonic.DOM]["TRANSCEIVER_DOM_SENSOR|Ethernet268"]
    assert failures(config_db(), extra) == [Failure(LEAF, "Ethernet268", "optics dom", "readings", "absent")]


def test_kernel_names_still_map_through_linux() -> None:
    heard = {"name": "e7", "chassis": [{"name": [{"value": "sp"}]}], "port": [{"id": [{"value": "x"}]}]}
    raw = {linux.LLDP: {"lldp": [{"interface": [heard]}]}, sonic.CONFIG_DB: config_db()}
    state = collect.state_of("sonic", raw, {"e7": "Ethernet256"})
    assert state["lldp"] == {"Ethernet256": [{"device": "sp", "port": "x"}]}
    assert state["qos"]["pfc"]["Ethernet256"] == [3]

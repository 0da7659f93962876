"""gnmic subscriptions grouped per gNMI target and origin (aiinfra/observe/gnmic.py).

SONiC's sonic-gnmi serves each redis database as its own prefix target, so SONiC's status,
BGP and optics paths (APPL_DB, STATE_DB) need subscriptions of their own beside COUNTERS_DB's;
an OS whose telemetry.yaml names no per-path target keeps its one subscription named like it.
The value names below are the ones sonic-gnmi's db client answers for a table path
({key: {field: value}} under TABLE) and for its COUNTERS virtual paths.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from aiinfra import nos
from aiinfra.observe import gnmic
from aiinfra.observe.artefacts import observability
from tests.conftest import example

SONIC_TARGETS = {"COUNTERS_DB", "APPL_DB", "STATE_DB"}  # sonic-gnmi's database targets used here


def _config(name: str) -> dict[str, Any]:
    return yaml.safe_load(observability(example(name).design)["observability/gnmic/gnmic.yaml"])  # type: ignore[no-any-return]


def test_sonic_has_one_subscription_per_database() -> None:
    subs = gnmic.subscriptions("sonic", 3)
    assert {s["target"] for s in subs.values()} == SONIC_TARGETS
    assert subs["sonic"]["target"] == "COUNTERS_DB"
    assert subs["sonic-appl-db"]["paths"] == ["PORT_TABLE"]
    assert subs["sonic-state-db"]["paths"] == ["NEIGH_STATE_TABLE", "TRANSCEIVER_DOM_SENSOR"]
    assert {"if_oper_status", "if_admin_status", "bgp_established", "optic_rx_dbm", "if_in_crc_errors"} <= (
        gnmic.covered("sonic")
    )


def test_every_sonic_switch_dials_every_sonic_subscription() -> None:
    config = _config("lab")
    sonic = [n for n, t in config["targets"].items() if t["event-tags"]["os"] == "sonic"]
    assert sonic
    for name in sonic:
        assert config["targets"][name]["subscriptions"] == ["sonic", "sonic-appl-db", "sonic-state-db"]
    assert {config["subscriptions"][s]["target"] for s in ("sonic", "sonic-appl-db", "sonic-state-db")} == SONIC_TARGETS


VALUES = {
    "PORT_TABLE/Ethernet8/oper_status": ("if_oper_status", {"interface": "Ethernet8"}),
    "/PORT_TABLE/Ethernet8/admin_status": ("if_admin_status", {"interface": "Ethernet8"}),
    "NEIGH_STATE_TABLE/10.1.0.1/state": ("bgp_established", {"neighbor": "10.1.0.1"}),
    "NEIGH_STATE_TABLE/fc00::2/state": ("bgp_established", {"neighbor": "fc00::2"}),
    "TRANSCEIVER_DOM_SENSOR/Ethernet256/rx3power": ("optic_rx_dbm", {"interface": "Ethernet256", "lane": "3"}),
    "COUNTERS/Ethernet4/SAI_PORT_STAT_ETHER_STATS_CRC_ALIGN_ERRORS": ("if_in_crc_errors", {"interface": "Ethernet4"}),
    "COUNTERS/Ethernet4/SAI_PORT_STAT_IF_IN_OCTETS": ("if_in_octets", {"interface": "Ethernet4"}),
}


@pytest.mark.parametrize("value", sorted(VALUES))
def test_a_sonic_value_gets_one_metric_and_its_labels(value: str) -> None:
    config = _config("lab")
    renames = config["processors"]["aiinfra-names"]["event-rename"]["value-names"]
    matched = {metric for regex, metric in renames.items() if re.search(regex, value)}
    metric, labels = VALUES[value]
    assert matched == {metric}
    tags: dict[str, str] = {}
    for regex in config["processors"]["aiinfra-keys"]["event-extract-tags"]["value-names"]:
        m = re.search(regex, value)
        tags |= m.groupdict() if m else {}
    assert labels.items() <= tags.items()


def _status(config: dict[str, Any], word: str) -> str:
    """The aiinfra-status transforms applied in order, as gnmic's event-strings applies them."""
    for t in config["processors"]["aiinfra-status"]["event-strings"]["transforms"]:
        word = re.sub(t["replace"]["old"], t["replace"]["new"], word)
    return word


@pytest.mark.parametrize(
    ("word", "number"),
    [
        *(("up", "1"), ("down", "0"), ("Established", "1"), ("Active", "0"), ("Idle", "0")),  # SONiC, FRR
        *(("UP", "1"), ("LOWER_LAYER_DOWN", "0"), ("ESTABLISHED", "1")),  # OpenConfig
    ],
)
def test_sonic_and_openconfig_states_become_numbers(word: str, number: str) -> None:
    assert _status(_config("lab"), word) == number


def test_a_file_without_per_path_targets_keeps_one_subscription(monkeypatch: pytest.MonkeyPatch) -> None:
    for os in nos.names():
        native = (gnmic.os_telemetry(os).get("native") or {}).values()
        if not any("target" in entry or "origin" in entry for entry in native):
            assert list(gnmic.subscriptions(os, 3)) == [os], os
    fake = {
        "openconfig": False,
        "encoding": "json_ietf",
        "native": {
            "if_in_octets": {"path": "/a/counters", "leaf": "in"},
            "pfc_rx_pause": {"path": "/qos/pfc", "leaf": "rx", "origin": "native"},
        },
    }
    monkeypatch.setattr(gnmic, "os_telemetry", lambda os: fake)
    subs = gnmic.subscriptions("demo", 3)
    assert subs["demo"]["paths"] == ["/a/counters"] and "target" not in subs["demo"]
    assert subs["demo-native"]["paths"] == ["native:/qos/pfc"]  # gnmic's origin:path syntax


def test_cumulus_serves_pfc_ecn_and_fec_on_the_no_drop_priority() -> None:
    assert {"pfc_rx_pause", "pfc_tx_pause", "queue_ecn_marked", "if_fec_uncorrectable"} <= gnmic.covered("cumulus")
    paths = gnmic.subscriptions("cumulus", 3)["cumulus"]["paths"]
    assert "/qos/interfaces/interface[interface-id=*]/state/switch-priority[priority=3]/counters/in-pause-pkts" in paths
    assert not any("{priority}" in p for p in gnmic.subscriptions("cumulus", 5)["cumulus"]["paths"])
    assert "pfc_rx_pause" not in gnmic.covered("cumulus", None)  # no lossless class: no pause path

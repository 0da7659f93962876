"""The SONiC deploy keeps the box's own hardware facts (platform, HwSKU, MAC, port lanes)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("aiinfra_sonic", ROOT / "playbooks/filter_plugins/aiinfra_sonic.py")
assert _spec and _spec.loader
aiinfra_sonic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(aiinfra_sonic)


def test_hardware_facts_come_from_the_switch_and_everything_else_from_the_intent() -> None:
    intent = {
        "DEVICE_METADATA": {"localhost": {"hostname": "leaf1", "bgp_asn": "4200000001", "platform": "wrong"}},
        "PORT": {"Ethernet0": {"mtu": "9216", "speed": "400000"}, "Ethernet4": {"mtu": "9216"}},
        "INTERFACE": {"Ethernet0|10.0.0.0/31": {}},
    }
    running = {
        "DEVICE_METADATA": {
            "localhost": {
                "hostname": "old",
                "platform": "x86_64-vendor-r0",
                "hwsku": "SKU",
                "mac": "0c:00:00:00:00:01",
                "bgp_asn": "65000",
            }
        },
        "PORT": {
            "Ethernet0": {"lanes": "1,2,3,4", "alias": "etp1a", "index": "1", "mtu": "1500"},
            "Ethernet8": {"lanes": "9,10,11,12"},
        },
        "INTERFACE": {"Ethernet8|192.0.2.0/31": {}},
    }
    merged = aiinfra_sonic.sonic_keep_hardware(intent, running)
    meta = merged["DEVICE_METADATA"]["localhost"]
    assert meta == {
        "hostname": "leaf1",
        "bgp_asn": "4200000001",
        "platform": "x86_64-vendor-r0",
        "hwsku": "SKU",
        "mac": "0c:00:00:00:00:01",
    }
    assert merged["PORT"]["Ethernet0"] == {
        "mtu": "9216",
        "speed": "400000",
        "lanes": "1,2,3,4",
        "alias": "etp1a",
        "index": "1",
    }
    assert merged["PORT"]["Ethernet4"] == {"mtu": "9216"}  # nothing known about it on the box
    assert "Ethernet8" not in merged["PORT"]  # the box's other ports do not leak into the intent
    assert merged["INTERFACE"] == intent["INTERFACE"]
    assert intent["DEVICE_METADATA"]["localhost"]["platform"] == "wrong"  # the input is not mutated


def test_empty_running_config_changes_nothing() -> None:
    intent = {"DEVICE_METADATA": {"localhost": {"hostname": "x"}}, "PORT": {"Ethernet0": {"mtu": "9216"}}}
    assert aiinfra_sonic.sonic_keep_hardware(intent, {"DEVICE_METADATA": {"localhost": {}}, "PORT": {}}) == intent

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


def test_first_install_keeps_the_rendered_lanes_of_ports_the_box_does_not_have() -> None:
    """A broken-out child port absent from a factory CONFIG_DB still gets lanes (PORT.lanes is mandatory)."""
    intent = {"PORT": {"Ethernet0": {"lanes": "0,1,2,3"}, "Ethernet4": {"lanes": "4,5,6,7"}}}
    merged = aiinfra_sonic.sonic_keep_hardware(intent, {"PORT": {}})
    assert merged["PORT"] == intent["PORT"]


def test_breakout_child_takes_its_slice_of_the_running_parent() -> None:
    """Factory 1x800G Ethernet0 (box lanes 1-8) rendered as 2x400G: each child gets its half, same cage index."""
    intent = {"PORT": {"Ethernet0": {"lanes": "0,1,2,3"}, "Ethernet4": {"lanes": "4,5,6,7"}}}
    running = {"PORT": {"Ethernet0": {"lanes": "1,2,3,4,5,6,7,8", "alias": "etp1", "index": "1"}}}
    merged = aiinfra_sonic.sonic_keep_hardware(intent, running)
    assert merged["PORT"]["Ethernet0"] == {"lanes": "1,2,3,4", "index": "1"}  # the 800G alias no longer applies
    assert merged["PORT"]["Ethernet4"] == {"lanes": "5,6,7,8", "index": "1"}


def test_merged_port_takes_the_lanes_of_every_running_child() -> None:
    intent = {"PORT": {"Ethernet0": {"lanes": "0,1,2,3,4,5,6,7"}}}
    running = {
        "PORT": {
            "Ethernet0": {"lanes": "41,42,43,44", "alias": "etp1a", "index": "1"},
            "Ethernet4": {"lanes": "45,46,47,48", "alias": "etp1b", "index": "1"},
        }
    }
    merged = aiinfra_sonic.sonic_keep_hardware(intent, running)
    assert merged["PORT"]["Ethernet0"] == {"lanes": "41,42,43,44,45,46,47,48", "index": "1"}


def test_partly_known_port_keeps_the_rendered_lanes() -> None:
    intent = {"PORT": {"Ethernet0": {"lanes": "0,1,2,3,4,5,6,7"}}}
    running = {"PORT": {"Ethernet0": {"lanes": "1,2,3,4"}}}
    assert aiinfra_sonic.sonic_keep_hardware(intent, running)["PORT"]["Ethernet0"] == {"lanes": "0,1,2,3,4,5,6,7"}


def test_the_box_database_version_is_kept() -> None:
    """Without VERSIONS|DATABASE, config reload's db_migrator would replay every migration."""
    intent = {"PORT": {}}
    running = {"VERSIONS": {"DATABASE": {"VERSION": "version_202411_01"}}, "PORT": {}}
    assert aiinfra_sonic.sonic_keep_hardware(intent, running)["VERSIONS"] == running["VERSIONS"]
    assert "VERSIONS" not in aiinfra_sonic.sonic_keep_hardware(intent, {"PORT": {}})

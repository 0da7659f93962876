"""Section-aware diffs and disruption flags on small configs of each format."""

from __future__ import annotations

import json

from aiinfra.plan.diff import diff_file, junos_paths
from aiinfra.plan.flags import disruption_flags

EOS_OLD = (
    "hostname s1\ninterface Ethernet1/1\n   mtu 9214\n   no shutdown\n"
    "router bgp 65001\n   neighbor 10.0.0.1 remote-as 65000\n"
)


def flags(path: str, os: str, old: str, new: str) -> list[str]:
    return disruption_flags([diff_file(path, os, old, new)])


def test_eos_mtu_change_and_remediation() -> None:
    new = EOS_OLD.replace("mtu 9214", "mtu 9000")
    d = diff_file("configs/s1.cfg", "eos", EOS_OLD, new)
    assert d.removed == [("interface Ethernet1/1", "mtu 9214")]
    assert d.added == [("interface Ethernet1/1", "mtu 9000")]
    assert d.remediation == ["interface Ethernet1/1", "  mtu 9000"]
    assert disruption_flags([d]) == ["mtu-change"]


def test_a_new_neighbor_resets_nothing_a_changed_one_does() -> None:
    added = EOS_OLD + "   neighbor 10.0.0.3 remote-as 65000\n"
    assert flags("configs/s1.cfg", "eos", EOS_OLD, added) == []
    moved = EOS_OLD.replace("remote-as 65000", "remote-as 65002")
    assert flags("configs/s1.cfg", "eos", EOS_OLD, moved) == ["bgp-reset"]


def test_nxos_shutdown_is_flagged() -> None:
    old = "interface Ethernet1/1\n  no shutdown\n"
    assert flags("configs/n1.cfg", "nxos", old, "interface Ethernet1/1\n  shutdown\n") == ["port-shutdown"]
    assert flags("configs/n1.cfg", "nxos", "interface Ethernet1/1\n  shutdown\n", old) == []  # enabling a port


def test_junos_hierarchy_is_read_by_its_braces() -> None:
    old = (
        "/* c */\nprotocols {\n    bgp {\n        group SPINES {\n"
        "            neighbor 10.0.0.1 { peer-as 65000; }\n        }\n    }\n}\n"
    )
    paths = junos_paths(old)
    assert ("protocols", "bgp", "group SPINES", "neighbor 10.0.0.1", "peer-as 65000") in paths
    new = old.replace("peer-as 65000", "peer-as 65009")
    assert flags("configs/j1.conf", "junos", old, new) == ["bgp-reset"]
    shut = old.replace("protocols {", "interfaces {\n    et-0/0/1 {\n        disable;\n    }\n}\nprotocols {")
    assert flags("configs/j1.conf", "junos", old, shut) == ["port-shutdown"]


def test_sonic_json_is_compared_as_data() -> None:
    old = {
        "PORT": {"Ethernet0": {"admin_status": "up", "mtu": "9100"}},
        "WRED_PROFILE": {"w": {"green_min_threshold": "1"}},
    }
    new = json.loads(json.dumps(old))
    new["PORT"]["Ethernet0"]["admin_status"] = "down"
    new["WRED_PROFILE"]["w"]["green_min_threshold"] = "2"
    d = diff_file("configs/l1.json", "sonic", json.dumps(old, indent=2), json.dumps(new, indent=1))
    assert d.changed == [
        ("PORT", "Ethernet0", "admin_status", '"down"'),
        ("WRED_PROFILE", "w", "green_min_threshold", '"2"'),
    ]
    assert disruption_flags([d]) == ["port-shutdown", "qos-change"]


def test_srlinux_lists_are_keyed_by_name_so_order_is_no_change() -> None:
    a = {"interface": [{"name": "ethernet-1/1", "admin-state": "enable"}, {"name": "ethernet-1/2", "mtu": 9000}]}
    b = {"interface": [{"name": "ethernet-1/2", "mtu": 9000}, {"name": "ethernet-1/1", "admin-state": "disable"}]}
    d = diff_file("configs/s.srl", "srlinux", json.dumps(a), json.dumps(b))
    assert d.changed == [("interface", "ethernet-1/1", "admin-state", '"disable"')] and not d.added
    assert disruption_flags([d]) == ["port-shutdown"]


def test_nvue_yaml_state_down() -> None:
    old = "- set:\n    interface:\n      swp1:\n        link:\n          state:\n            up: {}\n"
    assert flags("configs/c.yaml", "cumulus", old, old.replace("up: {}", "down: {}")) == ["port-shutdown"]


def test_a_port_that_was_shut_disturbs_nothing_when_it_comes_up() -> None:
    """An unused (shut) port cabled by growth: its MTU and QoS change, but no traffic ran on it."""
    old = "- set:\n    interface:\n      swp41:\n        link:\n          mtu: 9216\n"
    old += "          state:\n            down: {}\n"
    new = old.replace("mtu: 9216", "mtu: 1500").replace("down: {}", "up: {}")
    d = diff_file("configs/oob.yaml", "cumulus", old, new)
    assert d.woken == ["swp41"] and disruption_flags([d]) == []
    live = old.replace("down: {}", "up: {}")
    assert flags("configs/oob.yaml", "cumulus", live, live.replace("mtu: 9216", "mtu: 1500")) == ["mtu-change"]

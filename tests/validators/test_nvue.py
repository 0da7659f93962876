"""The strict NVUE 5.14 validator itself: it must refuse what NVUE refuses, or it proves nothing."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from aiinfra.nos.cumulus.parser import load_nvue
from tests.switches.test_cumulus import rendered
from tests.validators import nvue


@cache
def lab_tree() -> dict[str, Any]:
    return load_nvue(rendered("lab").text["lab-oob-01"])


def problems_of(tree: dict[str, Any]) -> list[str]:
    return nvue.document_problems([{"set": tree}])


def test_rendered_lab_switch_is_accepted() -> None:
    assert problems_of(copy.deepcopy(lab_tree())) == []


def test_unknown_key_deep_down_is_refused() -> None:
    t = copy.deepcopy(lab_tree())
    t["system"]["aaa"]["user"]["netadmin"]["ssh"]["authorized-key"]["netadmin@lab"]["comment"] = "x"
    (problem,) = problems_of(t)
    assert "system.aaa.user.netadmin.ssh.authorized-key.netadmin@lab.comment: unknown key" in problem


def test_bad_enum_is_refused() -> None:
    t = copy.deepcopy(lab_tree())
    t["system"]["ssh-server"]["state"] = "on"  # 5.14 says enabled/disabled here
    t["system"]["timezone"] = "UTC"  # NVUE has Etc/UTC, not UTC
    found = problems_of(t)
    assert any("ssh-server.state: 'on' is not one of" in p for p in found)
    assert any("system.timezone: 'UTC' is not one of" in p for p in found)


def test_null_where_a_collection_is_required_is_refused() -> None:
    t = copy.deepcopy(lab_tree())
    t["system"]["syslog"]["server"] = None
    (problem,) = problems_of(t)
    assert "system.syslog.server: null" in problem


def test_wrong_types_are_refused() -> None:
    t = copy.deepcopy(lab_tree())
    t["interface"]["swp1"]["link"]["mtu"] = "1500"  # a string is not an integer, even if it looks like one
    t["system"]["aaa"]["authentication-order"]["5"] = "tacacs"  # an entry is an object, not a name
    found = problems_of(t)
    assert any("swp1.link.mtu: expected an integer" in p for p in found)
    assert any("authentication-order.5: expected a map" in p for p in found)


def test_yaml_1_1_boolean_is_not_on() -> None:
    """NVUE reads ``on`` as the string its enums list; a real boolean is a type error."""
    assert nvue.load("a: on\nb: true\n") == {"a": "on", "b": True}
    t = copy.deepcopy(lab_tree())
    t["service"]["ntp"]["mgmt"]["server"]["192.168.0.3"]["iburst"] = True
    (problem,) = problems_of(t)
    assert "iburst: True is not one of 'on', 'off'" in problem


def test_out_of_range_and_removed_keys_are_refused() -> None:
    t = copy.deepcopy(lab_tree())
    t["system"]["aaa"]["tacacs"]["enable"] = "on"  # removed in 5.12
    t["interface"]["swp1"]["link"]["mtu"] = 100000
    found = problems_of(t)
    assert any("aaa.tacacs.enable: unknown key" in p for p in found)
    assert any("swp1.link.mtu:" in p for p in found)


def test_file_shape_and_selection() -> None:
    good = rendered("lab").text["lab-oob-01"].encode()
    files = {"configs/lab-oob-01.yaml": good, "configs/x.json": b"{}", "configs/bad.yaml": b"set:\n  system: {}\n"}
    found = nvue.problems(files)
    assert found and all(p.startswith("configs/bad.yaml: ") for p in found)

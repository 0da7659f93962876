"""Overrides on the Design: applied in precedence order, recorded, and held to the Design's invariants."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.design.hosts import load_balancing
from aiinfra.design.model import AppliedOverride
from aiinfra.errors import SpecError
from aiinfra.pipeline import design_from_file
from tests.conftest import ROOT, write_spec
from tests.spec.test_hatches import EOS_SPINE, JUNOS_LEAF, NXOS_SPINE, design_with, only, problems

SPECS = ROOT / "tests" / "switches" / "specs"
BE_LEAF = "lab-be-leaf-su001-r1"  # SONiC rail-1 leaf, lossless host ports


def _sub(tmp_path: Path, name: str) -> Path:
    (tmp_path / name).mkdir()
    return tmp_path / name


def test_applied_overrides_are_recorded_on_the_device(tmp_path: Path) -> None:
    design = design_with(tmp_path, overrides=[{"device": EOS_SPINE, "interfaces": {"Ethernet1/1": {"mtu": 9100}}}])
    device = design.design.devices[EOS_SPINE]
    port = next(p for p in device.interfaces if p.name == "Ethernet1/1")
    assert port.mtu == 9100
    assert device.overrides == (
        AppliedOverride("overrides[0]", f"device {EOS_SPINE}", "interfaces.Ethernet1/1.mtu", "9100", "9214"),
    )
    assert dataclasses.asdict(device)["overrides"] == (
        {
            "source": "overrides[0]",
            "selector": f"device {EOS_SPINE}",
            "field": "interfaces.Ethernet1/1.mtu",
            "value": "9100",
            "previous": "9214",
        },
    ), "design.json serialises the record like any other Device field"
    untouched = design.design.devices["lab-fe-spine-02"]
    assert untouched.overrides == () and untouched.raw_config == ()


def test_device_entries_win_over_groups_whatever_the_list_order(tmp_path: Path) -> None:
    overrides = [
        {"device": EOS_SPINE, "interfaces": {"Ethernet1/1": {"description": "device wins"}}},
        {"group": "frontend_spine", "interfaces": {"Ethernet1/1": {"description": "group"}}},
        {"group": "os_eos", "interfaces": {"Ethernet1/1": {"description": "later group"}}},
    ]
    design = design_with(tmp_path, overrides=overrides).design
    spine1, spine2 = (design.devices[n] for n in (EOS_SPINE, "lab-fe-spine-02"))
    assert next(p for p in spine1.interfaces if p.name == "Ethernet1/1").description == "device wins"
    assert next(p for p in spine2.interfaces if p.name == "Ethernet1/1").description == "later group"
    assert [o.source for o in spine1.overrides] == ["overrides[1]", "overrides[2]", "overrides[0]"]
    assert spine1.overrides[-1].previous == "later group"


@pytest.mark.parametrize(
    ("device", "port", "mtu", "message"),
    [
        (EOS_SPINE, "Ethernet1/1", 9216, "above the Arista EOS switch MTU 9214"),
        (JUNOS_LEAF, "et-0/0/0:0", 9000, "cannot carry the 9000 B packets of the host NIC on this port"),
        (EOS_SPINE, "Ethernet1/1", 9000, "cannot carry the 9000 B packets of the frontend hosts"),
        (EOS_SPINE, "Ethernet2/1", 9100, "is a port of role unused, whose MTU aiinfra does not render"),
    ],
)
def test_mtu_overrides_keep_the_design_invariants(
    tmp_path: Path, device: str, port: str, mtu: int, message: str
) -> None:
    found = problems(tmp_path, overrides=[{"device": device, "interfaces": {port: {"mtu": mtu}}}])
    assert message in only(found, f"overrides[0].interfaces.{port}.mtu")


def test_lossless_port_mtu_stays_within_its_pfc_headroom(tmp_path: Path) -> None:
    design = design_with(_sub(tmp_path, "a"), overrides=[]).design
    port = next(p for p in design.devices[BE_LEAF].interfaces if p.lossless and p.role == "host")
    assert port.headroom is not None
    lowest = 9000 + 22
    ok = design_with(_sub(tmp_path, "b"), overrides=[{"device": BE_LEAF, "interfaces": {port.name: {"mtu": lowest}}}])
    assert next(p for p in ok.design.devices[BE_LEAF].interfaces if p.name == port.name).mtu == lowest
    found = problems(
        _sub(tmp_path, "c"), overrides=[{"device": BE_LEAF, "interfaces": {port.name: {"mtu": lowest - 1}}}]
    )
    assert f"use {lowest} or more" in only(found, f"overrides[0].interfaces.{port.name}.mtu")


def test_shutting_the_management_path_is_refused(tmp_path: Path) -> None:
    design = design_with(_sub(tmp_path, "a"), overrides=[]).design
    uplink = next(p for p in design.devices["lab-oob-01"].interfaces if p.role == "oob-uplink")
    found = problems(
        _sub(tmp_path, "b"), overrides=[{"device": "lab-oob-01", "interfaces": {uplink.name: {"enabled": False}}}]
    )
    assert "cuts devices off the management network" in only(found, f"overrides[0].interfaces.{uplink.name}.enabled")


def test_bfd_must_agree_at_both_ends(tmp_path: Path) -> None:
    found = problems(tmp_path, overrides=[{"group": "frontend_leaf", "bfd": False}])
    message = only(found, "overrides[0].bfd")
    assert "BFD off on lab-fe-leaf-01" in message and "on on its peer lab-fe-spine-0" in message
    assert "group fabric_frontend" in message


def test_bfd_override_turns_off_every_session_of_the_selection(tmp_path: Path) -> None:
    design = design_with(tmp_path, overrides=[{"group": "fabric_frontend", "bfd": False}]).design
    for device in design.devices_by(fabric="frontend"):
        assert device.bgp is not None and not device.bgp.bfd
        assert not any(n.bfd for n in device.bgp.neighbors)
    assert all(n.bfd for n in design.devices[NXOS_SPINE].bgp.neighbors)  # type: ignore[union-attr]


def test_bfd_on_a_device_without_bgp_is_refused(tmp_path: Path) -> None:
    assert "run no BGP" in only(problems(tmp_path, overrides=[{"group": "role_oob", "bfd": True}]), "overrides[0].bfd")


def _spec_with(tmp_path: Path, name: str, **hatches: Any) -> Path:
    data = yaml.safe_load((SPECS / name).read_text())
    data.update(hatches)
    return write_spec(tmp_path, data)


def _refusals(path: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(SpecError) as err:
        design_from_file(path)
    return [(d.path, d.line, d.message) for d in err.value.diagnostics]


def test_load_balancing_the_os_cannot_do_is_refused(tmp_path: Path) -> None:
    spec = _spec_with(tmp_path, "eos-2tier.yaml", overrides=[{"group": "fabric_backend", "load_balancing": "flowlet"}])
    message = only(_refusals(spec), "overrides[0].load_balancing")
    assert "Arista EOS 4.32.2F cannot do flowlet load balancing; it supports: ecmp" in message


def test_load_balancing_override_of_the_whole_backend_reaches_the_hosts(tmp_path: Path) -> None:
    spec = _spec_with(tmp_path, "junos-flowlet.yaml", overrides=[{"group": "fabric_backend", "load_balancing": "ecmp"}])
    design = design_from_file(spec).design
    assert {d.load_balancing for d in design.devices_by(fabric="backend")} == {"ecmp"}
    assert {load_balancing(design, n) for n in design.nodes} == {"ecmp"}


def test_mixed_backend_load_balancing_is_refused(tmp_path: Path) -> None:
    spec = _spec_with(tmp_path, "junos-flowlet.yaml", overrides=[{"group": "backend_spine", "load_balancing": "ecmp"}])
    message = only(_refusals(spec), "overrides[0].load_balancing")
    assert "back-end switches would run ecmp, flowlet" in message and "fabric_backend" in message


def test_load_balancing_off_the_backend_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, overrides=[{"group": "fabric_frontend", "load_balancing": "ecmp"}])
    assert "back-end fabric only" in only(found, "overrides[0].load_balancing")

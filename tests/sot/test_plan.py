"""The source-of-truth plan (aiinfra.sot.plan) of every example, checked against its Design without a server."""

from __future__ import annotations

from ipaddress import ip_interface, ip_network

import pytest

from aiinfra.sot.plan import sot_plan
from tests.conftest import SMALL_EXAMPLES, example


@pytest.mark.parametrize("name", SMALL_EXAMPLES)
def test_the_plan_is_consistent_with_the_design(name: str) -> None:
    design = example(name).design
    plan = sot_plan(design)
    interfaces = {(i.device, i.name) for i in plan.interfaces}
    assert len(interfaces) == len(plan.interfaces)  # natural keys are unique
    devices = {d.name: d for d in plan.devices}
    assert devices.keys() == design.devices.keys() | {n.name for n in design.nodes}
    for device in design.devices.values():
        assert devices[device.name].asn == (device.bgp.asn if device.bgp else None)
    for a_dev, a_if, b_dev, b_if in plan.cables:
        assert (a_dev, a_if) in interfaces and (b_dev, b_if) in interfaces
    internal = [lk for lk in design.links if lk.b_device in devices]
    assert len(plan.cables) == len(internal)
    hosts = [ip_interface(a.address).ip for a in plan.addresses]
    assert len(set(hosts)) == len(hosts)
    prefixes = [ip_network(p) for p in plan.prefixes]
    for address in plan.addresses:
        assert (address.device, address.interface) in interfaces, address
        assert any(ip_interface(address.address).ip in p for p in prefixes), address
    primaries = [a.device for a in plan.addresses if a.primary]
    assert sorted(primaries) == sorted(devices)  # one management address per device
    assert set(plan.vlans) == {d.access_vlan for d in design.devices.values() if d.access_vlan is not None}


def test_the_plan_is_deterministic() -> None:
    design = example("lab").design
    assert sot_plan(design) == sot_plan(design)

"""The Nautobot round trip against a real Nautobot (PostgreSQL, Redis, migrated, REST API), not a mock.

One throwaway instance per module (tests/sot/nautobot_instance.py): push the lab example, read it back
(counts, a sample of cables and addresses, primary IPs, ASNs), push again (nothing changes), push a grown
spec (exactly the plan's difference changes), then record site facts in Nautobot and read them back
through ``aiinfra sot facts`` into a facts file the spec loader accepts.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.cli import main
from aiinfra.pipeline import design_from_file
from aiinfra.sot.nautobot import ASN_FIELD, push
from aiinfra.sot.plan import SotPlan, sot_plan
from tests.conftest import ROOT, example, lab_data, write_spec
from tests.sot.nautobot_instance import NautobotInstance, available

pytestmark = [pytest.mark.slow, pytest.mark.skipif(available() is not None, reason=str(available()))]
LAB = ROOT / "inventories" / "lab" / "cluster.yaml"


@pytest.fixture(scope="module")
def nautobot() -> Iterator[NautobotInstance]:
    with NautobotInstance.start() as nb:
        yield nb
    print(f"nautobot instance timings: {nb.timings}")


@pytest.fixture(scope="module")
def api(nautobot: NautobotInstance) -> Any:
    import pynautobot

    return pynautobot.api(nautobot.url, token=nautobot.token)


@pytest.fixture(scope="module")
def pushed(api: Any) -> dict[str, Any]:
    plan = sot_plan(example("lab").design)
    began = time.monotonic()
    report = push(plan, api)
    first = time.monotonic() - began
    began = time.monotonic()
    again = push(plan, api)
    return {"plan": plan, "report": report, "again": again, "first_s": first, "again_s": time.monotonic() - began}


def test_the_first_push_creates_every_object(pushed: dict[str, Any], api: Any) -> None:
    plan: SotPlan = pushed["plan"]
    counts = pushed["report"].counts
    assert counts["device"]["created"] == len(plan.devices) == 19
    assert counts["interface"]["created"] == len(plan.interfaces)
    assert counts["cable"]["created"] == len(plan.cables) == 98
    assert counts["ip address"]["created"] == len(plan.addresses)
    devices = list(api.dcim.devices.filter(location=plan.location))
    assert sorted(d.name for d in devices) == sorted(d.name for d in plan.devices)
    assert api.dcim.interfaces.count(location=plan.location) == len(plan.interfaces)
    assert api.dcim.cables.count() == len(plan.cables)
    assert api.ipam.ip_addresses.count() == len(plan.addresses)
    assert api.ipam.prefixes.count() == len(plan.prefixes)
    assert [v.vid for v in api.ipam.vlans.all()] == list(plan.vlans)


def test_cables_join_the_designed_interfaces(pushed: dict[str, Any], api: Any) -> None:
    design = example("lab").design
    links = [lk for lk in design.links if lk.b_device in design.devices]
    for link in (links[0], links[len(links) // 2], links[-1]):
        a = api.dcim.interfaces.get(device=link.a_device, name=link.a_interface)
        b = api.dcim.interfaces.get(device=link.b_device, name=link.b_interface)
        cable = api.dcim.cables.get(a.cable.id)
        assert {str(cable.termination_a_id), str(cable.termination_b_id)} == {a.id, b.id}, link


def test_addresses_sit_on_their_interfaces(pushed: dict[str, Any], api: Any) -> None:
    design = example("lab").design
    spine = design.devices["lab-be-spine-01"]
    routed = next(i for i in spine.interfaces if i.address)
    node = design.nodes[0]
    for address, device, interface in (
        (routed.address, spine.name, routed.name),
        (node.backend[0].address, node.name, node.backend[0].netdev),
        (spine.loopback, spine.name, "loopback0"),
    ):
        ip = api.ipam.ip_addresses.get(address=address)
        (assigned,) = api.ipam.ip_address_to_interface.filter(ip_address=ip.id)
        iface = api.dcim.interfaces.get(assigned.interface.id)
        assert (iface.device.id, iface.name) == (api.dcim.devices.get(name=device).id, interface), address
    record = api.dcim.devices.get(name=spine.name)
    assert api.ipam.ip_addresses.get(record.primary_ip4.id).address == spine.mgmt_address
    assert record.custom_fields[ASN_FIELD] == spine.bgp.asn  # type: ignore[union-attr]


def test_a_second_push_changes_nothing(pushed: dict[str, Any]) -> None:
    again = pushed["again"]
    assert again.changed == 0, again.lines()
    assert not again.conflicts
    print(f"lab push: first {pushed['first_s']:.1f} s, second {pushed['again_s']:.1f} s")


def test_sot_facts_reads_site_facts_into_a_facts_file(pushed: dict[str, Any], api: Any, tmp_path: Path) -> None:
    node = example("lab").design.nodes[0]
    device = api.dcim.devices.get(name=node.name)
    device.update({"serial": "SN-LAB-0001", "custom_fields": {"aiinfra_root_device": {"device_name": "/dev/nvme0n1"}}})
    nic = api.dcim.interfaces.get(device=node.name, name=node.frontend[0].netdev)
    nic.update({"mac_address": "02:00:00:00:01:01"})
    api.dcim.interfaces.get(device=node.name, name="bmc").update({"mac_address": "02:00:00:00:00:01"})

    out = tmp_path / "node-facts.yaml"
    os.environ["AIINFRA_TEST_NAUTOBOT_TOKEN"] = api.token
    try:
        code = main(
            [
                "sot",
                "facts",
                str(LAB),
                "--url",
                api.base_url.removesuffix("/api"),
                "--token-env",
                "AIINFRA_TEST_NAUTOBOT_TOKEN",
                "-o",
                str(out),
            ]
        )
    finally:
        del os.environ["AIINFRA_TEST_NAUTOBOT_TOKEN"]
    assert code == 0
    facts = yaml.safe_load(out.read_text())["nodes"]
    assert facts == {
        node.name: {
            "serial": "SN-LAB-0001",
            "bmc_mac": "02:00:00:00:00:01",
            "macs": {node.frontend[0].netdev: "02:00:00:00:01:01"},
            "root_device": {"device_name": "/dev/nvme0n1"},
        }
    }
    data = lab_data()
    data["compute"]["node_facts"] = out.name
    (tmp_path / "spec").mkdir()
    out.rename(tmp_path / "spec" / out.name)
    design = design_from_file(write_spec(tmp_path / "spec", data)).design
    assert next(n for n in design.nodes if n.name == node.name).facts  # the spec loader took the file


def test_growth_changes_exactly_what_the_plan_changed(pushed: dict[str, Any], api: Any, tmp_path: Path) -> None:
    data = lab_data()
    data["compute"]["nodes"] = 5
    grown = sot_plan(design_from_file(write_spec(tmp_path, data)).design)
    before: SotPlan = pushed["plan"]
    report = push(grown, api)
    old_if = {(i.device, i.name): i for i in before.interfaces}
    new_if = {(i.device, i.name): i for i in grown.interfaces}
    counts = report.counts
    assert counts["device"]["created"] == len({d.name for d in grown.devices} - {d.name for d in before.devices})
    assert counts["device"]["updated"] == 0
    assert counts["interface"]["created"] == len(new_if.keys() - old_if.keys())
    assert counts["interface"]["updated"] == sum(old_if[k] != new_if[k] for k in old_if.keys() & new_if.keys())
    old_ip = {a.address: a for a in before.addresses}
    assert counts["ip address"]["created"] == len({a.address for a in grown.addresses} - old_ip.keys())
    new_cables = set(grown.cables) - set(before.cables)
    assert counts["cable"]["created"] + counts["cable"]["conflict"] == len(new_cables)
    assert counts["cable"]["unchanged"] == len(set(grown.cables) & set(before.cables))
    assert len(report.conflicts) == counts["cable"]["conflict"]
    assert push(grown, api).changed == 0
    first = example("lab").design.nodes[0].name  # the node the facts test gave a serial
    assert api.dcim.devices.get(name=first).serial == "SN-LAB-0001"  # site-owned fields survive pushes


def test_export_command_reports_and_refuses_without_a_token(api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    os.environ.pop("AIINFRA_NO_SUCH_TOKEN", None)
    assert main(["sot", "export", str(LAB), "--url", "http://127.0.0.1:9", "--token-env", "AIINFRA_NO_SUCH_TOKEN"]) == 2
    assert "AIINFRA_NO_SUCH_TOKEN" in capsys.readouterr().err

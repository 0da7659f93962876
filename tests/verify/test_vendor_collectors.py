"""NX-OS, Junos and SR Linux JSON through the same evaluation: healthy passes, a swap is named."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aiinfra.design.model import Design
from aiinfra.verify import collect
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.collectors import junos, nxos, srlinux
from aiinfra.verify.evaluate import evaluate
from tests.conftest import example
from tests.verify import vendor_json

SECTIONS = ("lldp", "bgp", "interfaces", "speed")
CASES = [
    ("lab", "lab-be-spine-01", "nxos", vendor_json.nxos),
    ("lab", "lab-fe-leaf-01a", "junos", vendor_json.junos),
    ("srlinux-2su", "srl-be-spine-01", "srlinux", vendor_json.srlinux),
]


def _swap(os_name: str, raw: dict[str, Any]) -> tuple[str, str]:
    """Swap the LLDP answers of the first two ports; return their names."""
    if os_name == "nxos":
        rows = raw[nxos.LLDP]["TABLE_nbor_detail"]["ROW_nbor_detail"]
        rows[0]["l_port_id"], rows[1]["l_port_id"] = rows[1]["l_port_id"], rows[0]["l_port_id"]
        return rows[1]["l_port_id"].replace("Eth", "Ethernet"), rows[0]["l_port_id"].replace("Eth", "Ethernet")
    if os_name == "junos":
        rows = raw[junos.LLDP]["lldp-neighbors-information"][0]["lldp-neighbor-information"]
        a, b = rows[0]["lldp-local-port-id"], rows[1]["lldp-local-port-id"]
        rows[0]["lldp-local-port-id"], rows[1]["lldp-local-port-id"] = b, a
        return a[0]["data"], b[0]["data"]
    rows = raw[srlinux.LLDP]["interface"]
    rows[0]["neighbor"], rows[1]["neighbor"] = rows[1]["neighbor"], rows[0]["neighbor"]
    return rows[0]["name"], rows[1]["name"]


@pytest.mark.parametrize(("spec", "name", "os_name", "build"), CASES)
def test_healthy_then_swapped(
    spec: str, name: str, os_name: str, build: Callable[[Design, str], dict[str, Any]]
) -> None:
    design = example(spec).design
    assert design.devices[name].os == os_name
    cats = {name: catalogs(design)[name]}
    raw = build(design, name)
    result = evaluate(cats, {name: collect.state_of(os_name, raw)}, SECTIONS)
    assert result.ok, result.lines()
    assert result.checked["bgp"] == len(cats[name]["bgp"]) > 0
    first, second = _swap(os_name, raw)
    result = evaluate(cats, {name: collect.state_of(os_name, raw)}, SECTIONS)
    assert sorted(f.port for f in result.failures) == sorted([first, second])
    assert len(result.swaps) == 1 and f"{name}:{first}" in result.swaps[0] and f"{name}:{second}" in result.swaps[0]


def test_nxos_single_row_is_a_dict() -> None:
    design = example("lab").design
    raw = vendor_json.nxos(design, "lab-be-spine-01")
    rows = raw[nxos.BGP]["TABLE_vrf"]["ROW_vrf"]["TABLE_af"]["ROW_af"]["TABLE_saf"]["ROW_saf"]["TABLE_neighbor"]
    rows["ROW_neighbor"] = rows["ROW_neighbor"][0]
    state = collect.state_of("nxos", raw)
    assert list(state["bgp"]) == [design.devices["lab-be-spine-01"].bgp.neighbors[0].address]  # type: ignore[union-attr]

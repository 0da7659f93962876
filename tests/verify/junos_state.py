"""A healthy Junos back-end leaf, every acceptance command's output built from the Design.

The lab spec with its back-end leaves on Junos OS Evolved (QFX5240), so the leaf carries the
Design's RoCE QoS. The JSON commands follow Junos's documented shapes (every leaf
``[{"data": ...}]``, see ``aiinfra/verify/collectors/junos.py``); ``show configuration
class-of-service`` is the class-of-service hierarchy of the config aiinfra renders for the
leaf, so the check reads what the deploy would commit.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from tempfile import mkdtemp
from typing import Any

from aiinfra.design.model import Design, Interface
from aiinfra.nos.junos.render import render
from aiinfra.nos.junos.syntax import dump, parse, section
from aiinfra.pipeline import design_from_file
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.collectors import junos as junos_json
from tests.conftest import lab_data, write_spec
from tests.verify import vendor_json

LEAF = "lab-be-leaf-su001-r1"
RX_DBM, RX_LOW_ALARM, RX_HIGH_ALARM, TEMP_C = -1.5, -10.0, 4.0, 41.0


@cache
def design() -> Design:
    data = lab_data()
    data["fabrics"]["backend"]["switches"]["leaf"] = {"model": "qfx5240-64od", "os": "junos"}
    return design_from_file(write_spec(Path(mkdtemp()), data)).design


def catalog() -> dict[str, Any]:
    return catalogs(design())[LEAF]


def _d(value: Any, **attributes: str) -> list[dict[str, Any]]:
    item: dict[str, Any] = {"data": str(value)}
    if attributes:
        item["attributes"] = attributes
    return [item]


def _cabled(d: Design) -> list[Interface]:
    return [i for i in d.devices[LEAF].interfaces if i.enabled and i.peer_device]


def extensive(d: Design) -> dict[str, Any]:
    phys = [
        {
            "name": _d(i.name),
            "ethernet-mac-statistics": [
                {
                    "attributes": {"junos:style": "verbose"},
                    "input-crc-errors": _d(0),
                    "output-crc-errors": _d(0),
                    "input-code-violations": _d(0),
                }
            ],
            "ethernet-fec-statistics": [
                {"attributes": {"junos:style": "verbose"}, "fec_ccw_count": _d(1234), "fec_nccw_count": _d(0)}
            ],
        }
        for i in _cabled(d)
    ]
    return {"interface-information": [{"physical-interface": phys}]}


def optics(d: Design, ports: list[str]) -> dict[str, Any]:
    speeds = {i.name: i.speed_gbps for i in _cabled(d)}
    phys = []
    for port in ports:
        lanes = [
            {
                "lane-index": _d(n),
                "laser-rx-optical-power-dbm": _d(f"{RX_DBM:.2f}"),
                "laser-output-power-dbm": _d("0.50"),
            }
            for n in range(max(1, speeds[port] // 100))
        ]
        diag = {
            "module-temperature": _d(f"{TEMP_C:.0f} degrees C / 106 degrees F", **{"junos:celsius": f"{TEMP_C:.0f}"}),
            "laser-rx-power-low-alarm-threshold-dbm": _d(f"{RX_LOW_ALARM:.2f}"),
            "laser-rx-power-high-alarm-threshold-dbm": _d(f"{RX_HIGH_ALARM:.2f}"),
            "optics-diagnostics-lane-values": lanes,
        }
        phys.append({"name": _d(port), "optics-diagnostics": [diag]})
    return {"interface-information": [{"physical-interface": phys}]}


def class_of_service(d: Design) -> str:
    """``show configuration class-of-service``: the rendered hierarchy's contents."""
    (text,) = render(d.devices[LEAF], d).values()
    return dump(section(parse(text), "class-of-service") or [])


def raw() -> dict[str, Any]:
    d = design()
    out = vendor_json.junos(d, LEAF)
    out[junos_json.EXTENSIVE] = extensive(d)
    out[junos_json.OPTICS] = optics(d, catalog()["optics"]["ports"])
    out[junos_json.COS] = class_of_service(d)
    return out

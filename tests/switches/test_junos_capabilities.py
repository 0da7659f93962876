"""Junos capabilities: what Junos cannot express is refused at validate, and what it renders
(watchdog polls, BFD timers, the vendor shared-buffer partition, AAA and SNMP without a
spec block) follows the Design. Split from test_junos.py, whose fixtures it reuses.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiinfra.errors import SpecError
from aiinfra.nos import driver
from aiinfra.nos.junos import render as junos
from aiinfra.nos.junos.parser import parse_switch
from aiinfra.nos.junos.syntax import leaf, parse, section
from aiinfra.pipeline import design_from_file
from tests.switches.test_junos import SPECS, rendered, tree


def _junos_spec(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    data = yaml.safe_load(SPECS["junos-flowlet"].read_text())
    edit(data)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _roce(data: dict[str, Any]) -> dict[str, Any]:
    return data["fabrics"]["backend"]["roce"]


def test_a_watchdog_detection_of_three_polls_renders_three_polls(tmp_path: Path) -> None:
    """Issue 9: detection 300 ms validated and then failed at render; Junos states it as `detection 3`."""
    path = _junos_spec(tmp_path, lambda d: _roce(d).update(pfc_watchdog={"detection_ms": 300}))
    result = design_from_file(path)
    leaf_dev = result.design.devices["jfl-be-leaf-su001-r1"]
    (text,) = junos.render(leaf_dev, result.design).values()
    assert parse_switch(text).pfc_watchdog_ms == (300, 400, 100)


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        ({"pfc_watchdog": {"poll_ms": 50, "detection_ms": 200, "restoration_ms": 400}}, "poll_ms", "100-1000 ms"),
        ({"pfc_watchdog": {"detection_ms": 1100}}, "detection_ms", "2-10 polls"),
        ({"pfc_watchdog": {"detection_ms": 100}}, "detection_ms", "2-10 polls"),
        ({"ecn": {"min_kbytes": 200, "max_kbytes": 2000, "max_probability": 20}}, "ecn", "queue fill levels"),
    ],
)
def test_refuses_at_validate_what_junos_cannot_express(
    tmp_path: Path, edit: dict[str, Any], field: str, message: str
) -> None:
    path = _junos_spec(tmp_path, lambda d: _roce(d).update(edit))
    with pytest.raises(SpecError) as info:
        design_from_file(path)
    text = str(info.value)
    assert f"fabrics.backend.roce.{'pfc_watchdog.' if field != 'ecn' else ''}{field}" in text, text
    assert message in text and "cluster.yaml:" in text, text


# The parse-back (parser.py and the Junos syntax it reads) is test tooling: it may raise on
# a malformed file and read whatever it needs; the rest of a driver folder renders.
PARSE_BACK = {"parser.py", "syntax.py"}
FORBIDDEN = (["aiinfra", "spec"], ["aiinfra", "catalog"])


def _render_modules(os_name: str) -> dict[str, ast.Module]:
    folder = Path(driver(os_name).folder)
    return {p.name: ast.parse(p.read_text()) for p in sorted(folder.glob("*.py")) if p.name not in PARSE_BACK}


def _imported(tree: ast.Module) -> set[str]:
    """Every module a file imports, at any depth (TYPE_CHECKING blocks included)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return out


@pytest.mark.parametrize("os_name", ["junos", "cumulus"])
def test_driver_renders_from_the_design_alone(os_name: str) -> None:
    """Every capability check lives at validate and every fact comes from the Design: no module
    of the driver that renders raises, or imports the spec or the catalog (issue 10 §2)."""
    modules = _render_modules(os_name)
    assert {"__init__.py", "render.py", "units.py"} <= set(modules), sorted(modules)
    for name, module in modules.items():
        raises = [n.lineno for n in ast.walk(module) if isinstance(n, ast.Raise)]
        assert not raises, f"{os_name}/{name} refuses at render (lines {raises}); refuse at validate"
        wrong = sorted(m for m in _imported(module) if m.split(".")[:2] in FORBIDDEN)
        assert not wrong, f"{os_name}/{name} imports {wrong}; read the Design"


@pytest.mark.parametrize("spec", SPECS)
def test_bfd_timers_are_the_designs(spec: str) -> None:
    r = rendered(spec)
    for d in r.devices:
        if d.bgp is None or not d.bgp.bfd:
            continue
        assert r.parsed[d.name].bfd_timers == {(d.bgp.bfd_interval_ms, d.bgp.bfd_multiplier)}, d.name


@pytest.mark.parametrize("spec", SPECS)
def test_shared_buffer_is_the_vendor_partition_and_holds_the_designs_headroom(spec: str) -> None:
    r = rendered(spec)
    part = r.catalog.os["junos"].shared_buffer
    assert part is not None
    for d in r.devices:
        if d.qos is None:
            continue
        cos = section(tree(spec, d.name), "class-of-service")
        ingress = section(cos, "shared-buffer", "ingress")
        headroom_pct = int(leaf(section(ingress, "buffer-partition", "lossless-headroom"), "percent")[0])
        dedicated_pct = int(leaf(section(cos, "dedicated-buffer", "ingress"), "percent")[0])
        assert (headroom_pct, dedicated_pct) == (part.ingress_lossless_headroom, part.dedicated_ingress)
        model = r.catalog.switches[d.model]
        partition_bytes = model.buffer_mb * 1e6 * (100 - dedicated_pct) / 100 * headroom_pct / 100
        # the Design's budget for this switch (TH5: a shared, over-subscribed headroom pool) fits in
        # the lossless-headroom partition the config programs
        budget = d.headroom_budget
        assert budget is not None
        needed = budget.demand([i.headroom for i in d.interfaces if i.headroom])
        assert needed <= budget.pool_bytes <= partition_bytes, d.name


def test_no_aaa_and_no_snmp_render_password_login_and_no_agent(tmp_path: Path) -> None:
    """Without security.aaa Junos authenticates locally only; without SNMP users no snmp stanza exists."""

    def strip(data: dict[str, Any]) -> None:
        data["security"].pop("aaa", None)
        data["security"].pop("snmp", None)

    result = design_from_file(_junos_spec(tmp_path, strip))
    for d in result.design.devices.values():
        if d.os != "junos":
            continue
        (text,) = junos.render(d, result.design).values()
        t = parse(text)
        assert leaf(section(t, "system"), "authentication-order") == ["password"], d.name
        assert section(t, "snmp") is None and section(t, "system", "tacplus-server") is None, d.name


def test_bfd_timers_follow_the_design_not_a_junos_constant() -> None:
    """Issue 9: Junos rendered its own 300 ms x 3; a Design asking 150 ms x 4 must get exactly that."""
    r = rendered("junos-flowlet")
    leaf_dev = r.design.devices["jfl-be-leaf-su001-r1"]
    assert leaf_dev.bgp is not None and leaf_dev.bgp.bfd
    faster = dataclasses.replace(leaf_dev, bgp=dataclasses.replace(leaf_dev.bgp, bfd_interval_ms=150, bfd_multiplier=4))
    (text,) = junos.render(faster, r.design).values()
    assert parse_switch(text).bfd_timers == {(150, 4)}

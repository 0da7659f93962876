"""Escape hatches in the rendered configs, read back with the OS parsers.

``Driver.render_device`` is what the pipeline writes: the driver's render plus the device's
raw_config blocks. The raw text must come back byte for byte between its markers, at the
start or the end of the main config file, and the whole file must still parse as the OS's
configuration; overrides must show in what the parser reads, not in a string rebuilt here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiinfra import nos
from aiinfra.design.model import Design, Device, RawBlock
from aiinfra.nos.hatches import hatch_summary, main_config, with_raw_config
from aiinfra.nos.junos import syntax as junos
from aiinfra.render.reports import design_yaml
from aiinfra.spec.hatches import check_raw_text, raw_text_problem
from tests.conftest import example
from tests.parsers.dispatch import parse_rendered
from tests.spec.test_hatches import EOS_SPINE, JUNOS_LEAF, NXOS_SPINE, design_with

RAW = {
    "eos": ("alias shint show interfaces status\n", "management api http-commands\n   no shutdown\n"),
    "nxos": ("feature lldp\n", "cli alias name wr copy running-config startup-config"),
    "junos": (
        "chassis {\n    aggregated-devices {\n        ethernet {\n            device-count 8;\n        }\n    }\n}\n",
        "protocols {\n    lldp {\n        interface all;\n    }\n}\n",
    ),
}
DEVICES = {"eos": EOS_SPINE, "nxos": NXOS_SPINE, "junos": JUNOS_LEAF}


def rendered(design: Design, name: str) -> tuple[Device, dict[str, str], str]:
    """The device, every file its driver renders with hatches, and its main config text."""
    device = design.devices[name]
    files = nos.driver(device.os).render_device(device, design)
    return device, files, files[main_config(device, files, nos.profile(device.os))]


def blocks(text: str, os_name: str) -> list[tuple[int, str, str, int]]:
    """(first line, opening marker, body, last line) of every raw_config block, found by the markers alone."""
    comment = nos.profile(os_name).raw_config_comment
    assert comment is not None
    prefix, suffix = comment.split("{text}")
    lines = text.split("\n")
    out, start = [], None
    for n, line in enumerate(lines):
        if not (line.startswith(prefix + "---- ") and line.endswith(suffix)):
            continue
        if " end raw_config[" in line:
            assert start is not None, f"a closing marker without an opening one at line {n + 1}"
            out.append((start, lines[start], "\n".join(lines[start + 1 : n]) + "\n", n))
            start = None
        else:
            start = n
    assert start is None, "an opening marker is never closed"
    return out


@pytest.fixture(scope="module")
def raw_design(tmp_path_factory: pytest.TempPathFactory) -> Design:
    entries = [{"group": f"os_{os_name}", "before": before, "after": after} for os_name, (before, after) in RAW.items()]
    return design_with(tmp_path_factory.mktemp("raw"), raw_config=entries).design


@pytest.mark.parametrize("os_name", sorted(RAW))
def test_raw_config_is_verbatim_in_marked_blocks_at_start_and_end(raw_design: Design, os_name: str) -> None:
    device, files, text = rendered(raw_design, DEVICES[os_name])
    before, after = RAW[os_name]
    found = blocks(text, os_name)
    assert [body for _, _, body, _ in found] == [before, after if after.endswith("\n") else after + "\n"]
    (first, head, _, _), (_, tail_head, _, last) = found
    assert first == 0, "the before block opens the file"
    assert "raw_config[" in head and "before (group os_" in head and "after (group os_" in tail_head
    rest = [line for line in text.split("\n")[last + 1 :] if line.strip()]
    assert rest in ([], ["end"]), f"only EOS's closing 'end' may follow the after block, got {rest}"
    parsed = parse_rendered(device.os, device.name, files)
    assert parsed.hostname == device.name, "the generated configuration still parses after the raw blocks"


def holds(nodes: list[junos.Node] | None, *path: str) -> bool:
    """Whether some chain of statements spells ``path`` (top-level blocks may repeat: Junos merges them)."""
    return any(
        st.keys == path[0].split() and (len(path) == 1 or holds(st.block, *path[1:])) for st in junos.statements(nodes)
    )


def test_junos_raw_blocks_load_as_configuration(raw_design: Design) -> None:
    _, _, text = rendered(raw_design, JUNOS_LEAF)
    tree = junos.parse(text)
    assert holds(tree, "protocols", "lldp", "interface all"), "the after block is configuration the loader reads"
    assert holds(tree, "chassis", "aggregated-devices", "ethernet", "device-count 8"), "and so is the before block"


def test_devices_without_hatches_render_exactly_as_before(raw_design: Design) -> None:
    for device in raw_design.devices.values():
        if not device.raw_config:
            driver = nos.driver(device.os)
            assert driver.render_device(device, raw_design) == driver.render(device, raw_design)


def test_overrides_show_in_the_rendered_configs(tmp_path: Path) -> None:
    overrides = [
        {"group": "frontend_spine", "interfaces": {"Ethernet1/5": {"description": "to leaf B via patch 7"}}},
        {"device": EOS_SPINE, "interfaces": {"Ethernet1/1": {"description": "to leaf A", "mtu": 9100}}},
        {"device": EOS_SPINE, "interfaces": {"Ethernet1/5": {"enabled": False}}},
        {"device": JUNOS_LEAF, "interfaces": {"et-0/0/0:0": {"description": "gpu-01 port 0, moved"}}},
        {"device": NXOS_SPINE, "interfaces": {"Ethernet1/1/1": {"mtu": 9100}}},
    ]
    design = design_with(tmp_path, overrides=overrides).design
    parsed = {}
    for name in (EOS_SPINE, "lab-fe-spine-02", JUNOS_LEAF, NXOS_SPINE):
        device, files, _ = rendered(design, name)
        parsed[name] = parse_rendered(device.os, name, files).interfaces
    eos = parsed[EOS_SPINE]
    assert (eos["Ethernet1/1"].description, eos["Ethernet1/1"].mtu) == ("to leaf A", 9100)
    assert eos["Ethernet1/5"].shutdown and eos["Ethernet1/5"].description == "to leaf B via patch 7"
    assert parsed["lab-fe-spine-02"]["Ethernet1/5"].description == "to leaf B via patch 7"
    assert not parsed["lab-fe-spine-02"]["Ethernet1/5"].shutdown
    assert parsed[JUNOS_LEAF]["et-0/0/0:0"].description == "gpu-01 port 0, moved"
    assert parsed[NXOS_SPINE]["Ethernet1/1/1"].mtu == 9100


def test_bfd_override_on_both_ends_leaves_no_bfd_session(tmp_path: Path) -> None:
    design = design_with(tmp_path, overrides=[{"group": "fabric_frontend", "bfd": False}]).design
    for name in (EOS_SPINE, JUNOS_LEAF):
        device, files, _ = rendered(design, name)
        assert parse_rendered(device.os, name, files).bfd_neighbors == set()
    device, files, _ = rendered(design, NXOS_SPINE)
    assert parse_rendered(device.os, NXOS_SPINE, files).bfd_neighbors, "the back-end keeps its BFD"


def test_hatch_summary_lists_every_hatch(tmp_path: Path) -> None:
    design = design_with(
        tmp_path,
        overrides=[{"device": EOS_SPINE, "interfaces": {"Ethernet1/1": {"mtu": 9100}}}],
        raw_config=[{"device": EOS_SPINE, "after": "alias a b\nalias c d"}],
    ).design
    assert hatch_summary(design) == [
        {
            "hatch": "override",
            "device": EOS_SPINE,
            "source": "overrides[0]",
            "selector": f"device {EOS_SPINE}",
            "field": "interfaces.Ethernet1/1.mtu",
            "value": "9100",
            "previous": "9214",
        },
        {
            "hatch": "raw_config",
            "device": EOS_SPINE,
            "source": "raw_config[0]",
            "selector": f"device {EOS_SPINE}",
            "position": "after",
            "lines": 2,
        },
    ]


_LINE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


def _accepted(text: str) -> bool:
    try:
        check_raw_text(text)
    except ValueError:
        return False
    return raw_text_problem(text, "eos") is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(_LINE, min_size=1, max_size=4).map("\n".join), after=st.lists(_LINE, max_size=4).map("\n".join))
def test_accepted_raw_text_always_renders_verbatim(raw_design: Design, before: str, after: str) -> None:
    """Whatever validate accepts comes back byte for byte inside its markers, and nothing else moves."""
    if not _accepted(before) or not before or (after and not _accepted(after)):
        return
    device = raw_design.devices[EOS_SPINE]
    row = nos.profile(device.os)
    plain = nos.driver(device.os).render(device, raw_design)
    raw = [RawBlock("raw_config[0]", "device x", "before", before)]
    raw += [RawBlock("raw_config[1]", "device x", "after", after)] if after else []
    out = with_raw_config(Device(**{**_fields(device), "raw_config": tuple(raw)}), plain, row)
    path = main_config(device, plain, row)
    found = blocks(out[path], device.os)
    assert [body for _, _, body, _ in found] == [t if t.endswith("\n") else t + "\n" for t in (before, after) if t]
    lines = out[path].split("\n")
    kept = [line for n, line in enumerate(lines) if not any(first <= n <= last for first, _, _, last in found)]
    assert "\n".join(kept) == plain[path], "outside its markers the file is what the driver rendered"
    assert {k: v for k, v in out.items() if k != path} == {k: v for k, v in plain.items() if k != path}


def _fields(device: Device) -> dict[str, object]:
    return {f: getattr(device, f) for f in Device.__dataclass_fields__}


def test_design_yaml_lists_the_hatches_and_only_when_there_are_some(tmp_path: Path) -> None:
    """design.yaml (the reviewed summary) names every hatch a render applies; an example
    without hatches keeps its summary unchanged."""
    design = design_with(tmp_path, raw_config=[{"device": EOS_SPINE, "after": "alias a b"}]).design
    summary = yaml.safe_load(design_yaml(design))
    assert summary["escape_hatches"] == hatch_summary(design) != []
    assert "escape_hatches" not in yaml.safe_load(design_yaml(example("lab").design))

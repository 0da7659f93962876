"""Escape hatches at validate: every refusal is positioned on the spec, with what is valid.

``overrides`` and ``raw_config`` are checked twice: their shape and hostile text by the spec
model, their names (devices, groups, interfaces) and OS capabilities against the designed
fabric. Both must come back as ``file:line:col: path: message`` and write nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aiinfra.cli import main
from aiinfra.errors import SpecError
from aiinfra.pipeline import DesignResult, design_from_file
from tests.conftest import lab_data, write_spec
from tests.spec.clicheck import refused

EOS_SPINE = "lab-fe-spine-01"  # the lab's EOS front-end spine
JUNOS_LEAF = "lab-fe-leaf-01a"
NXOS_SPINE = "lab-be-spine-01"


def with_hatches(tmp_path: Path, **hatches: Any) -> Path:
    """The lab spec with ``overrides`` / ``raw_config`` / ``templates`` set, written to ``tmp_path``."""
    data = lab_data()
    data.update(hatches)
    return write_spec(tmp_path, data)


def design_with(tmp_path: Path, **hatches: Any) -> DesignResult:
    return design_from_file(with_hatches(tmp_path, **hatches))


def problems(tmp_path: Path, **hatches: Any) -> list[tuple[str, int, str]]:
    """(path, line, message) of every diagnostic validate gives for the lab spec with ``hatches``."""
    with pytest.raises(SpecError) as err:
        design_with(tmp_path, **hatches)
    return [(d.path, d.line, d.message) for d in err.value.diagnostics]


def only(found: list[tuple[str, int, str]], path: str) -> str:
    """The one message at ``path``; it must be positioned on a line of the file."""
    at = [(line, message) for p, line, message in found if p == path]
    assert len(at) == 1, found
    assert at[0][0] > 0, found
    return at[0][1]


def test_unknown_device_is_refused_with_a_close_match(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = with_hatches(tmp_path, overrides=[{"device": "lab-fe-spine-1", "bfd": False}])
    err = refused(capsys, spec, tmp_path / "out", "overrides[0].device", "unknown device 'lab-fe-spine-1'")
    assert "did you mean lab-fe-spine-01" in err


def test_unknown_group_is_refused_listing_the_groups(tmp_path: Path) -> None:
    message = only(problems(tmp_path, overrides=[{"group": "rail_9", "bfd": False}]), "overrides[0].group")
    assert "unknown group 'rail_9'" in message and "rail_8" in message and "os_eos" in message


def test_interface_not_on_the_device_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, overrides=[{"device": EOS_SPINE, "interfaces": {"Ethernet1/99": {"enabled": False}}}])
    message = only(found, "overrides[0].interfaces.Ethernet1/99")
    assert f"{EOS_SPINE} has no interface 'Ethernet1/99'" in message and "Ethernet1/1" in message


def test_group_override_needs_the_interface_on_every_device(tmp_path: Path) -> None:
    """The two front-end leaves share names, so a name from another OS is refused at the first that lacks it."""
    found = problems(tmp_path, overrides=[{"group": "fabric_frontend", "interfaces": {"Ethernet1/1": {"mtu": 9100}}}])
    message = only(found, "overrides[0].interfaces.Ethernet1/1")
    assert "lab-fe-leaf-01a has no interface" in message and "more of the selected devices" in message


@pytest.mark.parametrize(
    ("entry", "path", "message"),
    [
        ({"bfd": False}, "overrides[0]", "give exactly one of 'device'"),
        ({"device": EOS_SPINE, "group": "os_eos", "bfd": False}, "overrides[0]", "give exactly one"),
        ({"device": EOS_SPINE}, "overrides[0]", "changes at least one of"),
        ({"device": EOS_SPINE, "interfaces": {"Ethernet1/1": {}}}, "overrides[0].interfaces.Ethernet1/1", "at least"),
        ({"device": EOS_SPINE, "mtu": 9000}, "overrides[0].mtu", "unknown key 'mtu'"),
        ({"group": "Rail 1", "bfd": False}, "overrides[0].group", "is not an inventory group name"),
        (
            {"device": EOS_SPINE, "interfaces": {"Ethernet1/1": {"description": 'a "quoted" word'}}},
            "overrides[0].interfaces.Ethernet1/1.description",
            "Junos quotes descriptions",
        ),
        (
            {"device": EOS_SPINE, "interfaces": {"Ethernet1/1": {"description": "x\nusername evil"}}},
            "overrides[0].interfaces.Ethernet1/1.description",
            "LF (line feed)",
        ),
        (
            {"device": EOS_SPINE, "interfaces": {"Ethernet1/1": {"mtu": 9217}}},
            "overrides[0].interfaces.Ethernet1/1.mtu",
            "less than or equal to 9216",
        ),
    ],
)
def test_override_shape_is_checked_by_the_spec(tmp_path: Path, entry: dict[str, Any], path: str, message: str) -> None:
    assert message in only(problems(tmp_path, overrides=[entry]), path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ip routing\r\nusername evil", "U+000D"),
        ("alias x \x1b[2J", "U+001B"),
        ("alias x\tshow", "U+0009"),
        ("alias \u202eevil", "U+202E"),
        ("alias x {{ lookup('pipe', 'id') }}", "'{{' is a Jinja template delimiter"),
        ("{% for x in y %}", "'{%' is a Jinja template delimiter"),
        ("{# hidden #}", "'{#' is a Jinja template delimiter"),
    ],
)
def test_hostile_raw_text_is_refused(tmp_path: Path, text: str, message: str) -> None:
    found = problems(tmp_path, raw_config=[{"group": "os_eos", "after": text}])
    assert message in only(found, "raw_config[0].after")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("interface Ethernet1\nend\nreload now", "line 2 is 'end'"),
        ("! ---- end raw_config[0] ----", "imitates a raw_config marker"),
    ],
)
def test_raw_text_that_escapes_its_block_is_refused(tmp_path: Path, text: str, message: str) -> None:
    found = problems(tmp_path, raw_config=[{"group": "os_eos", "before": text}])
    assert message in only(found, "raw_config[0].before")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("system {\n    host-name x;\n}\n}\n", "closes a level the block did not open"),
        ("system {\n    host-name x;\n", "1 '{' never closed"),
        ('system {\n    login {\n        message "open\n    }\n}\n', "string is never closed"),
        ("/* note\nsystem { }\n", "never closed"),
    ],
)
def test_unbalanced_junos_raw_text_is_refused(tmp_path: Path, text: str, message: str) -> None:
    found = problems(tmp_path, raw_config=[{"group": "os_junos", "after": text}])
    assert message in only(found, "raw_config[0].after")


def test_balanced_junos_braces_inside_strings_and_comments_are_accepted(tmp_path: Path) -> None:
    text = 'system {\n    /* a } in a comment */\n    login {\n        message "a { in a string";\n    }\n}\n'
    result = design_with(tmp_path, raw_config=[{"device": JUNOS_LEAF, "after": text}])
    (block,) = result.design.devices[JUNOS_LEAF].raw_config
    assert block.text == text


@pytest.mark.parametrize(("group", "os_name"), [("os_cumulus", "Cumulus"), ("os_sonic", "SONiC")])
def test_raw_config_is_refused_for_structured_configs(tmp_path: Path, group: str, os_name: str) -> None:
    message = only(problems(tmp_path, raw_config=[{"group": group, "after": "x"}]), "raw_config[0].after")
    assert os_name in message and "structured data" in message and "overrides" in message


def test_raw_config_for_a_group_spanning_oses_needs_os(tmp_path: Path) -> None:
    message = only(problems(tmp_path, raw_config=[{"group": "role_spine", "after": "x"}]), "raw_config[0].group")
    assert "spans eos, nxos" in message and "os:" in message


def test_raw_config_os_narrows_a_group(tmp_path: Path) -> None:
    result = design_with(tmp_path, raw_config=[{"group": "role_spine", "os": "eos", "after": "alias a b"}])
    got = {d.name for d in result.design.devices.values() if d.raw_config}
    assert got == {d.name for d in result.design.devices.values() if d.role == "spine" and d.os == "eos"}
    message = only(
        problems(tmp_path, raw_config=[{"group": "role_spine", "os": "junos", "after": "x"}]), "raw_config[0].os"
    )
    assert "no junos devices" in message


def test_raw_config_needs_some_text(tmp_path: Path) -> None:
    assert "give 'before', 'after'" in only(problems(tmp_path, raw_config=[{"group": "os_eos"}]), "raw_config[0]")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        overrides=[{"device": "nope", "bfd": False}, {"group": "nope", "bfd": False}],
        raw_config=[{"group": "os_cumulus", "after": "x"}],
    )
    assert {p for p, _, _ in found} == {"overrides[0].device", "overrides[1].group", "raw_config[0].after"}


def test_cli_renders_with_hatches_and_a_bad_override_leaves_the_output_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate => render succeeds with every hatch; a later bad override changes nothing on disk."""
    out = tmp_path / "out"
    good = {
        "overrides": [{"device": EOS_SPINE, "interfaces": {"Ethernet1/1": {"description": "patched"}}}],
        "raw_config": [{"group": "os_eos", "after": "alias shint show interfaces status"}],
    }
    spec = with_hatches(tmp_path, **good)
    assert main(["render", str(spec), "-o", str(out)]) == 0
    capsys.readouterr()
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert any(b"description patched" in text for text in before.values())
    bad = {**good, "overrides": [{"device": "lab-fe-spine-03", "interfaces": {"Ethernet1/1": {"enabled": False}}}]}
    spec = with_hatches(tmp_path, **bad)
    assert main(["render", str(spec), "-o", str(out)]) == 2
    assert "overrides[0].device: unknown device 'lab-fe-spine-03'" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before

"""design.json version 3: headroom profiles written once, repeated records one line each, streamed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiinfra.design.model import Design, Interface
from aiinfra.design.serialize import design_json, design_json_bytes, parse_design, write_design
from aiinfra.design.serialize_shared import shared_keys
from aiinfra.design.serialize_write import CHUNK_BYTES, _Writer
from aiinfra.render.output import write_streamed
from tests.conftest import example


@pytest.fixture(scope="module")
def lab() -> Design:
    return example("lab").design


def test_each_distinct_headroom_profile_is_written_once_and_named_by_each_port(lab: Design) -> None:
    doc = json.loads(design_json(lab))
    table = doc["headroom_profiles"]
    ports = [(d, i) for d in lab.devices.values() for i in d.interfaces if i.headroom is not None]
    assert len({i.headroom for _, i in ports}) == len(table)
    for d, i in ports:
        written = next(x for x in doc["design"]["devices"][d.name]["interfaces"] if x["name"] == i.name)
        assert table[written["headroom"]] == asdict(i.headroom)


def test_profile_keys_say_what_the_profile_is_computed_from(lab: Design) -> None:
    keys = {key for key, _ in shared_keys(lab)["headroom_profiles"].values()}
    # two ASICs with a 400G 30 m profile each: one name, two keys, neither depending on the other
    assert {"pg_lossless_400g_30m/9216/Silicon One G200", "pg_lossless_400g_30m/9216/Broadcom Tomahawk 5"} <= keys


def test_two_distinct_profiles_with_one_key_stay_distinct(lab: Design) -> None:
    """A hand-edited design: two different values under one name, MTU and ASIC still round-trip."""
    device = next(d for d in lab.devices.values() if any(i.headroom for i in d.interfaces))
    port = next(i for i in device.interfaces if i.headroom is not None)
    original = port.headroom
    assert original is not None
    port.headroom = replace(original, bytes=original.bytes + 1)
    try:
        text = design_json(lab)
        loaded = parse_design(text)
        assert loaded == lab
        assert any(k.endswith(".2") for k in json.loads(text)["headroom_profiles"])
    finally:
        port.headroom = original


def test_repeated_records_are_one_line_each(lab: Design) -> None:
    lines = design_json(lab).splitlines()
    port = next(iter(lab.devices.values())).interfaces[0]
    first = next(line for line in lines if f'"name":"{port.name}"' in line and '"role":' in line)
    record = json.loads(first.strip().rstrip(","))
    assert record["name"] == port.name and record["mtu"] == port.mtu
    link = lab.links[0]
    cable = [line for line in lines if f'"a_device":"{link.a_device}","a_interface":"{link.a_interface}"' in line]
    assert len(cable) == 1 and json.loads(cable[0].strip().rstrip(","))["b_device"] == link.b_device
    # the rest stays indented, one field per line
    assert '    "name": "lab",' in lines


def test_streamed_file_is_the_same_bytes_and_its_digest(lab: Design, tmp_path: Path) -> None:
    path = tmp_path / "design.json"
    digest = write_streamed(str(path), partial(write_design, lab))  # as the render writes it
    data = path.read_bytes()
    assert data == design_json_bytes(lab)
    assert digest == hashlib.sha256(data).hexdigest()
    assert data.endswith(b"}\n")


def test_pieces_are_bounded() -> None:
    design = example("superpod-4su").design
    pieces: list[bytes] = []
    write_design(design, pieces.append)
    assert len(pieces) > 1
    assert max(len(p) for p in pieces) < 3 * CHUNK_BYTES
    assert b"".join(pieces) == design_json_bytes(design)


def test_a_write_error_names_the_file_and_an_existing_file_is_never_written(lab: Design, tmp_path: Path) -> None:
    kept = tmp_path / "design.json"
    kept.write_text("kept\n")  # e.g. a link to the old tree's file: O_EXCL refuses it
    with pytest.raises(FileExistsError) as info:
        write_streamed(str(kept), partial(write_design, lab))
    assert info.value.filename == str(kept) and kept.read_text() == "kept\n"


_HOSTILE = st.text(st.characters(codec="utf-8"), max_size=16) | st.sampled_from(
    ['},{"name":', '"},{"name":"', "\\", '\\"', "\n", "\u2028", "\u00e9", "},{"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_HOSTILE, _HOSTILE), min_size=2, max_size=6))
def test_lines_are_each_records_own_bytes_with_hostile_text(lab: Design, texts: list[tuple[str, str]]) -> None:
    """A port array written in one orjson call and cut at record boundaries is each port's
    own orjson line, whatever its text holds (the boundary itself, quotes, backslashes,
    newlines, U+2028), and the lines load back to the ports' fields."""
    device = next(d for d in lab.devices.values() if len(d.interfaces) >= len(texts))
    ports = [replace(p, name=a, description=b) for p, (a, b) in zip(device.interfaces, texts, strict=False)]
    writer = _Writer(lab, lambda piece: None)
    sep = b",\n      "
    written = writer._lines(Interface, ports, sep)
    assert written == sep.join(writer.dumps(p) for p in ports)
    assert [(r["name"], r["description"]) for r in orjson.loads(b"[" + written + b"]")] == texts

"""The bounded, position-aware YAML loader."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.errors import SpecError
from aiinfra.spec import loader
from aiinfra.spec.loader import load_yaml, load_yaml_text


def _errors(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_yaml_text(text, "c.yaml")
    return [str(d) for d in info.value.diagnostics]


def test_duplicate_key_is_an_error_with_both_lines() -> None:
    errs = _errors("a: 1\nb:\n  x: 1\n  x: 2\n")
    assert errs == ["c.yaml:4:3: b.x: duplicate key 'x' (first defined on line 3); remove one of them"]


def test_billion_laughs_fails_fast() -> None:
    lol = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lol.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    started = time.monotonic()
    errs = _errors("\n".join(lol) + "\n")
    assert time.monotonic() - started < 2.0
    assert "expands to more than" in errs[0]


def test_alias_count_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_ALIASES", 3)
    errs = _errors("a: &x 1\nb: [*x, *x, *x, *x]\n")
    assert "more than 3 YAML aliases" in errs[0]


def test_nesting_depth_is_bounded() -> None:
    text = "a: " + "[" * 100 + "]" * 100 + "\n"
    assert "nesting deeper than" in _errors(text)[0]


def test_file_size_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 10)
    f = tmp_path / "big.yaml"
    f.write_text("name: something-long\n")
    with pytest.raises(SpecError) as info:
        load_yaml(f)
    assert "the limit is 10" in str(info.value)


def test_syntax_error_has_position() -> None:
    errs = _errors("a: [1, 2\nb: 3\n")
    assert errs[0].startswith("c.yaml:") and "YAML syntax error" in errs[0]


def test_python_tags_are_refused() -> None:
    errs = _errors("a: !!python/object/apply:os.system ['true']\n")
    assert "is not allowed; aiinfra reads plain YAML only" in errs[0]


def test_empty_file() -> None:
    assert "empty" in _errors("")[0]


def test_positions_point_at_keys(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("top:\n  inner:\n    - a: 1\n      b: 2\n")
    _, source = load_yaml(f)
    assert source.locate(("top", "inner", 0, "b")) == loader.Position(4, 7)
    # unknown deeper paths fall back to the nearest ancestor
    assert source.locate(("top", "inner", 0, "b", "zz")) == loader.Position(4, 7)


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=20))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(yaml_values)
def test_round_trips_what_safe_dump_writes(value: object) -> None:
    text = yaml.safe_dump({"root": value})
    assert load_yaml_text(text) == {"root": value}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        load_yaml_text(text)
    except SpecError as exc:
        assert exc.diagnostics and all(str(d) for d in exc.diagnostics)


def test_read_stops_one_byte_past_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit bounds what is read, not what stat() claims: a file that grows (or /proc, which reports
    size 0) is never read further than the limit plus one byte."""
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 10)
    f = tmp_path / "big.yaml"
    f.write_text("a: " + "x" * 100_000 + "\n")
    read: list[int] = []
    real_read = loader.os.read

    def counting_read(fd: int, n: int) -> bytes:
        chunk = real_read(fd, n)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(loader.os, "read", counting_read)
    with pytest.raises(SpecError) as info:
        load_yaml(f)
    assert "the limit is 10" in str(info.value)
    assert sum(read) == 11


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a:\n  b: [" + "1, " * 5000 + "]\n", "c.yaml:2:6: a.b: a list has more than 4,096 items"),
        ("a:\n" + "".join(f"  - {i}\n" for i in range(5000)), "c.yaml:2:3: a: a list has more than 4,096 items"),
        (
            "m: {" + ", ".join(f"k{i}: 1" for i in range(70_000)) + "}\n",
            "c.yaml:1:4: m: a mapping has more than 65,536",
        ),
    ],
    ids=["flow-list", "block-list", "mapping"],
)
def test_collections_are_bounded_while_composing(text: str, message: str) -> None:
    started = time.monotonic()
    errs = _errors(text)
    assert time.monotonic() - started < 2.0
    assert errs[0].startswith(message), errs


def test_node_count_is_bounded_while_composing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_VALUES", 50)
    text = "".join(f"k{i}: [1, 2]\n" for i in range(40))
    assert "the document has more than 50 values" in _errors(text)[0]


def test_non_regular_files_are_refused_by_load_yaml(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for target, kind in ((fifo, "a FIFO (named pipe)"), (tmp_path, "a directory"), (Path("/dev/null"), "a character")):
        with pytest.raises(SpecError) as info:
            load_yaml(target)
        assert f"{kind}" in str(info.value) and "not a regular file" in str(info.value)

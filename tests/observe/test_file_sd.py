"""Prometheus file_sd target files are written without the stdlib's pure-Python indenting
encoder (:func:`aiinfra.observe.prometheus.file_sd_json`); they must stay exactly what
``json.dumps(groups, indent=1, sort_keys=True)`` writes, for any text in any group."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.observe.prometheus import TARGETS, file_sd_json, prometheus_files, targets
from tests.conftest import example

_TEXT = st.text(st.characters(codec="utf-16", exclude_categories=("Cs",)) | st.sampled_from('"\\\n\t\x00\u2028é'))
_LABELS = st.dictionaries(_TEXT, _TEXT, min_size=1, max_size=4)
_GROUP = st.fixed_dictionaries({"labels": _LABELS, "targets": st.lists(_TEXT, min_size=1, max_size=3)})


@settings(max_examples=300, deadline=None)
@given(st.lists(_GROUP, max_size=5))
def test_any_text_is_written_as_json_dumps_writes_it(groups: list[dict[str, Any]]) -> None:
    assert file_sd_json(groups) == json.dumps(groups, indent=1, sort_keys=True)


@pytest.mark.parametrize(
    "groups",
    [
        [],
        [{"labels": {}, "targets": ["a:1"]}],  # empty containers: json.dumps writes them inline
        [{"labels": {"a": "b"}, "targets": []}],
        [{"labels": {"su": 1}, "targets": ["a:1"]}],  # not text
        [{"labels": {"a": "b"}, "targets": ["a:1"], "extra": True}],
        [{"labels": {"a": "b"}, "targets": ("a:1",)}],
        [{"targets": ["a:1"], "labels": {"b": "1", "a": "2"}}, {"labels": {"x": "y"}, "targets": ["b:2", "c:3"]}],
    ],
)
def test_other_shapes_are_json_dumps(groups: list[Any]) -> None:
    assert file_sd_json(groups) == json.dumps(groups, indent=1, sort_keys=True)


@pytest.mark.parametrize("name", ["lab", "superpod-4su"])
def test_the_target_files_are_json_dumps_of_the_targets(name: str) -> None:
    design = example(name).design
    files = prometheus_files(design)
    for job, port in TARGETS.items():
        text = files[f"observability/prometheus/targets/{job}.json"]
        assert text == json.dumps(targets(design, port), indent=1, sort_keys=True) + "\n"
        assert json.loads(text) == targets(design, port) and design.nodes


class _Text(str):
    """A str subclass: json.dumps writes it as the text it is."""


@pytest.mark.parametrize(
    "groups",
    [
        [{"labels": {"a": "b"}, "targets": ["a:1", 2]}],
        [{"labels": {1: "b", 2: "c"}, "targets": ["a:1"]}],
        [{"labels": {"a": None}, "targets": ["a:1"]}],
        [{"labels": {_Text("a"): _Text("b")}, "targets": [_Text("a:1")]}],
    ],
)
def test_what_is_not_text_is_written_as_json_dumps_writes_it(groups: list[Any]) -> None:
    assert file_sd_json(groups) == json.dumps(groups, indent=1, sort_keys=True)


def test_what_json_dumps_refuses_is_refused() -> None:
    with pytest.raises(TypeError):
        file_sd_json([{"labels": {"a": object()}, "targets": ["a:1"]}])

"""Hostname widths are settings (spec ``naming``), refused at validate when too narrow."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Mutation, put
from tests.spec.test_semantics import assert_refused_at


def both(*mutations: Mutation) -> Mutation:
    def apply(data: dict) -> None:
        for m in mutations:
            m(data)

    return apply


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (
            both(put("compute.nodes", 10), put("naming", {"node_digits": 1})),
            "naming.node_digits",
            "10 nodes need 2 digits but naming.node_digits is 1; set naming.node_digits: 2",
        ),
        (
            both(put("compute.nodes", 40), put("fabrics.backend.nodes_per_su", 4), put("naming", {"su_digits": 1})),
            "naming.su_digits",
            "10 scalable units need 2 digits but naming.su_digits is 1",
        ),
    ],
)
def test_a_width_too_narrow_is_refused_with_the_setting_to_raise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate: Mutation, path: str, message: str
) -> None:
    assert_refused_at(tmp_path, capsys, mutate, path, message)


def test_widths_do_not_follow_the_count(lab: object) -> None:
    from aiinfra.pipeline import DesignResult

    assert isinstance(lab, DesignResult)
    names = [n.name for n in lab.design.nodes]
    assert names == ["lab-gpu-001", "lab-gpu-002", "lab-gpu-003", "lab-gpu-004"]
    assert "lab-be-leaf-su001-r1" in lab.design.devices and "lab-be-spine-01" in lab.design.devices

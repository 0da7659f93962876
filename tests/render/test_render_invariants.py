"""``aiinfra render`` checks the Design's invariants in a render job (beside design.json and
the configs) rather than before rendering: a broken Design still fails the render, from a
forked worker, with every violation and nothing swapped in."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

from aiinfra.design.invariants import DesignInvariantError
from aiinfra.pipeline import design_from_file, write_rendered
from aiinfra.render import pipeline
from tests.conftest import EXAMPLES, example


def test_the_error_crosses_a_process_boundary_whole() -> None:
    error = pickle.loads(pickle.dumps(DesignInvariantError(["a", "b"])))
    assert error.violations == ["a", "b"] and "2 invariant(s)" in str(error)


def test_a_broken_design_fails_the_render_in_a_worker_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_ITEMS", 0)  # forked workers even for the lab
    design = copy.deepcopy(example("lab").design)
    design.devices["lab-be-spine-02"].loopback = design.devices["lab-be-spine-01"].loopback
    out = tmp_path / "out"
    with pytest.raises(DesignInvariantError) as info:
        pipeline.write_outputs(design, out, invariants=True)
    assert any("is both the loopback of lab-be-spine-01" in v for v in info.value.violations), info.value.violations
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == []
    pipeline.write_outputs(design, out)  # without the job the same Design renders: the job is what refused it
    assert (out / "design.json").is_file()


def test_deferred_and_checked_renders_write_the_same_bytes(tmp_path: Path) -> None:
    spec = EXAMPLES / "lab" / "cluster.yaml"
    deferred = design_from_file(spec, defer_invariants=True)
    assert not deferred.invariants_checked and design_from_file(spec).invariants_checked
    write_rendered(deferred, tmp_path / "a")
    write_rendered(design_from_file(spec), tmp_path / "b")
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b and a

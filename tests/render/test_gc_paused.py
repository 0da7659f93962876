"""The cycle collector stays off while a render holds the Design (aiinfra.gcpause says why).

A full collection walks every live object, about two million at 131k GPUs (1.5 to 1.8 s):
preparing DIR, reading the previous fingerprints and the render itself must not start one.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from aiinfra.gcpause import gc_paused
from aiinfra.pipeline import design_from_file, output_target, render_into
from aiinfra.render import output, pipeline
from tests.conftest import EXAMPLES


def test_paused_restores_the_collector_and_nests() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block found it off and leaves it off
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_a_re_render_reads_the_old_tree_with_the_collector_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each stage that allocates per file of the old or new tree runs with the collector off."""
    result = design_from_file(EXAMPLES / "lab" / "cluster.yaml")
    out = tmp_path / "out"
    render_into(result, out)  # a previous output to prepare and read
    seen: dict[str, list[bool]] = {}

    def spy(module: object, name: str) -> None:
        real = getattr(module, name)

        def call(*args: object, **kwargs: object) -> object:
            seen.setdefault(name, []).append(gc.isenabled())
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, call)

    spy(output, "read_target")  # the manifest and the walk of DIR
    spy(pipeline, "previous_units")  # the previous fingerprints
    spy(pipeline, "manifest_text")  # the new manifest, after every job
    spy(pipeline, "run_jobs")  # the jobs (the main process runs them too)
    written = render_into(result, output_target(result, out))  # the CLI's order
    assert written.kept == written.units > 0
    assert seen == {name: [False] for name in ("read_target", "previous_units", "run_jobs", "manifest_text")}
    assert gc.isenabled()

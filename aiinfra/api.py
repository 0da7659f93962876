"""The public Python API behind ``aiinfra.load``, ``aiinfra.design`` and ``aiinfra.render``.

The same three stages as the command line, for users who script around aiinfra: every problem in a spec
raises :class:`aiinfra.errors.SpecError` carrying positioned diagnostics (``file:line:column: field:
message``), exactly what ``aiinfra validate`` prints; nothing is written to disk.
"""

from __future__ import annotations

import os
from pathlib import Path

from aiinfra.design.build import build_design, resolve_catalog
from aiinfra.design.model import Design
from aiinfra.design.problems import DesignError
from aiinfra.errors import SpecError
from aiinfra.spec.load import LoadedSpec, load_spec


def load(path: str | os.PathLike[str]) -> LoadedSpec:
    """Read and validate a ``cluster.yaml`` (and its node facts file); ``.spec`` is the ClusterSpec."""
    return load_spec(Path(path))


def design(spec: LoadedSpec | str | os.PathLike[str]) -> Design:
    """The vendor-neutral Design of a spec (a path, or what :func:`load` returned), workload checks included."""
    from aiinfra.pipeline import workload_problems

    loaded = spec if isinstance(spec, LoadedSpec) else load(spec)
    catalog = resolve_catalog(loaded.spec)
    try:
        result = build_design(loaded.spec, catalog, node_facts=loaded.facts, spec_dir=loaded.path.parent)
    except DesignError as exc:
        raise SpecError([loaded.diagnostic(p.path, p.message) for p in exc.problems]) from None
    problems = workload_problems(loaded, catalog, result)
    if problems:
        raise SpecError([loaded.diagnostic(path, message) for path, message in problems])
    return result


def render(design: Design) -> dict[str, bytes]:
    """Every file ``aiinfra render`` would write for a Design, ``{relative path: bytes}``, MANIFEST.sha256 included."""
    from aiinfra.render.pipeline import render_outputs

    return dict(render_outputs(design).files)

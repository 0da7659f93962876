"""The renderers (OS drivers, platform drivers, inventory, reports) read only the Design.

Two checks that fail on a regression: no module under ``aiinfra/render`` or
``aiinfra/platforms`` (the drivers' renderers and checks) imports ``aiinfra.spec`` or
``aiinfra.catalog`` (read from the source with ``ast``), and the
platform files rendered in a fresh interpreter that cannot import either package, from
an unpickled Design, are byte for byte those of a normal render.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import aiinfra
from aiinfra import nos
from tests.platforms.examples import example_result

PACKAGE = Path(aiinfra.__file__).parent
SCANNED = (PACKAGE / "render", PACKAGE / "platforms")
FORBIDDEN = ("aiinfra.spec", "aiinfra.catalog")


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.lineno, node.module))
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return out


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_no_render_module_imports_spec_or_catalog() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
        for folder in SCANNED
        for path in sorted(folder.rglob("*.py"))
        for line, name in _imports(ast.parse(path.read_text(), str(path)))
        if _forbidden(name)
    ]
    assert found == []


def test_the_scan_sees_a_forbidden_import() -> None:
    tree = ast.parse("from aiinfra import catalog\nimport aiinfra.spec.model\nfrom aiinfra.design import hosts\n")
    assert [n for _, n in _imports(tree) if _forbidden(n)] == ["aiinfra.catalog", "aiinfra.spec.model"]


GUARDED = """
import hashlib, importlib.abc, json, pickle, sys

FORBID = json.loads(sys.argv[2]) if len(sys.argv) > 2 else ["aiinfra.spec", "aiinfra.catalog"]

def forbidden(name):
    return any(name == f or name.startswith(f + ".") for f in FORBID)

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if forbidden(name):
            raise ImportError(f"a renderer imported {name}")
        return None

sys.meta_path.insert(0, Refuse())
design = pickle.load(open(sys.argv[1], "rb"))
from aiinfra.render.platforms import platform_files
files = platform_files(design)
assert not [m for m in sys.modules if forbidden(m)]
print(json.dumps({k: hashlib.sha256(v.encode()).hexdigest() for k, v in files.items()}, sort_keys=True))
"""


@pytest.mark.parametrize("name", ["lab", "superpod-4su", "vsphere-inference", "ahv-inference"])
def test_platform_files_need_nothing_but_the_design(tmp_path: Path, name: str) -> None:
    from aiinfra.render.platforms import platform_files

    design = example_result(name).design
    expected = {k: hashlib.sha256(v.encode()).hexdigest() for k, v in platform_files(design).items()}
    # the bill of materials is the one Design field whose class lives beside catalog code; no renderer reads it
    (tmp_path / "design.pickle").write_bytes(pickle.dumps(dataclasses.replace(design, bom=[])))
    run = subprocess.run(
        [sys.executable, "-c", GUARDED, str(tmp_path / "design.pickle")],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == expected


def test_every_platform_type_has_a_driver() -> None:
    """The spec's ``platform.type`` choices and the driver folders cannot drift apart."""
    from typing import get_args

    from aiinfra.platforms import driver, names
    from aiinfra.spec.platform import Platform

    union = get_args(Platform)[0]
    types = {get_args(model.model_fields["type"].annotation)[0] for model in get_args(union)}
    assert set(names()) == types
    assert all(driver(n).name == n for n in names())


# Validate-side modules of the OS drivers: they read the spec (or build the capability table's
# pydantic model from the spec's text types); everything else under aiinfra/nos renders.
VALIDATE_SIDE = {"__init__.py", "base.py", "capabilities.py", "checks.py"}


def test_no_os_driver_renderer_imports_spec_or_catalog() -> None:
    """Each driver's renderer, units and templates code reads the Design alone (issue 10)."""
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
        for path in sorted((PACKAGE / "nos").rglob("*.py"))
        if not (path.name in VALIDATE_SIDE and path.parent.name in ("nos", *nos.names()))
        for line, name in _imports(ast.parse(path.read_text(), str(path)))
        if _forbidden(name)
    ]
    assert found == []
    checked = [p for p in (PACKAGE / "nos").rglob("*.py") if p.name not in VALIDATE_SIDE]
    assert len(checked) > 30  # every driver's render, units and parser modules are in the scan


WHOLE_RENDER = GUARDED.replace(
    "from aiinfra.render.platforms import platform_files\nfiles = platform_files(design)",
    "from aiinfra.render.pipeline import render_outputs\n"
    "files = {k: v.decode() for k, v in render_outputs(design).files.items()}",
)
# The drivers load their own capability tables (aiinfra/nos/<os>/capabilities.yaml) with the
# spec's typed YAML loader, so what must stay out of reach is the spec model and the catalog.
SPEC_MODEL_AND_CATALOG = json.dumps(["aiinfra.spec.model", "aiinfra.catalog"])


@pytest.mark.parametrize("name", ["lab", "srlinux-2su"])
def test_the_whole_render_needs_nothing_but_the_design(tmp_path: Path, name: str) -> None:
    """Every file `render` writes (switch configs of every OS, inventory, reports, design.json,
    platform files) from an unpickled Design, in an interpreter that cannot import the spec or
    the catalog: the same bytes as a normal render."""
    from aiinfra.render.pipeline import render_outputs

    design = example_result(name).design
    expected = {k: hashlib.sha256(v).hexdigest() for k, v in render_outputs(design).files.items()}
    (tmp_path / "design.pickle").write_bytes(pickle.dumps(design))
    run = subprocess.run(
        [sys.executable, "-c", WHOLE_RENDER, str(tmp_path / "design.pickle"), SPEC_MODEL_AND_CATALOG],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == expected

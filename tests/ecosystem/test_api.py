"""The public Python API: aiinfra.load, aiinfra.design, aiinfra.render."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import aiinfra
from aiinfra.design.model import Design
from tests.conftest import ROOT, example, lab_data, write_spec

LAB = ROOT / "inventories" / "lab" / "cluster.yaml"


def test_all_names_the_api() -> None:
    assert set(aiinfra.__all__) == {"SpecError", "__version__", "design", "load", "render"}
    assert all(callable(getattr(aiinfra, n)) for n in ("load", "design", "render"))
    assert (ROOT / "aiinfra" / "py.typed").is_file()


@pytest.mark.slow
def test_load_design_render_match_the_command_line() -> None:
    loaded = aiinfra.load(LAB)
    design = aiinfra.design(loaded)
    assert isinstance(design, Design)
    assert design.devices.keys() == example("lab").design.devices.keys()
    assert aiinfra.design(str(LAB)).links == design.links  # a path works too
    files = aiinfra.render(design)
    assert "MANIFEST.sha256" in files and "lab/lab.clab.yml" in files
    assert all(isinstance(v, bytes) for v in files.values())


def test_a_bad_spec_raises_positioned_diagnostics(tmp_path: Path) -> None:
    data = lab_data()
    data["fabrics"]["backend"]["roce"]["priority"] = 9
    with pytest.raises(aiinfra.SpecError) as err:
        aiinfra.design(write_spec(tmp_path, data))
    (d,) = [d for d in err.value.diagnostics if d.path == "fabrics.backend.roce.priority"]
    assert d.line > 0


@pytest.mark.slow
def test_the_stage_packages_stay_importable_after_the_api_is_used() -> None:
    """aiinfra.design is both the API function and the package: either import order works."""
    code = (
        "import aiinfra.design.model as m, aiinfra.render.artefacts, aiinfra; "
        "d = aiinfra.design('inventories/lab/cluster.yaml'); assert isinstance(d, m.Design); "
        "from aiinfra import design; assert design is aiinfra.design; print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "ok", done.stderr

"""``aiinfra probe`` on a machine without torch, and a probe file entering a spec's sizing.

The GPU side ran on a real H200 through the device tool (docs/sizing.md records it); CI has
no GPU and no torch, so these tests cover what must hold there: a clean refusal, and the
file format feeding ``aiinfra size`` from ``workloads.calibration``.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from aiinfra.catalog import Catalog
from aiinfra.cli import main
from aiinfra.probe.bench import Shape
from aiinfra.sizing.calibration import read_calibration_file, write_calibration_file
from aiinfra.sizing.hardware import load_calibration
from aiinfra.sizing.models import resolve_model
from tests.sizing.specs import CHAT_2000, lab_with

PROBE = Path(__file__).parents[2] / "docs" / "probe" / "h200-llama-3.1-8b.json"


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="torch is installed here")
def test_probe_without_torch_says_how_to_install_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", "--gpu", "h200"]) == 2
    err = capsys.readouterr().err
    assert "aiinfra[probe]" in err and "Traceback" not in err


def test_probe_refuses_models_its_stack_cannot_copy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", "--gpu", "h200", "--model", "mixtral-8x7b"]) == 2
    assert "dense" in capsys.readouterr().err
    assert main(["probe", "--gpu", "h200", "--model", "llama-9"]) == 2


@pytest.mark.parametrize("bad", [["--layers", "0"], ["--prompts", "128", "0"], ["--context", "-1"]])
def test_probe_refuses_non_positive_shapes_before_importing_torch(
    capsys: pytest.CaptureFixture[str], bad: list[str]
) -> None:
    """--layers 0 read as "every layer that fits" (``args.layers or ...``), not as a mistake."""
    assert main(["probe", "--gpu", "h200", *bad]) == 2
    assert "must be positive" in capsys.readouterr().err


def test_stack_parameters_match_the_catalog_model() -> None:
    """The stack (layers + LM head) is the model minus its embedding table."""
    arch = resolve_model("llama-3.1-8b")
    shape = Shape(
        arch.layers, arch.d_model, arch.ffn_dim, arch.n_heads, arch.n_kv_heads, arch.head_dim, arch.vocab_size
    )
    assert shape.params + arch.vocab_size * arch.d_model == pytest.approx(arch.params_total, rel=1e-3)
    assert read_calibration_file(PROBE).decoder.params == shape.params  # type: ignore[union-attr]


def test_spec_workloads_calibration_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = read_calibration_file(PROBE).model_copy(update={"gpu": "h100"})  # the lab has DGX H100 nodes
    write_calibration_file(tmp_path / "node.json", data)
    spec = lab_with(tmp_path, CHAT_2000 + "  calibration: node.json\n")
    assert main(["size", str(spec), "--format", "json"]) == 0
    a = json.loads(capsys.readouterr().out)["workloads"][0]["assumptions"]
    assert "node.json (h100)" in a["calibration"]
    fitted = load_calibration(Catalog.with_additions(None), tmp_path / "node.json").factors
    assert a["decode_bandwidth_efficiency"] == fitted["decode_bandwidth_efficiency"] != 0.80  # not the default


def test_a_missing_spec_calibration_is_a_positioned_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = lab_with(tmp_path, CHAT_2000 + "  calibration: nowhere.json\n")
    assert main(["size", str(spec)]) == 2
    err = capsys.readouterr().err
    assert f"{spec}:" in err and "workloads.calibration" in err and "cannot read" in err
    assert "Traceback" not in err

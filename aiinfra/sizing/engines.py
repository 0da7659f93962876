"""The engine settings one workload runs with: defaults, then the engine preset, the GPU family's
derate, a calibration file, and last whatever the spec set explicitly.

Why this order: a preset is the engine's documented defaults; the family derate says how far a
non-H100 GPU falls short of the H100 the defaults were calibrated on; a calibration file is a
measurement on the user's own node and so replaces both; and a factor the user wrote down is a
decision, which nothing overrides.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from aiinfra.sizing.hardware import Hardware
from aiinfra.spec.workloads import EngineEfficiency, ModelArchitecture

DATA = Path(__file__).parent / "data" / "engines.yaml"
COMPUTE_FACTORS = ("decode_compute_efficiency", "prefill_compute_efficiency")
# Overheads that scale with the model: kernel launches (and, under TP, collectives, which the
# comm model charges separately) grow with the layer count. Fitted on sizing.md 4.3 (TRT-LLM 70B
# TP4 26 ms TTFT at 128 tokens; NIM 70B TP2 18.6 ms ITL), see docs/sizing.md.
TTFT_BASE_MS, TTFT_PER_LAYER_MS = 5.0, 0.15
STEP_BASE_MS, STEP_PER_LAYER_MS = 0.5, 0.02


@cache
def _data() -> dict[str, Any]:
    doc = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def engine_names() -> tuple[str, ...]:
    return tuple(sorted(_data()["engines"]))


def compute_derate(hw: Hardware) -> tuple[float, str]:
    """(factor on the compute efficiencies, its source) for the node's GPU."""
    data = _data()
    entry = data["gpus"].get(hw.gpu_key) or data["families"][hw.gpu.family]
    return float(entry["compute"]), str(entry["source"])


@dataclass(frozen=True)
class ResolvedEngine:
    engine: EngineEfficiency
    origin: dict[str, str]  # field -> "default" | "preset" | "family" | "calibration" | "spec" | "scaled"


def resolve_engine(
    spec: EngineEfficiency, hw: Hardware, arch: ModelArchitecture, precision: str = "bf16"
) -> ResolvedEngine:
    values: dict[str, Any] = spec.model_dump()
    explicit = spec.model_fields_set - {"preset"}
    origin = {k: "default" for k in values}
    if spec.preset is not None:
        for k, v in _data()["engines"][spec.preset]["settings"].items():
            values[k], origin[k] = v, "preset"
    derate, _ = compute_derate(hw)
    if derate != 1.0:
        for k in COMPUTE_FACTORS:
            values[k], origin[k] = min(1.0, values[k] * derate), "family"
    if hw.calibration is not None:
        for k, v in hw.calibration.factors_for(precision).items():
            values[k], origin[k] = v, "calibration"
    for k in explicit:
        values[k], origin[k] = getattr(spec, k), "spec"
    if values["ttft_overhead_ms"] is None:
        values["ttft_overhead_ms"], origin["ttft_overhead_ms"] = (
            TTFT_BASE_MS + TTFT_PER_LAYER_MS * arch.layers,
            "scaled",
        )
    if values["step_overhead_ms"] is None:
        values["step_overhead_ms"], origin["step_overhead_ms"] = (
            STEP_BASE_MS + STEP_PER_LAYER_MS * arch.layers,
            "scaled",
        )
    return ResolvedEngine(EngineEfficiency.model_validate(values), origin)

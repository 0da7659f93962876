"""Calibration files: what ``aiinfra probe`` measured on a real GPU, and how it enters the model.

The file is torch-free JSON so that ``aiinfra size`` (which never imports torch) can read it.
It holds raw measurements only; the factors the model uses are *fitted here*, with the
model's own formulas, so the fit and the prediction can never disagree about what a
decode step or a prefill costs:

* ``decode`` rows (batch, context, seconds) of a decoder stack shaped like a catalog model
  fit ``decode_bandwidth_efficiency``, ``decode_compute_efficiency`` and the per-step
  overhead of ``t = hypot(bytes / (peak_bw x e_bw), flops / (peak_flops x e_c)) + c``;
* ``prefill`` rows (tokens, seconds) fit ``prefill_compute_efficiency`` from the slope of
  time over FLOPs (the intercept is kernel launch cost, not the engine's per-request cost);
* ``collectives`` rows (nccl-tests style) fit bus bandwidth and latency per message-size
  regime (:mod:`aiinfra.sizing.collectives`).

A calibrated factor replaces the engine preset's derated one; a factor the user set
explicitly in the spec still wins.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from aiinfra.sizing.collectives import CollectiveFit, CollectiveRow, fit_collectives
from aiinfra.sizing.errors import SizingError
from aiinfra.spec.base import Strict
from aiinfra.spec.text import FreeText

FORMAT = "aiinfra-calibration/1"
MeasuredFlops = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class DecodeRow(Strict):
    batch: int = Field(ge=1, le=1_000_000)
    context: int = Field(ge=1, le=10_000_000, description="Tokens of KV each sequence attends to.")
    seconds: float = Field(gt=0, le=3600)


class PrefillRow(Strict):
    tokens: int = Field(ge=1, le=10_000_000)
    seconds: float = Field(gt=0, le=3600)


class DecoderStack(Strict):
    """A stack of ``layers`` decoder layers of ``model`` plus its LM head, random weights."""

    model: FreeText = Field(description="Catalog model whose shapes the stack copies.")
    layers: int = Field(ge=1, le=1000)
    dtype: Literal["bf16", "fp8"] = "bf16"
    cuda_graphs: bool = True
    params: int = Field(ge=1, description="Parameters in the stack (layers + LM head).")
    prefill: list[PrefillRow] = Field(default_factory=list, max_length=64)
    decode: list[DecodeRow] = Field(default_factory=list, max_length=64)


class CalibrationFile(Strict):
    """The on-disk format ``aiinfra probe`` writes."""

    format: Literal["aiinfra-calibration/1"] = "aiinfra-calibration/1"
    gpu: FreeText = Field(description="Catalog GPU key this file calibrates, e.g. h200.")
    device: FreeText = Field(default="", description="Device name as the driver reports it.")
    environment: dict[str, FreeText] = Field(default_factory=dict, max_length=64)
    hbm_copy_bytes_per_s: float | None = Field(
        default=None, gt=0, allow_inf_nan=False, description="Read + written bytes per second."
    )
    # Positive and finite: each is divided by (and divides) the catalog peak, so a zero or an
    # ``Infinity`` (which Python's JSON reader accepts) would crash or silently switch a factor off.
    gemm_flops: dict[Literal["bf16", "fp8"], MeasuredFlops] = Field(default_factory=dict)
    decoder: DecoderStack | None = None
    collectives: list[CollectiveRow] = Field(default_factory=list, max_length=10_000)


@dataclass(frozen=True)
class Calibration:
    """The factors fitted from one file, for one GPU."""

    path: str
    gpu: str
    factors: dict[str, float]
    hbm_copy_efficiency: float | None
    gemm_efficiency: dict[str, float]
    collectives: CollectiveFit | None
    raw: CalibrationFile

    def factors_for(self, precision: str) -> dict[str, float]:
        """The fitted factors for a workload whose matmuls run at ``precision``.

        The decoder stack runs BF16; an FP8 (or INT8/FP4) workload's compute factors are scaled
        by the measured FP8/BF16 GEMM efficiency ratio, since its peak is the FP8 one.
        """
        out = dict(self.factors)
        ratio = self.gemm_efficiency.get("fp8", 0) / self.gemm_efficiency.get("bf16", 1)
        if precision in ("fp8", "int8", "fp4") and ratio > 0:
            for k in ("decode_compute_efficiency", "prefill_compute_efficiency"):
                if k in out:
                    out[k] = min(1.0, out[k] * ratio)
        return out

    def describe(self) -> str:
        parts = [f"{k}={v:.3g}" for k, v in sorted(self.factors.items())]
        if self.collectives is not None:
            parts.append(f"collectives: {self.collectives.describe()}")
        return f"{self.path} ({self.gpu}): " + (", ".join(parts) or "no factors")


def read_calibration_file(path: Path) -> CalibrationFile:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise SizingError(f"{path}: cannot read the calibration file ({e.strerror})") from None
    except json.JSONDecodeError as e:
        raise SizingError(f"{path}:{e.lineno}: not JSON ({e.msg})") from None
    try:
        return CalibrationFile.model_validate(doc)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SizingError(f"{path}: {where}: {first['msg']} ({len(e.errors())} problem(s))") from None


def write_calibration_file(path: Path, data: CalibrationFile) -> None:
    text = json.dumps(data.model_dump(mode="json", exclude_none=True), indent=1, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- fitting


def _stack_arch_flops(model: str, layers: int) -> tuple[float, float, float]:
    """(attention FLOPs per query-context pair per layer, KV bytes per token per layer at BF16,
    d_model) of the stack's model. Imported late: the catalog validates with spec classes."""
    from aiinfra.sizing.memory import kv_bytes_per_token_per_layer
    from aiinfra.sizing.models import resolve_model
    from aiinfra.sizing.replica import attention_flops_per_pair

    arch = resolve_model(model)
    return attention_flops_per_pair(arch, decode=False), kv_bytes_per_token_per_layer(arch, "bf16"), arch.d_model


def fit_decode(stack: DecoderStack, peak_bw: float, peak_flops: float) -> dict[str, float]:
    """Grid fit of the model's decode-step formula to the measured rows (relative error)."""
    if len(stack.decode) < 2:
        return {}
    attn_pair, kv_token_layer, _ = _stack_arch_flops(stack.model, stack.layers)
    weight_bytes = stack.params * (2 if stack.dtype == "bf16" else 1)
    rows = []
    for r in stack.decode:
        mem = weight_bytes + r.batch * r.context * kv_token_layer * stack.layers
        flops = r.batch * (2 * stack.params + attn_pair * stack.layers * r.context)
        rows.append((mem / peak_bw, flops / peak_flops, r.seconds))
    best: tuple[float, float, float, float] | None = None
    for i in range(20, 101):
        e_bw = i / 100
        for j in range(5, 101):
            e_c = j / 100
            core = [math.hypot(m / e_bw, c / e_c) for m, c, _ in rows]
            overhead = max(0.0, min(t - k for k, (_, _, t) in zip(core, rows, strict=True)))
            err = sum(((k + overhead) / t - 1) ** 2 for k, (_, _, t) in zip(core, rows, strict=True))
            if best is None or err < best[0]:
                best = (err, e_bw, e_c, overhead)
    assert best is not None
    _, e_bw, e_c, overhead = best
    return {
        "decode_bandwidth_efficiency": e_bw,
        "decode_compute_efficiency": e_c,
        "step_overhead_ms": overhead * 1000,
    }


def fit_prefill(stack: DecoderStack, peak_flops: float) -> dict[str, float]:
    """Least-squares slope of seconds over FLOPs: the achieved FLOP/s at long prompts."""
    if len(stack.prefill) < 2:
        return {}
    attn_pair, _, _ = _stack_arch_flops(stack.model, stack.layers)
    xs = [r.tokens * (2 * stack.params + attn_pair * stack.layers * r.tokens / 2) for r in stack.prefill]
    ys = [r.seconds for r in stack.prefill]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    if var <= 0:
        return {}
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var
    if slope <= 0:
        return {}
    return {"prefill_compute_efficiency": min(1.0, 1 / (slope * peak_flops))}


def calibration_from_file(path: Path, gpu_peaks: dict[str, tuple[float, float, float, float]]) -> Calibration:
    """Fit a file against its GPU's catalog peaks: ``gpu_peaks[key] = (hbm B/s, bf16 FLOP/s, fp8
    FLOP/s, one-way scale-up B/s)``. The file must name a GPU the catalog knows."""
    data = read_calibration_file(path)
    if data.gpu not in gpu_peaks:
        raise SizingError(f"{path}: gpu {data.gpu!r} is not in the catalog; known: {', '.join(sorted(gpu_peaks))}")
    hbm, bf16, fp8, scale_up = gpu_peaks[data.gpu]
    factors: dict[str, float] = {}
    if data.decoder is not None:
        peak = bf16 if data.decoder.dtype == "bf16" else fp8
        factors.update(fit_decode(data.decoder, hbm, peak))
        factors.update(fit_prefill(data.decoder, peak))
    gemm = {str(p): f / (bf16 if p == "bf16" else fp8) for p, f in data.gemm_flops.items()}
    copy = data.hbm_copy_bytes_per_s / hbm if data.hbm_copy_bytes_per_s else None
    fit = fit_collectives(data.collectives, scale_up) if data.collectives else None
    return Calibration(str(path), data.gpu, factors, copy, gemm, fit, data)

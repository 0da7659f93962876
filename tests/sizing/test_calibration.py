"""Reproduce every H100 measurement in shared/reference/sizing.md section 4 within a stated tolerance.

Tolerance: +-25 % on throughput and latency (the issue's bar; the model is calibrated to
stay within about +-22 % of all of them, see docs/sizing.md). Each case names its source.

Engine settings for the TensorRT-LLM/NIM cases follow how those numbers were measured:
``trtllm-bench`` sets ``kv_cache_free_gpu_mem_fraction`` 0.95 of the memory free after
weights (``kv_budget='free'``), CUDA-graph batch sizes up to 8,192, and NVIDIA's ModelOpt
FP8 checkpoints carry ``kv_cache_quant_algo: FP8`` (FP8 KV). The efficiency factors
themselves are the defaults.
"""

from __future__ import annotations

import pytest

from aiinfra.sizing.batching import OperatingPoint, operating_point, operating_point_at_rate
from aiinfra.sizing.hardware import Hardware
from aiinfra.sizing.models import resolve_model
from aiinfra.sizing.replica import ServingSetup, plan_replica
from aiinfra.sizing.training import INTERRUPTIONS_PER_GPU_HOUR, size_training, training_flops
from aiinfra.spec.workloads import EngineEfficiency, TokenLength, TrainingWorkload

TOLERANCE = 0.25
TRTLLM = EngineEfficiency(kv_budget="free", gpu_memory_utilization=0.95, max_batch_size=8192)


def _point(hw: Hardware, model: str, tp: int, isl: int, osl: int, concurrency: int | None = None) -> OperatingPoint:
    setup = ServingSetup(resolve_model(model), hw, "fp8", "fp8", TRTLLM, TokenLength(mean=isl), TokenLength(mean=osl))
    plan = plan_replica(setup, tp)
    return operating_point(setup, plan, concurrency or plan.max_sequences)


def _within(predicted: float, measured: float, tolerance: float = TOLERANCE) -> None:
    assert predicted == pytest.approx(measured, rel=tolerance), f"predicted {predicted:,.1f}, measured {measured:,.1f}"


# sizing.md 4.2: NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md, H100 SXM 80GB, FP8,
# total output tokens/s of the TP group at maximum load.
TRTLLM_THROUGHPUT = [
    ("llama-3.1-8b", 1, 128, 2048, 22_714),
    ("llama-3.1-8b", 1, 1000, 1000, 15_220),
    ("llama-3.1-8b", 1, 2048, 2048, 9_305),
    ("llama-3.1-8b", 1, 20000, 2000, 1_351),
    ("llama-3.1-70b", 2, 128, 2048, 6_651),  # measured on Llama-3.3-70B: same architecture
    ("llama-3.1-70b", 2, 1000, 1000, 4_205),
    ("llama-3.1-70b", 2, 2048, 2048, 3_082),
    ("llama-3.1-70b", 2, 5000, 500, 898),
    ("llama-3.1-405b", 8, 1000, 1000, 2_919),
    ("llama-3.1-405b", 8, 2048, 2048, 2_296),
]


@pytest.mark.parametrize(
    ("model", "tp", "isl", "osl", "measured"),
    TRTLLM_THROUGHPUT,
    ids=[f"{m}-tp{t}-{i}/{o}" for m, t, i, o, _ in TRTLLM_THROUGHPUT],
)
def test_trtllm_max_throughput(h100: Hardware, model: str, tp: int, isl: int, osl: int, measured: float) -> None:
    _within(_point(h100, model, tp, isl, osl).output_tokens_per_s, measured)


@pytest.mark.parametrize(
    ("model", "tp", "batch", "measured_per_gpu"),
    [("llama-3.1-70b", 2, 1024, 2_657), ("llama-2-7b", 1, 768, 19_694)],
    ids=["llama-70b-tp2-bs1024", "llama-7b-bs768"],
)
def test_trtllm_v061_fixed_batch_128_in_128_out(
    h100: Hardware, model: str, tp: int, batch: int, measured_per_gpu: float
) -> None:
    """sizing.md 4.2: TRT-LLM v0.6.1 docs/source/performance.md, output tok/s per GPU, FP8 (LLaMA-70B
    has Llama-2/3 70B shapes; LLaMA-7B the Llama-2-7B shapes)."""
    _within(_point(h100, model, tp, 128, 128, batch).output_tokens_per_s / tp, measured_per_gpu)


@pytest.mark.parametrize(
    ("isl", "osl", "ttft_ms", "itl_ms"),
    [(5000, 500, 406.8, 18.58), (500, 2000, 47.8, 18.91)],
    ids=["5000/500", "500/2000"],
)
def test_nim_single_user_latency(h100: Hardware, isl: int, osl: int, ttft_ms: float, itl_ms: float) -> None:
    """sizing.md 4.3: NIM 1.8 benchmarking page, Llama-3.3-70B FP8 on 2 x H100 (TP2), concurrency 1."""
    p = _point(h100, "llama-3.1-70b", 2, isl, osl, 1)
    _within(p.ttft_s * 1000, ttft_ms)
    _within(p.itl_s * 1000, itl_ms)


@pytest.mark.parametrize(
    ("concurrency", "ttft_ms", "itl_ms"), [(50, 830, 59.7), (100, 8000, 92.9)], ids=["conc50", "conc100"]
)
def test_nim_throughput_knee(h100: Hardware, concurrency: int, ttft_ms: float, itl_ms: float) -> None:
    """sizing.md 4.3: the same NIM page, 5000/500 under load: TTFT 0.83 s at 50 users, 8.0 s at 100."""
    p = _point(h100, "llama-3.1-70b", 2, 5000, 500, concurrency)
    _within(p.ttft_s * 1000, ttft_ms)
    _within(p.itl_s * 1000, itl_ms)


def test_nim_saturation_throughput(h100: Hardware) -> None:
    """sizing.md 4.3: saturation about 920 output tok/s for 5000/500 on 2 x H100."""
    _within(_point(h100, "llama-3.1-70b", 2, 5000, 500).output_tokens_per_s, 920)


@pytest.mark.parametrize(
    ("model", "tp", "isl", "ttft_ms"),
    [("llama-3.1-70b", 4, 128, 26), ("llama-3.1-70b", 4, 2048, 109), ("llama-2-7b", 1, 2048, 36)],
    ids=["70b-tp4-128", "70b-tp4-2048", "7b-tp1-2048"],
)
def test_trtllm_batch1_ttft(h100: Hardware, model: str, tp: int, isl: int, ttft_ms: float) -> None:
    """sizing.md 4.3: TRT-LLM v0.5 docs/source/performance.md "Low Latency", FP8, batch 1."""
    _within(_point(h100, model, tp, isl, 1, 1).ttft_s * 1000, ttft_ms)


def test_mlperf_llama2_70b_offline_is_inside_the_modelled_range(h100: Hardware) -> None:
    """sizing.md 4.1: MLPerf v4.0 offline, 8 x H100 FP8, 21,805.8 tok/s, ~292 output tokens.

    The reference does not give the mean prompt length of the MLPerf OpenOrca set, only its
    bound (inputs under 1,024 tokens, mlcommons processorca.py). So this is a bracket, not a
    point: four TP2 replicas must cover the measurement within +-25 % somewhere between a
    100-token and a 1,023-token mean prompt.
    """
    measured = 21_805.8
    short = 4 * _point(h100, "llama-2-70b", 2, 100, 292).output_tokens_per_s
    long = 4 * _point(h100, "llama-2-70b", 2, 1023, 292).output_tokens_per_s
    assert long * (1 - TOLERANCE) <= measured <= short * (1 + TOLERANCE)


def test_mlperf_llama2_70b_server_ttft_under_load(h100: Hardware) -> None:
    """sizing.md 4.1: MLPerf v4.0 server, 8 x H100 FP8, 20,556.4 tok/s with Poisson arrivals,
    mean TTFT 382 ms and mean TPOT 137 ms (~292 output tokens).

    The reference gives no mean prompt length for the OpenOrca set (only its bound, < 1,024), so
    one unknown is fitted: the prompt length (in 100..1,023) at which four TP2 replicas at the
    measured rate show the measured TPOT. TTFT, the quantity the batching model exists for, is
    then a prediction and must land within +-25 %.
    """
    rate = 20_556.4 / 4 / 292

    def point(isl: int) -> OperatingPoint | None:
        setup = ServingSetup(
            resolve_model("llama-2-70b"), h100, "fp8", "fp8", TRTLLM, TokenLength(mean=isl), TokenLength(mean=292)
        )
        return operating_point_at_rate(setup, plan_replica(setup, 2), rate)

    lo, hi = 100, 1023
    assert (p := point(lo)) is not None and p.itl_s < 0.137  # short prompts: faster than measured
    while hi - lo > 1:
        mid = (lo + hi) // 2
        p = point(mid)
        if p is not None and p.itl_s < 0.137:
            lo = mid
        else:
            hi = mid
    fitted = point(lo)
    assert fitted is not None
    _within(fitted.itl_s * 1000, 137, 0.05)  # the fit itself
    _within(fitted.ttft_s * 1000, 382)
    assert fitted.ttft_p99_s > fitted.ttft_s and fitted.itl_p99_s >= fitted.itl_s


# --------------------------------------------------------------------------- training


def _train(hw: Hardware, **kw: object) -> TrainingWorkload:
    return TrainingWorkload.model_validate({"name": "t", **kw})


def test_llama3_405b_compute_and_gpu_hours(h100: Hardware) -> None:
    """sizing.md 4.4: 3.8e25 FLOPs for 15.6 T tokens; 30.84 M H100 GPU-hours (model card) on up
    to 16,384 GPUs. Defaults: MFU 0.40 BF16, goodput 0.90."""
    assert training_flops(resolve_model("llama-3.1-405b"), 15_600_000_000_000) == pytest.approx(3.8e25, rel=0.01)
    t = size_training(_train(h100, model="llama-3.1-405b", tokens="15.6T", gpus=16_384), h100)
    _within(t.gpu_hours, 30.84e6)


def test_deepseek_v3_gpu_hours_use_active_parameters(h100: Hardware) -> None:
    """sizing.md 4.4: 14.8 T tokens in 2.788 M H800 GPU-hours on 2,048 GPUs. The H800 has the
    H100's dense BF16 peak (989 TFLOP/s, as the reference's own utilisation figure assumes)."""
    t = size_training(_train(h100, model="deepseek-v3", tokens="14.8T", gpus=2048), h100)
    _within(t.gpu_hours, 2.788e6)
    ds = resolve_model("deepseek-v3")
    assert t.total_flops == 6 * ds.params_active * 14_800_000_000_000  # total params would be 18x


@pytest.mark.parametrize(
    ("model", "gpus", "tp", "pp", "tokens_per_s_per_gpu"),
    [("llama-3.1-8b", 8, 1, 1, 14_451), ("llama-3.1-70b", 64, 4, 8, 1_602), ("llama-3.1-405b", 1024, 8, 8, 292)],
    ids=["8b", "70b", "405b"],
)
def test_megatron_bridge_fp8_training_throughput(
    h100: Hardware, model: str, gpus: int, tp: int, pp: int, tokens_per_s_per_gpu: float
) -> None:
    """sizing.md 4.4: NeMo Megatron-Bridge on DGX H100, FP8, steady state (goodput 1): the FP8
    default MFU of 0.36 must give each measured tokens/s/GPU."""
    tokens = 10**12
    t = size_training(
        _train(
            h100,
            model=model,
            tokens=tokens,
            gpus=gpus,
            precision="fp8",
            goodput=1.0,
            parallelism={"tensor": tp, "pipeline": pp},
        ),
        h100,
    )
    _within(tokens / (t.days * 86_400) / gpus, tokens_per_s_per_gpu)


def test_llama3_interruption_rate(h100: Hardware) -> None:
    """sizing.md 4.4: 419 unexpected interruptions in 54 days on 16,384 GPUs."""
    expected = INTERRUPTIONS_PER_GPU_HOUR * 16_384 * 54 * 24
    assert expected == pytest.approx(419)
    t = size_training(_train(h100, model="llama-3.1-405b", tokens="15.6T", gpus=16_384), h100)
    assert t.hours_between_interruptions == pytest.approx(3.1, rel=0.02)  # "~1 per 3 h"

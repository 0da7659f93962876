"""Fleet sizing behaviour: Little's law, SLOs, replica shapes, MoE, MLA and prefix caching."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.sizing.batching import operating_point
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import Hardware
from aiinfra.sizing.inference import size_inference
from aiinfra.sizing.models import resolve_model
from aiinfra.sizing.replica import ServingSetup, decode_step_s, plan_replica
from aiinfra.spec.workloads import EngineEfficiency, InferenceWorkload, ModelArchitecture, TokenLength


def _workload(**kw: Any) -> InferenceWorkload:
    data: dict[str, Any] = {
        "name": "w",
        "model": "llama-3.1-70b",
        "precision": {"weights": "fp8", "kv_cache": "fp8"},
        "tokens": {"profile": "chat"},
        "load": {"concurrent_users": 2000},
        "slo": {"ttft_ms": 1000, "itl_ms": 50},
    }
    data.update(kw)
    return InferenceWorkload.model_validate(data)


def test_issue_example_needs_about_96_gpus(h100: Hardware) -> None:
    s = size_inference(_workload(), h100)
    assert s.feasible
    assert 64 < s.gpus <= 128
    assert s.chosen is not None and s.chosen.at_slo is not None
    assert s.chosen.at_slo.ttft_s <= 1.0
    assert s.chosen.at_slo.itl_s <= 0.050


def test_more_users_never_need_fewer_gpus(h100: Hardware) -> None:
    sizes = [size_inference(_workload(load={"concurrent_users": n}), h100).gpus for n in (100, 500, 2000, 8000)]
    assert sizes == sorted(sizes)
    assert sizes[-1] > sizes[0]


@settings(max_examples=15, deadline=None)
@given(ttft=st.sampled_from([150, 300, 1000, 5000]), itl=st.sampled_from([20, 30, 50, 100, 200]))
def test_tighter_targets_never_need_fewer_gpus(h100: Hardware, ttft: int, itl: int) -> None:
    loose = size_inference(_workload(slo={"ttft_ms": ttft * 2, "itl_ms": itl * 2}), h100)
    tight = size_inference(_workload(slo={"ttft_ms": ttft, "itl_ms": itl}), h100)
    if tight.feasible:
        assert loose.feasible and tight.gpus >= loose.gpus


def test_rate_and_users_agree_through_littles_law(h100: Hardware) -> None:
    by_users = size_inference(_workload(), h100)
    point = by_users.chosen.at_slo  # type: ignore[union-attr]
    assert point is not None
    rate = 2000 / point.e2e_s  # the same average load, as an open-loop rate
    by_rate = size_inference(_workload(load={"requests_per_s": rate}), h100)
    assert by_rate.gpus == pytest.approx(by_users.gpus, rel=0.15)


def test_think_time_reduces_requests_in_flight(h100: Hardware) -> None:
    busy = size_inference(_workload(), h100)
    reading = size_inference(_workload(load={"concurrent_users": 2000, "think_time_s": 30}), h100)
    assert reading.peak_concurrency is not None and busy.peak_concurrency is not None
    assert reading.peak_concurrency < busy.peak_concurrency
    assert reading.gpus < busy.gpus


def test_chatbot_peak_to_average_scales_the_fleet(h100: Hardware) -> None:
    steady = size_inference(_workload(pattern={"kind": "chatbot", "peak_to_average": 1}), h100)
    bursty = size_inference(_workload(pattern={"kind": "chatbot", "peak_to_average": 3}), h100)
    assert bursty.gpus >= 2.5 * steady.gpus


def test_deepseek_v3_fp8_spans_two_h100_nodes_but_fits_one_h200_node(h100: Hardware, h200: Hardware) -> None:
    w = _workload(model="deepseek-v3", load={"concurrent_users": 64}, slo={"ttft_ms": 3000})
    on_h100 = size_inference(w, h100)
    assert on_h100.minimal.pipeline_parallel == 2 and on_h100.minimal.gpus == 16
    on_h200 = size_inference(w, h200)
    assert on_h200.minimal.pipeline_parallel == 1 and on_h200.minimal.gpus <= 8


def test_minimal_tensor_parallel_is_the_smallest_that_holds_weights_and_a_tail_sequence(h100: Hardware) -> None:
    s = size_inference(_workload(precision={"weights": "bf16", "kv_cache": "bf16"}), h100)
    assert s.minimal.tensor_parallel == 4  # 141 GB of BF16 weights: 2 x 80 GB leaves no KV room
    s8 = size_inference(_workload(model="llama-3.1-8b"), h100)
    assert s8.minimal.tensor_parallel == 1


def test_moe_decode_reads_only_the_experts_in_use(h100: Hardware) -> None:
    mixtral = resolve_model("mixtral-8x7b")
    as_dense = ModelArchitecture.model_validate(
        {**mixtral.model_dump(exclude={"moe", "params_active"}), "name": "dense 46.7B"}
    )
    e = EngineEfficiency()

    def step(arch: ModelArchitecture, batch: int) -> float:
        setup = ServingSetup(arch, h100, "bf16", "bf16", e, TokenLength(mean=500), TokenLength(mean=200))
        return decode_step_s(setup, plan_replica(setup, 2), batch)

    assert step(mixtral, 1) < 0.5 * step(as_dense, 1)  # 2 of 8 experts per token
    assert step(mixtral, 1) < step(mixtral, 256)  # a big batch touches every expert


def test_mla_kv_is_replicated_across_tensor_parallel_ranks(h200: Hardware) -> None:
    e = EngineEfficiency()
    tokens = (TokenLength(mean=1000), TokenLength(mean=100))
    ds = ServingSetup(resolve_model("deepseek-v3"), h200, "fp8", "bf16", e, *tokens)
    plan = plan_replica(ds, 8)
    per_gpu_token = 61 * 576 * 2  # the whole latent on every GPU
    assert plan.kv_capacity_tokens == int(plan.kv_pool_per_gpu_bytes // per_gpu_token)


def test_prefix_cache_cuts_time_to_first_token(h100: Hardware) -> None:
    cold = size_inference(_workload(tokens={"profile": "rag"}, slo={"ttft_ms": 5000}), h100)
    warm = size_inference(
        _workload(
            tokens={"profile": "rag"}, slo={"ttft_ms": 5000}, pattern={"kind": "agentic", "prefix_cache_hit_ratio": 0.9}
        ),
        h100,
    )
    assert warm.chosen and cold.chosen
    assert warm.chosen.single.ttft_s < 0.5 * cold.chosen.single.ttft_s


def test_unreachable_target_is_reported_with_the_best_achievable(h100: Hardware) -> None:
    s = size_inference(_workload(slo={"ttft_ms": 1}), h100)
    assert not s.feasible
    assert s.shortfall is not None
    assert s.shortfall.startswith("no replica shape meets TTFT<=1ms")
    assert "for a single request" in s.shortfall


def test_pinned_tensor_parallel_that_cannot_hold_the_model(h100: Hardware) -> None:
    with pytest.raises(SizingError, match=r"tensor_parallel 1 cannot hold Llama-3\.1-70B"):
        size_inference(_workload(tensor_parallel=1, precision={"weights": "bf16", "kv_cache": "bf16"}), h100)


def test_sequences_longer_than_the_context_are_refused(h100: Hardware) -> None:
    w = _workload(model="llama-2-70b", tokens={"prompt": {"mean": 3000, "p95": 4000}, "output": 500})
    with pytest.raises(SizingError, match=r"beyond Llama-2-70B.s 4,096-token context"):
        size_inference(w, h100)


def test_concurrency_beyond_kv_capacity_queues_outside_the_engine(h100: Hardware) -> None:
    setup = ServingSetup(
        resolve_model("llama-3.1-70b"),
        h100,
        "fp8",
        "fp8",
        EngineEfficiency(),
        TokenLength(mean=5000),
        TokenLength(mean=500),
    )
    plan = plan_replica(setup, 2)
    full = operating_point(setup, plan, plan.max_sequences)
    over = operating_point(setup, plan, plan.max_sequences * 2)
    assert over.requests_per_s == full.requests_per_s
    assert over.ttft_s > full.ttft_s + full.e2e_s * 0.9


@settings(max_examples=25, deadline=None)
@given(concurrency=st.integers(min_value=1, max_value=300))
def test_latency_grows_with_concurrency(h100: Hardware, concurrency: int) -> None:
    setup = ServingSetup(
        resolve_model("llama-3.1-8b"),
        h100,
        "bf16",
        "bf16",
        EngineEfficiency(),
        TokenLength(mean=1000),
        TokenLength(mean=250),
    )
    plan = plan_replica(setup, 1)
    a = operating_point(setup, plan, concurrency)
    b = operating_point(setup, plan, concurrency + 1)
    assert b.itl_s >= a.itl_s
    assert b.ttft_s >= a.ttft_s - 1e-9
    assert b.requests_per_s >= a.requests_per_s - 1e-9

"""Memory is exact to the formula, and the classic pitfalls stay fixed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiinfra.sizing.hardware import Hardware
from aiinfra.sizing.memory import (
    GB,
    kv_bytes_for_context,
    kv_bytes_per_token,
    kv_pool_bytes_per_gpu,
    kv_shard_degree,
    routed_expert_params,
    training_state_bytes_per_param,
    weights_bytes,
)
from aiinfra.sizing.models import builtin_models, resolve_model
from aiinfra.sizing.replica import ServingSetup, plan_replica
from aiinfra.spec.workloads import EngineEfficiency, ModelArchitecture, TokenLength


def _dense_params(m: ModelArchitecture, qkv_bias: bool = False) -> int:
    """Parameter count of a Llama-style decoder from its shapes (untied embeddings, RMSNorm)."""
    kv = m.n_kv_heads * m.head_dim
    attn = 2 * m.d_model * m.d_model + 2 * m.d_model * kv + ((m.d_model + 2 * kv) if qkv_bias else 0)
    mlp = 3 * m.d_model * m.ffn_dim
    layer = attn + mlp + 2 * m.d_model
    return m.layers * layer + 2 * m.vocab_size * m.d_model + m.d_model


@pytest.mark.parametrize(
    ("key", "qkv_bias"),
    [
        ("llama-3.1-8b", False),
        ("llama-3.1-70b", False),
        ("llama-3.1-405b", False),
        ("qwen2.5-72b", True),
        ("llama-2-70b", False),
        ("llama-2-7b", False),
    ],
)
def test_catalog_parameter_counts_follow_from_the_shapes(key: str, qkv_bias: bool) -> None:
    m = resolve_model(key)
    assert m.params_total == _dense_params(m, qkv_bias)


def test_mixtral_total_and_active_follow_from_the_shapes() -> None:
    m = resolve_model("mixtral-8x7b")
    assert m.moe is not None
    attn = 2 * m.d_model**2 + 2 * m.d_model * m.n_kv_heads * m.head_dim
    expert = 3 * m.d_model * m.ffn_dim
    router = m.d_model * m.moe.experts
    rest = 2 * m.vocab_size * m.d_model + m.d_model
    per_layer = attn + router + 2 * m.d_model
    assert m.params_total == m.layers * (per_layer + m.moe.experts * expert) + rest
    assert m.params_active == m.layers * (per_layer + m.moe.active_experts * expert) + rest
    # the split recovered from the totals alone is the experts' own parameters
    assert routed_expert_params(m) == pytest.approx(m.layers * m.moe.experts * expert)


def test_every_catalog_model_names_its_source() -> None:
    for key, m in builtin_models().items():
        assert len(m.source) > 20, key


def test_weights_are_params_times_bytes_and_moe_uses_total_params() -> None:
    m = resolve_model("llama-3.1-70b")
    assert weights_bytes(m, "bf16") == 70_553_706_496 * 2
    assert weights_bytes(m, "fp8") == 70_553_706_496
    mixtral = resolve_model("mixtral-8x7b")
    assert weights_bytes(mixtral, "bf16") == 46_702_792_704 * 2  # every expert is resident
    assert mixtral.active == 12_879_925_248


@pytest.mark.parametrize(
    ("key", "kib"),
    [
        ("llama-3.1-8b", 128),
        ("llama-3.1-70b", 320),
        ("llama-3.1-405b", 504),
        ("mixtral-8x7b", 128),
        ("qwen2.5-72b", 320),
    ],
)
def test_kv_per_token_matches_the_reference_table(key: str, kib: int) -> None:
    assert kv_bytes_per_token(resolve_model(key), "bf16") == kib * 1024


def test_gqa_kv_comes_from_kv_heads_not_query_heads() -> None:
    m = resolve_model("llama-3.1-70b")
    as_mha = m.model_copy(update={"n_kv_heads": m.n_heads})
    assert kv_bytes_per_token(m, "bf16") == 2 * 80 * 8 * 128 * 2
    # the common bug: 64 query heads instead of 8 KV heads overcounts 8x
    assert kv_bytes_per_token(as_mha, "bf16") == 8 * kv_bytes_per_token(m, "bf16")


def test_mla_latent_kv_is_rank_plus_rope_and_smaller_than_an_8b_model() -> None:
    ds = resolve_model("deepseek-v3")
    assert kv_bytes_per_token(ds, "bf16") == 61 * (512 + 64) * 2
    assert kv_bytes_per_token(ds, "bf16") < kv_bytes_per_token(resolve_model("llama-3.1-8b"), "bf16")
    # the latent is shared by all heads: neither the head count nor TP splits it
    assert kv_bytes_per_token(ds.model_copy(update={"n_kv_heads": 1, "n_heads": 1}), "bf16") == kv_bytes_per_token(
        ds, "bf16"
    )
    assert kv_shard_degree(ds, 8) == 1
    assert kv_shard_degree(resolve_model("llama-3.1-70b"), 8) == 8
    assert kv_shard_degree(resolve_model("llama-3.1-70b"), 16) == 8  # beyond 8 KV heads they replicate


def test_sliding_window_layers_hold_at_most_their_window() -> None:
    base = resolve_model("llama-3.1-8b")
    m = ModelArchitecture.model_validate({**base.model_dump(), "sliding_window": {"tokens": 4096, "layers": 16}})
    per_layer = 2 * 8 * 128 * 2
    assert kv_bytes_for_context(m, "bf16", 32_768) == (16 * 32_768 + 16 * 4096) * per_layer
    assert kv_bytes_for_context(m, "bf16", 1000) == 32 * 1000 * per_layer


def test_kv_pool_is_not_util_times_memory_minus_weights() -> None:
    engine = EngineEfficiency()
    naive = 80 * GB * 0.9 - 16 * GB
    pool = kv_pool_bytes_per_gpu(80 * GB, 16 * GB, engine)
    assert pool == pytest.approx(naive - 3 * GB)  # activation peak and CUDA context are held back
    assert pool < naive
    trt = EngineEfficiency(kv_budget="free", gpu_memory_utilization=0.9)
    assert kv_pool_bytes_per_gpu(80 * GB, 16 * GB, trt) == pytest.approx((80 - 16 - 3) * GB * 0.9)


def test_worked_example_llama70b_fp8_on_8xh200(h200: Hardware) -> None:
    """sizing.md 2: 8 x 141 x 0.9 - 70.6 - 24 ~ 920 GB of KV, ~5.6 M tokens, ~44 x 128k or ~1,400 x 4k."""
    m = resolve_model("llama-3.1-70b")
    setup = ServingSetup(m, h200, "fp8", "fp8", EngineEfficiency(), TokenLength(mean=4096), TokenLength(mean=1))
    plan = plan_replica(setup, 8)
    pool_total = plan.kv_pool_per_gpu_bytes * 8
    assert pool_total == pytest.approx(8 * 141 * 0.9 * GB - weights_bytes(m, "fp8") - 24 * GB)
    assert pool_total / GB == pytest.approx(920, rel=0.01)
    assert plan.kv_capacity_tokens == pytest.approx(5.6e6, rel=0.02)
    assert plan.kv_capacity_tokens / 131_072 == pytest.approx(44, rel=0.05)
    assert plan.kv_capacity_tokens / 4096 == pytest.approx(1400, rel=0.05)


def test_zero_sharding_bytes_per_param() -> None:
    assert training_state_bytes_per_param(0, 64) == 16
    assert training_state_bytes_per_param(1, 4) == 4 + 12 / 4
    assert training_state_bytes_per_param(2, 4) == 2 + 14 / 4
    assert training_state_bytes_per_param(3, 4) == 4


@given(
    params=st.integers(min_value=1, max_value=10**13),
    precision=st.sampled_from(["bf16", "fp16", "fp8", "int8", "int4", "fp4"]),
)
def test_weights_scale_linearly(params: int, precision: str) -> None:
    m = resolve_model("llama-3.1-8b").model_copy(update={"params_total": params})
    assert weights_bytes(m, precision) == pytest.approx(
        params * weights_bytes(resolve_model("llama-3.1-8b"), precision) / 8_030_261_248
    )


@given(
    window=st.integers(min_value=1, max_value=1 << 20),
    swa_layers=st.integers(min_value=1, max_value=32),
    a=st.integers(min_value=0, max_value=1 << 20),
    b=st.integers(min_value=0, max_value=1 << 20),
)
def test_kv_grows_with_context_and_never_exceeds_full_attention(window: int, swa_layers: int, a: int, b: int) -> None:
    base = resolve_model("llama-3.1-8b")
    m = ModelArchitecture.model_validate(
        {**base.model_dump(), "sliding_window": {"tokens": window, "layers": swa_layers}}
    )
    lo, hi = sorted((a, b))
    assert kv_bytes_for_context(m, "fp8", lo) <= kv_bytes_for_context(m, "fp8", hi)
    assert kv_bytes_for_context(m, "fp8", hi) <= kv_bytes_for_context(base, "fp8", hi)

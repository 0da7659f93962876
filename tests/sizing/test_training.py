"""Training: 6ND, GPUs for a deadline, layouts, memory, gradient and expert traffic."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import Hardware
from aiinfra.sizing.models import resolve_model
from aiinfra.sizing.training import size_training
from aiinfra.spec.workloads import TrainingWorkload


def _train(**kw: Any) -> TrainingWorkload:
    return TrainingWorkload.model_validate({"name": "t", "model": "llama-3.1-70b", "tokens": "15T", **kw})


def test_target_days_give_whole_nodes_and_meet_the_deadline(h100: Hardware) -> None:
    t = size_training(_train(target_days=90), h100)
    assert t.gpus % 8 == 0 and t.gpus % (t.tensor * t.pipeline) == 0
    assert t.days <= 90
    fewer = size_training(_train(gpus=t.gpus - 8 * t.tensor * t.pipeline), h100) if t.gpus > 64 else None
    if fewer is not None:
        assert fewer.days > 90 * 0.95  # rounding up was needed, not generous


def test_duration_formula(h100: Hardware) -> None:
    t = size_training(_train(gpus=1024, mfu=0.5, goodput=0.8), h100)
    flops = 6 * resolve_model("llama-3.1-70b").params_total * 15e12
    assert t.days * 86_400 == pytest.approx(flops / (1024 * 989e12 * 0.5 * 0.8))
    assert t.gpu_hours == pytest.approx(1024 * t.days * 24)


def test_moe_training_flops_use_active_parameters(h100: Hardware) -> None:
    t = size_training(_train(model="mixtral-8x7b", gpus=64), h100)
    assert t.total_flops == 6 * 12_879_925_248 * 15_000_000_000_000


def test_gpu_budget_must_hold_whole_model_replicas(h100: Hardware) -> None:
    with pytest.raises(SizingError, match="not a multiple of tensor x pipeline x context = 32"):
        size_training(_train(gpus=100, parallelism={"tensor": 8, "pipeline": 4}), h100)


def test_automatic_layout_fits_memory_and_keeps_tp_in_the_node(h100: Hardware) -> None:
    t = size_training(_train(model="llama-3.1-405b", gpus=16_384), h100)
    assert t.fits_memory
    assert t.tensor == 8 and t.pipeline > 1
    small = size_training(_train(model="llama-3.1-8b", gpus=64), h100)
    assert small.tensor * small.pipeline < 8


def test_declared_layout_that_does_not_fit_is_a_warning(h100: Hardware) -> None:
    t = size_training(_train(model="llama-3.1-405b", gpus=1024, parallelism={"tensor": 1}), h100)
    assert not t.fits_memory
    assert any("per GPU" in w and "zero_stage" in w for w in t.warnings)


def test_gradient_all_reduce_volume_and_bandwidth(h100: Hardware) -> None:
    t = size_training(
        _train(
            model="llama-3.1-8b",
            gpus=64,
            parallelism={"tensor": 1, "zero_stage": 1},
            global_batch_tokens=262_144,
            sequence_length=4096,
        ),
        h100,
    )
    n = 8_030_261_248
    assert t.grad_traffic_bytes_per_gpu == pytest.approx(2 * 63 / 64 * 2 * n)
    step = 6 * n * 262_144 / (64 * 989e12 * 0.40)
    assert t.step_s == pytest.approx(step)
    assert t.backend_gbps_per_gpu == pytest.approx(t.grad_traffic_bytes_per_gpu * 8 / (step * 4 / 6) / 1e9)
    assert t.backend_gbps_per_gpu > 400  # small batches on many GPUs outrun a 400G NIC


def test_zero3_moves_half_again_as_much(h100: Hardware) -> None:
    base = {"model": "llama-3.1-8b", "gpus": 64}
    z1 = size_training(_train(**base, parallelism={"zero_stage": 1}), h100)
    z3 = size_training(_train(**base, parallelism={"zero_stage": 3}), h100)
    assert z3.grad_traffic_bytes_per_gpu == pytest.approx(1.5 * z1.grad_traffic_bytes_per_gpu)
    assert z3.state_bytes_per_gpu < z1.state_bytes_per_gpu


def test_one_node_uses_no_backend_bandwidth(h100: Hardware) -> None:
    t = size_training(_train(model="llama-3.1-8b", gpus=8), h100)
    assert t.backend_gbps_per_gpu == 0


def test_expert_parallel_shards_experts_and_adds_all_to_all(h100: Hardware) -> None:
    ep1 = size_training(_train(model="mixtral-8x7b", gpus=256, parallelism={"tensor": 2, "expert": 1}), h100)
    ep8 = size_training(_train(model="mixtral-8x7b", gpus=256, parallelism={"tensor": 2, "expert": 8}), h100)
    assert ep8.state_bytes_per_gpu < ep1.state_bytes_per_gpu
    assert ep1.expert_traffic_bytes_per_gpu == 0 < ep8.expert_traffic_bytes_per_gpu
    with pytest.raises(SizingError, match="needs an MoE model"):
        size_training(_train(gpus=256, parallelism={"tensor": 2, "expert": 8}), h100)


def test_expected_interruptions_scale_with_gpu_hours(h100: Hardware) -> None:
    t = size_training(_train(gpus=4096), h100)
    assert t.interruptions == pytest.approx(t.gpu_hours * 419 / (54 * 24 * 16_384))


@settings(max_examples=20, deadline=None)
@given(nodes=st.integers(min_value=2, max_value=2048))
def test_more_gpus_finish_sooner_for_the_same_gpu_hours(h100: Hardware, nodes: int) -> None:
    a = size_training(_train(gpus=nodes * 8, parallelism={"tensor": 8}), h100)
    b = size_training(_train(gpus=nodes * 16, parallelism={"tensor": 8}), h100)
    assert b.days == pytest.approx(a.days / 2)
    assert b.gpu_hours == pytest.approx(a.gpu_hours)

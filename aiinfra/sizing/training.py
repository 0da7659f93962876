"""Training runs: compute, duration or GPUs, memory per GPU, gradient traffic, interruptions.

``C = 6 x N_active x D`` FLOPs (forward 2ND + backward 4ND; an MoE pays only for the
experts a token uses). Duration ``T = C / (GPUs x peak x MFU x goodput)``.
Units: FLOP, seconds, bytes, Gb/s (10^9 bits/s) for network rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.hardware import Hardware
from aiinfra.sizing.memory import training_activation_bytes_per_gpu, training_state_bytes_per_param
from aiinfra.sizing.models import resolve_model
from aiinfra.spec.workloads import ModelArchitecture, TrainingWorkload

# Unexpected interruptions per GPU-hour: Llama 3 saw 419 in 54 days on 16,384 H100s (sizing.md 4.4).
INTERRUPTIONS_PER_GPU_HOUR = 419 / (54 * 24 * 16_384)
# Gradient all-reduce overlaps the backward pass, which is 4ND of the 6ND step.
BACKWARD_SHARE = 4 / 6
# ZeRO-3 also all-gathers parameters in forward and backward: 1.5x the all-reduce volume (ZeRO paper).
ZERO3_TRAFFIC = 1.5
GRAD_BYTES = 2  # bf16 gradients


@dataclass(frozen=True)
class TrainingSizing:
    name: str
    arch: ModelArchitecture
    hw: Hardware
    precision: str
    tokens: int
    total_flops: float
    peak_flops_per_gpu: float
    mfu: float
    goodput: float
    gpus: int
    nodes: int
    days: float
    gpu_hours: float
    tensor: int
    pipeline: int
    context: int
    data_parallel: int
    zero_stage: int
    state_bytes_per_gpu: float
    activation_bytes_per_gpu: float
    step_s: float
    grad_traffic_bytes_per_gpu: float
    backend_gbps_per_gpu: float
    interruptions: float
    warnings: tuple[str, ...]

    @property
    def memory_bytes_per_gpu(self) -> float:
        return self.state_bytes_per_gpu + self.activation_bytes_per_gpu

    @property
    def fits_memory(self) -> bool:
        return self.memory_bytes_per_gpu <= self.hw.gpu_memory_bytes

    @property
    def hours_between_interruptions(self) -> float:
        return 1 / (INTERRUPTIONS_PER_GPU_HOUR * self.gpus)

    @property
    def backend_gbps_total(self) -> float:
        """Aggregate back-end demand; with uniform traffic half of it crosses the bisection."""
        return self.backend_gbps_per_gpu * self.gpus


def training_flops(arch: ModelArchitecture, tokens: int) -> float:
    """6 x N x D with N the *active* parameters (MoE experts a token does not use cost nothing)."""
    return 6 * arch.active * tokens


def size_training(w: TrainingWorkload, hw: Hardware) -> TrainingSizing:
    arch = resolve_model(w.model)
    par = w.parallelism
    model_parallel = par.tensor * par.pipeline * par.context
    if par.pipeline > arch.layers:
        raise SizingError(f"pipeline {par.pipeline} exceeds the model's {arch.layers} layers")
    peak = hw.peak_flops(w.precision)
    mfu = w.mfu_or_default
    flops = training_flops(arch, w.tokens)
    per_gpu = peak * mfu * w.goodput
    if w.gpus is not None:
        if w.gpus % model_parallel:
            raise SizingError(
                f"gpus {w.gpus:,} is not a multiple of tensor x pipeline x context = {model_parallel}"
            )
        gpus = w.gpus
    else:
        assert w.target_days is not None
        raw = flops / (w.target_days * 86_400 * per_gpu)
        step = math.lcm(model_parallel, hw.gpus_per_node)
        gpus = max(step, math.ceil(raw / step) * step)
    seconds = flops / (gpus * per_gpu)
    dp = gpus // model_parallel
    warnings: list[str] = []
    if par.tensor > hw.scale_up_domain:
        warnings.append(
            f"tensor parallel {par.tensor} spans beyond the {hw.scale_up_domain}-GPU NVLink domain; "
            "its all-reduces would cross the back-end fabric"
        )
    sequences_per_step = w.global_batch_tokens / w.sequence_length
    if sequences_per_step < dp:
        warnings.append(
            f"global batch of {w.global_batch_tokens:,} tokens is {sequences_per_step:g} sequences, "
            f"fewer than the {dp:,} data-parallel ranks"
        )
    shard = arch.params_total / (par.tensor * par.pipeline)
    states = training_state_bytes_per_param(par.zero_stage, dp * par.context) * shard
    activations = training_activation_bytes_per_gpu(
        arch, w.sequence_length, w.activation_recompute, par.tensor, par.context
    )
    if states + activations > hw.gpu_memory_bytes:
        warnings.append(
            f"needs {(states + activations) / 1e9:,.0f} GB per GPU (states {states / 1e9:,.0f} + activations "
            f"{activations / 1e9:,.0f}) of {hw.gpu.memory_gb:g} GB: raise tensor/pipeline parallel or zero_stage"
        )
    step_s = 6 * arch.active * w.global_batch_tokens / (gpus * peak * mfu)
    reduce_group = dp * par.context
    traffic = 0.0
    if gpus > hw.gpus_per_node and reduce_group > 1:
        traffic = 2 * (reduce_group - 1) / reduce_group * GRAD_BYTES * shard
        if par.zero_stage == 3:
            traffic *= ZERO3_TRAFFIC
    gbps = traffic * 8 / (BACKWARD_SHARE * step_s) / 1e9 if traffic else 0.0
    hours = seconds / 3600
    return TrainingSizing(
        name=w.name,
        arch=arch,
        hw=hw,
        precision=w.precision,
        tokens=w.tokens,
        total_flops=flops,
        peak_flops_per_gpu=peak,
        mfu=mfu,
        goodput=w.goodput,
        gpus=gpus,
        nodes=math.ceil(gpus / hw.gpus_per_node),
        days=seconds / 86_400,
        gpu_hours=gpus * hours,
        tensor=par.tensor,
        pipeline=par.pipeline,
        context=par.context,
        data_parallel=dp,
        zero_stage=par.zero_stage,
        state_bytes_per_gpu=states,
        activation_bytes_per_gpu=activations,
        step_s=step_s,
        grad_traffic_bytes_per_gpu=traffic,
        backend_gbps_per_gpu=gbps,
        interruptions=INTERRUPTIONS_PER_GPU_HOUR * gpus * hours,
        warnings=tuple(warnings),
    )

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
from aiinfra.sizing.memory import (
    routed_expert_params,
    training_activation_bytes_per_gpu,
    training_state_bytes_per_param,
)
from aiinfra.sizing.models import resolve_model
from aiinfra.spec.workloads import ModelArchitecture, Parallelism, TrainingWorkload

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
    parallelism_chosen: bool
    state_bytes_per_gpu: float
    activation_bytes_per_gpu: float
    step_s: float
    grad_traffic_bytes_per_gpu: float
    expert_traffic_bytes_per_gpu: float
    expert: int
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


def _gpus_for(w: TrainingWorkload, flops: float, per_gpu_flops: float, model_parallel: int, hw: Hardware) -> int:
    """The GPU budget, or the fewest GPUs (whole nodes, whole model replicas) that meet the target."""
    if w.gpus is not None:
        if w.gpus % model_parallel:
            raise SizingError(f"gpus {w.gpus:,} is not a multiple of tensor x pipeline x context = {model_parallel}")
        return w.gpus
    assert w.target_days is not None
    raw = flops / (w.target_days * 86_400 * per_gpu_flops)
    step = math.lcm(model_parallel, hw.gpus_per_node)
    return max(step, math.ceil(raw / step) * step)


def _split_params(arch: ModelArchitecture, par: Parallelism) -> tuple[float, float]:
    """(dense, routed-expert) parameters held by one GPU: TP x PP split everything, EP the experts."""
    routed = routed_expert_params(arch)
    model = par.tensor * par.pipeline
    return (arch.params_total - routed) / model, routed / (model * par.expert)


def _memory(arch: ModelArchitecture, w: TrainingWorkload, par: Parallelism, gpus: int) -> tuple[float, float]:
    """(model states, activations) per GPU, bytes. Expert states are sharded over the
    data-parallel ranks that do not already split the experts (``dp / ep``)."""
    group = gpus // (par.tensor * par.pipeline)  # data x context ranks
    dense, experts = _split_params(arch, par)
    states = (
        training_state_bytes_per_param(par.zero_stage, group) * dense
        + training_state_bytes_per_param(par.zero_stage, max(1, group // par.expert)) * experts
    )
    activations = training_activation_bytes_per_gpu(
        arch, w.sequence_length, w.activation_recompute, par.tensor, par.context
    )
    return states, activations


def _ring(n: int) -> float:
    """Bytes a ring all-reduce sends per byte of buffer, per rank."""
    return 2 * (n - 1) / n if n > 1 else 0.0


def _network_bytes(arch: ModelArchitecture, w: TrainingWorkload, par: Parallelism, gpus: int) -> tuple[float, float]:
    """(gradient all-reduce, expert all-to-all) bytes one GPU sends per optimizer step.

    Gradients: a ring all-reduce of the bf16 gradients of the parameters the GPU holds,
    over the ranks holding the same ones (ZeRO-3 adds parameter all-gathers, 1.5x).
    Expert all-to-all: every token's hidden state goes to its k experts and back, in the
    forward and again in the backward pass; (ep-1)/ep of it leaves the GPU.
    """
    group = gpus // (par.tensor * par.pipeline)
    dense, experts = _split_params(arch, par)
    grads = GRAD_BYTES * (_ring(group) * dense + _ring(max(1, group // par.expert)) * experts)
    if par.zero_stage == 3:
        grads *= ZERO3_TRAFFIC
    a2a = 0.0
    if arch.moe is not None and par.expert > 1:
        tokens = w.global_batch_tokens / (group * par.tensor)
        layers = (arch.moe.layers or arch.layers) / par.pipeline
        a2a = tokens * layers * arch.moe.active_experts * arch.d_model * GRAD_BYTES * 4 * (1 - 1 / par.expert)
    return grads, a2a


def _auto_expert(arch: ModelArchitecture, data_parallel: int) -> int:
    """The widest power-of-two expert parallelism that divides DP and does not exceed the experts."""
    if arch.moe is None:
        return 1
    ep = 1
    while ep * 2 <= arch.moe.experts and data_parallel % (ep * 2) == 0:
        ep *= 2
    return ep


def auto_parallelism(
    arch: ModelArchitecture, w: TrainingWorkload, hw: Hardware, flops: float, per_gpu_flops: float
) -> tuple[Parallelism, bool]:
    """The smallest layout that fits in GPU memory, and whether one was found.

    Tensor parallelism grows first, inside the NVLink domain; then pipeline stages, in
    powers of two up to the layer count. ZeRO-1 shards the optimizer over data parallel.
    """
    tps = [t for t in (1 << i for i in range(int(math.log2(hw.scale_up_domain)) + 1)) if arch.n_heads % t == 0]
    pps = [p for p in (1 << i for i in range(11)) if p <= arch.layers]
    layouts = [(t, 1) for t in tps] + [(tps[-1], p) for p in pps if p > 1]
    fallback = Parallelism(tensor=tps[-1], pipeline=pps[-1], zero_stage=1)
    for t, p in layouts:
        if w.gpus is not None and w.gpus % (t * p):
            continue
        gpus = _gpus_for(w, flops, per_gpu_flops, t * p, hw)
        par = Parallelism(tensor=t, pipeline=p, zero_stage=1, expert=_auto_expert(arch, gpus // (t * p)))
        states, activations = _memory(arch, w, par, gpus)
        if states + activations <= hw.gpu_memory_bytes:
            return par, True
    return fallback, False


def size_training(w: TrainingWorkload, hw: Hardware) -> TrainingSizing:
    arch = resolve_model(w.model)
    peak = hw.peak_flops(w.precision)
    mfu = w.mfu_or_default
    flops = training_flops(arch, w.tokens)
    per_gpu = peak * mfu * w.goodput
    warnings: list[str] = []
    if w.parallelism is None:
        par, found = auto_parallelism(arch, w, hw, flops, per_gpu)
        if not found:
            warnings.append("no tensor x pipeline layout fits in GPU memory; showing the largest tried")
    else:
        par = w.parallelism
    if par.pipeline > arch.layers:
        raise SizingError(f"pipeline {par.pipeline} exceeds the model's {arch.layers} layers")
    model_parallel = par.tensor * par.pipeline * par.context
    gpus = _gpus_for(w, flops, per_gpu, model_parallel, hw)
    seconds = flops / (gpus * per_gpu)
    dp = gpus // model_parallel
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
    states, activations = _memory(arch, w, par, gpus)
    if states + activations > hw.gpu_memory_bytes:
        warnings.append(
            f"needs {(states + activations) / 1e9:,.0f} GB per GPU (states {states / 1e9:,.0f} + activations "
            f"{activations / 1e9:,.0f}) of {hw.gpu.memory_gb:g} GB: raise tensor/pipeline parallel or zero_stage"
        )
    if dp % par.expert:
        raise SizingError(f"expert parallel {par.expert} does not divide the {dp:,} data-parallel ranks")
    if par.expert > 1 and arch.moe is None:
        raise SizingError(f"expert parallel {par.expert} needs an MoE model; {arch.name} is dense")
    step_s = 6 * arch.active * w.global_batch_tokens / (gpus * peak * mfu)
    grads, a2a = _network_bytes(arch, w, par, gpus) if gpus > hw.gpus_per_node else (0.0, 0.0)
    gbps = (grads + a2a) * 8 / (BACKWARD_SHARE * step_s) / 1e9
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
        parallelism_chosen=w.parallelism is None,
        state_bytes_per_gpu=states,
        activation_bytes_per_gpu=activations,
        step_s=step_s,
        grad_traffic_bytes_per_gpu=grads,
        expert_traffic_bytes_per_gpu=a2a,
        expert=par.expert,
        backend_gbps_per_gpu=gbps,
        interruptions=INTERRUPTIONS_PER_GPU_HOUR * gpus * hours,
        warnings=tuple(warnings),
    )

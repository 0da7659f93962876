"""One serving replica: its memory, and its speed at a given concurrency.

A replica is ``tensor_parallel`` GPUs inside one NVLink/xGMI domain, times
``pipeline_parallel`` stages when the model does not fit in one domain. The
speed model is an *achievable* roofline, not a peak one:

* a decode step reads the weights and every running sequence's KV from HBM at
  ``decode_bandwidth_efficiency`` of peak, and does ``2 x N_active`` FLOPs per
  token at ``decode_compute_efficiency``. Memory and compute overlap only
  partly, so they combine as ``sqrt(t_mem^2 + t_compute^2)`` -- between the
  perfect-overlap ``max`` (1.5-2x optimistic, see docs/sizing.md) and the
  no-overlap sum. Tensor-parallel all-reduces and a fixed per-step cost add on.
* prefill is compute-bound: ``2 x N_active x prompt`` FLOPs plus attention at
  ``prefill_compute_efficiency``, plus a fixed per-request overhead.
* under load, :mod:`aiinfra.sizing.batching` models the continuous-batching scheduler.

Units: seconds, bytes, FLOP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aiinfra.sizing.engines import STEP_BASE_MS, STEP_PER_LAYER_MS, TTFT_BASE_MS, TTFT_PER_LAYER_MS
from aiinfra.sizing.hardware import Hardware
from aiinfra.sizing.memory import (
    GB,
    blocks_tokens,
    kv_bytes_for_context,
    kv_pool_bytes_per_gpu,
    kv_shard_degree,
    routed_expert_params,
    weights_bytes,
)
from aiinfra.spec.workloads import EngineEfficiency, ModelArchitecture, TokenLength

ACTIVATION_BYTES = 2  # activations travel between TP ranks in BF16 whatever the weight format
ALLREDUCES_PER_LAYER = 2  # attention output and MLP output (Megatron-style TP)


@dataclass(frozen=True)
class ServingSetup:
    """Everything about one inference workload that the replica model needs, resolved."""

    arch: ModelArchitecture
    hw: Hardware
    weights_precision: str
    kv_precision: str
    engine: EngineEfficiency
    prompt: TokenLength
    output: TokenLength
    prefix_cache_hit_ratio: float = 0.0

    @property
    def mean_context_tokens(self) -> float:
        """Average tokens a running sequence holds: its prompt plus half its answer."""
        return self.prompt.mean + self.output.mean / 2

    @property
    def tail_sequence_tokens(self) -> int:
        return self.prompt.tail + self.output.tail

    @property
    def weights_bytes(self) -> float:
        return weights_bytes(self.arch, self.weights_precision)


@dataclass(frozen=True)
class ReplicaPlan:
    """Shape and memory of one replica."""

    tensor_parallel: int
    pipeline_parallel: int
    gpus: int
    nodes: int
    weights_per_gpu_bytes: float
    kv_pool_per_gpu_bytes: float
    kv_capacity_tokens: int
    max_sequences: int


# --------------------------------------------------------------------------- memory


def plan_replica(setup: ServingSetup, tensor_parallel: int, pipeline_parallel: int = 1) -> ReplicaPlan:
    """Memory layout of a replica; ``max_sequences`` is 0 when the model does not fit."""
    arch, hw, engine = setup.arch, setup.hw, setup.engine
    gpus = tensor_parallel * pipeline_parallel
    weights_per_gpu = setup.weights_bytes / gpus
    pool = kv_pool_bytes_per_gpu(hw.gpu_memory_bytes, weights_per_gpu, engine)
    kv_per_token_per_gpu = kv_bytes_for_context(arch, setup.kv_precision, 1) / (
        pipeline_parallel * kv_shard_degree(arch, tensor_parallel)
    )
    capacity = int(pool // kv_per_token_per_gpu) if pool > 0 else 0
    per_sequence = blocks_tokens(setup.mean_context_tokens, engine.block_tokens)
    fits_tail = capacity >= blocks_tokens(setup.tail_sequence_tokens, engine.block_tokens)
    # The step's token budget holds one token per running sequence and the prefill chunks; keep
    # an eighth of it for prefill chunks (an assumption: engines only require max_num_seqs <= budget).
    running_cap = max(1, engine.max_num_tokens - engine.max_num_tokens // 8)
    max_sequences = min(engine.max_batch_size, running_cap, capacity // per_sequence) if fits_tail else 0
    nodes = math.ceil(gpus / hw.gpus_per_node)
    return ReplicaPlan(tensor_parallel, pipeline_parallel, gpus, nodes, weights_per_gpu, pool, capacity, max_sequences)


def candidate_plans(setup: ServingSetup, pinned_tp: int | None = None) -> list[ReplicaPlan]:
    """Replica shapes that can hold the model and one p95 sequence.

    Tensor parallelism stays inside the scale-up domain (its all-reduces need NVLink);
    only when the model does not fit there do we add pipeline stages across nodes.
    """
    arch, domain = setup.arch, setup.hw.scale_up_domain
    tps = [1 << i for i in range(int(math.log2(domain)) + 1)] if pinned_tp is None else [pinned_tp]
    tps = [t for t in tps if arch.n_heads % t == 0 and (arch.n_kv_heads % t == 0 or t % arch.n_kv_heads == 0)]
    plans = [p for p in (plan_replica(setup, t) for t in tps if t <= domain) if p.max_sequences > 0]
    if plans or not tps or max(tps) != domain:
        return plans  # pipeline stages only once TP fills the domain (not for a smaller pinned TP)
    tp = domain
    for pp in range(2, min(arch.layers, 64) + 1):
        plan = plan_replica(setup, tp, pp)
        if plan.max_sequences > 0:
            return [plan]
    return []


def minimal_plan_reason(setup: ServingSetup) -> str:
    """Why no replica shape fits, in numbers."""
    plan = plan_replica(setup, setup.hw.scale_up_domain)
    need = setup.weights_bytes / GB
    return (
        f"{setup.arch.name} needs {need:,.0f} GB of weights plus KV for a "
        f"{setup.tail_sequence_tokens:,}-token sequence; even 64 pipeline stages of "
        f"{plan.tensor_parallel} x {setup.hw.gpu.model} leave no room"
    )


# --------------------------------------------------------------------------- speed


def ttft_overhead_s(setup: ServingSetup) -> float:
    """Per-request fixed cost: the engine's, or the default that grows with the layer count."""
    ms = setup.engine.ttft_overhead_ms
    return (ms if ms is not None else TTFT_BASE_MS + TTFT_PER_LAYER_MS * setup.arch.layers) / 1000


def step_overhead_s(setup: ServingSetup) -> float:
    """Per-step fixed cost (launches, sampling, scheduling): the engine's or the layer-scaled default."""
    ms = setup.engine.step_overhead_ms
    return (ms if ms is not None else STEP_BASE_MS + STEP_PER_LAYER_MS * setup.arch.layers) / 1000


def _attended_token_layers(arch: ModelArchitecture, context_tokens: float) -> float:
    """Sum over layers of the tokens one query attends to (sliding windows cap it)."""
    swa = arch.sliding_window
    if swa is None:
        return arch.layers * context_tokens
    return (arch.layers - swa.layers) * context_tokens + swa.layers * min(context_tokens, swa.tokens)


def attention_flops_per_pair(arch: ModelArchitecture, decode: bool) -> float:
    """FLOPs for one query token against one context token in one layer (QK^T and AV).

    MLA decodes in its absorbed form, attending over the latent (rank + rope for QK,
    rank for AV); prefill uses the expanded heads.
    """
    if arch.mla is not None and decode:
        return 2 * arch.n_heads * (2 * arch.mla.kv_lora_rank + arch.mla.qk_rope_head_dim)
    return 4 * arch.n_heads * arch.head_dim


def _weights_read_bytes(setup: ServingSetup, tokens_per_pass: float) -> float:
    """Weight bytes one forward pass touches. A dense model reads everything; an MoE
    reads its shared part plus the experts its tokens route to (uniform routing)."""
    total = setup.weights_bytes
    moe = setup.arch.moe
    if moe is None:
        return total
    e, k = moe.experts, moe.active_experts
    routed = total * routed_expert_params(setup.arch) / setup.arch.params_total
    touched = 1 - (1 - k / e) ** max(tokens_per_pass, 1e-9)
    return total - routed + routed * touched


def _tp_comm_s(setup: ServingSetup, plan: ReplicaPlan, tokens: float) -> float:
    """Tensor-parallel all-reduce time for ``tokens`` tokens through every layer (ring)."""
    tp = plan.tensor_parallel
    if tp == 1:
        return 0.0
    e = setup.engine
    message = tokens * setup.arch.d_model * ACTIVATION_BYTES
    cal = setup.hw.calibration
    measured = cal.collectives.time_s("all_reduce", tp, message) if cal and cal.collectives else None
    if measured is not None:  # a collectives calibration (aiinfra.probe.collectives) replaces the assumption
        return setup.arch.layers * ALLREDUCES_PER_LAYER * measured
    per_allreduce = e.collective_latency_us * 1e-6 + message * 2 * (tp - 1) / tp / (
        setup.hw.scale_up_bytes_per_s * e.collective_bandwidth_efficiency
    )
    return setup.arch.layers * ALLREDUCES_PER_LAYER * per_allreduce


def decode_step_s(setup: ServingSetup, plan: ReplicaPlan, batch: float) -> float:
    """Time between two tokens of a running sequence with ``batch`` sequences decoding.

    With pipeline stages the batch is split into one micro-batch per stage; each
    sequence gets a token once every micro-batch has passed every stage.
    """
    arch, hw, e = setup.arch, setup.hw, setup.engine
    micro = batch / plan.pipeline_parallel
    ctx = setup.mean_context_tokens
    kv_read = micro * kv_bytes_for_context(arch, setup.kv_precision, ctx) / kv_shard_degree(arch, plan.tensor_parallel)
    mem_s = (_weights_read_bytes(setup, micro) / plan.tensor_parallel + kv_read) / (
        hw.hbm_bytes_per_s * e.decode_bandwidth_efficiency
    )
    flops = micro * (2 * arch.active + attention_flops_per_pair(arch, True) * _attended_token_layers(arch, ctx))
    compute_s = flops / (plan.tensor_parallel * hw.peak_flops(setup.weights_precision) * e.decode_compute_efficiency)
    return math.hypot(mem_s, compute_s) + _tp_comm_s(setup, plan, micro) + step_overhead_s(setup)


def prefill_flops(setup: ServingSetup) -> float:
    """FLOPs to prefill one mean prompt; cached prefix tokens cost attention reads only."""
    arch = setup.arch
    new = setup.prompt.mean * (1 - setup.prefix_cache_hit_ratio)
    cached = setup.prompt.mean - new
    attended = _attended_token_layers(arch, cached + new / 2)
    return new * (2 * arch.active + attention_flops_per_pair(arch, False) * attended)


def prefill_times_s(setup: ServingSetup, plan: ReplicaPlan) -> tuple[float, float]:
    """(latency of one prefill on an idle replica, replica time it occupies under load).

    The latency runs through the stages one after another on ``tensor_parallel`` GPUs and
    can never beat one read of the weights; under load the stages overlap, so the busy
    time is the FLOPs over all the replica's GPUs.
    """
    hw, e = setup.hw, setup.engine
    flops = prefill_flops(setup)
    peak = hw.peak_flops(setup.weights_precision) * e.prefill_compute_efficiency
    new_tokens = setup.prompt.mean * (1 - setup.prefix_cache_hit_ratio)
    comm = _tp_comm_s(setup, plan, new_tokens)
    weights_floor = setup.weights_bytes / plan.tensor_parallel / (hw.hbm_bytes_per_s * e.decode_bandwidth_efficiency)
    latency = max(flops / (plan.tensor_parallel * peak) + comm, weights_floor) + ttft_overhead_s(setup)
    busy = flops / (plan.gpus * peak) + comm / plan.pipeline_parallel
    return latency, busy

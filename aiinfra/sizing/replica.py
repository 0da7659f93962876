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
* under load the engine time-shares: while it prefills new requests the running
  ones wait, so inter-token latency stretches by ``1 / (1 - prefill share)``, and a
  new request queues for the prefills ahead of it (M/D/1 waiting time).

Units: seconds, bytes, FLOP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


@dataclass(frozen=True)
class OperatingPoint:
    """A replica serving ``concurrency`` requests in steady state."""

    concurrency: int
    requests_per_s: float
    ttft_s: float
    itl_s: float
    prefill_share: float
    tokens_per_request: float

    @property
    def output_tokens_per_s(self) -> float:
        return self.tokens_per_request * self.requests_per_s

    @property
    def tokens_per_s_per_user(self) -> float:
        return 1.0 / self.itl_s

    @property
    def e2e_s(self) -> float:
        return self.ttft_s + max(self.tokens_per_request - 1, 0) * self.itl_s


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
    max_sequences = min(engine.max_batch_size, capacity // per_sequence) if fits_tail else 0
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
    return math.hypot(mem_s, compute_s) + _tp_comm_s(setup, plan, micro) + e.step_overhead_ms / 1000


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
    latency = max(flops / (plan.tensor_parallel * peak) + comm, weights_floor) + e.ttft_overhead_ms / 1000
    busy = flops / (plan.gpus * peak) + comm / plan.pipeline_parallel
    return latency, busy


def operating_point(setup: ServingSetup, plan: ReplicaPlan, concurrency: int) -> OperatingPoint:
    """Steady state with ``concurrency`` requests in flight (closed loop, Little's law).

    Solves ``rate x (TTFT + (OSL-1) x ITL) = concurrency`` for the request rate, where
    prefills of the *other* requests take a share ``rho = rate x busy x (n-1)/n`` of the
    replica's time: decode slows by ``1/(1-rho)`` and a new request waits the M/D/1 time
    ``rho x busy / (2 (1-rho))`` for the prefills queued before it. Requests beyond the
    KV capacity wait outside the engine: throughput stays at saturation, TTFT absorbs the wait.
    """
    if 0 < plan.max_sequences < concurrency:
        sat = operating_point(setup, plan, plan.max_sequences)
        wait = concurrency / sat.requests_per_s - sat.e2e_s
        return OperatingPoint(
            concurrency, sat.requests_per_s, sat.ttft_s + wait, sat.itl_s, sat.prefill_share, sat.tokens_per_request
        )
    latency, busy = prefill_times_s(setup, plan)
    step = decode_step_s(setup, plan, concurrency)
    tokens = setup.output.mean
    others = (concurrency - 1) / concurrency

    def at(rate: float) -> tuple[float, float, float]:
        rho = rate * busy * others
        itl = step / (1 - rho)
        ttft = latency + rho * busy / (2 * (1 - rho))
        return rho, ttft, itl

    if others == 0:
        rate = 1.0 / (latency + max(tokens - 1, 0) * step)
    else:
        lo, hi = 0.0, 1.0 / (busy * others)
        for _ in range(100):
            mid = (lo + hi) / 2
            _, ttft, itl = at(mid)
            if mid * (ttft + max(tokens - 1, 0) * itl) > concurrency:
                hi = mid
            else:
                lo = mid
        rate = lo
    rho, ttft, itl = at(rate)
    return OperatingPoint(concurrency, rate, ttft, itl, rho, tokens_per_request=tokens)


def best_concurrency(
    setup: ServingSetup, plan: ReplicaPlan, ttft_limit_s: float | None, itl_limit_s: float | None
) -> OperatingPoint | None:
    """The busiest operating point that meets both limits; None if even one request misses.

    TTFT and ITL both grow with concurrency, so a binary search finds the edge.
    """

    def ok(point: OperatingPoint) -> bool:
        return (ttft_limit_s is None or point.ttft_s <= ttft_limit_s) and (
            itl_limit_s is None or point.itl_s <= itl_limit_s
        )

    first = operating_point(setup, plan, 1)
    if not ok(first):
        return None
    lo, hi = 1, plan.max_sequences
    best = first
    while lo < hi:
        mid = (lo + hi + 1) // 2
        point = operating_point(setup, plan, mid)
        if ok(point):
            lo, best = mid, point
        else:
            hi = mid - 1
    return best

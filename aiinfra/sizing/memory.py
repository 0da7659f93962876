"""Memory: weights, KV cache, the engine's real KV budget, and training state.

Units: bytes (GB = 1e9 bytes, the vendor convention used by the GPU catalog).
"""

from __future__ import annotations

import math

from aiinfra.spec.workloads import EngineEfficiency, ModelArchitecture

GB = 1e9

# Bytes per stored value. 4-bit formats carry their scales: INT4 with one FP16 scale per
# group of 128 (AWQ/GPTQ convention), FP4 (NVFP4) with one FP8 scale per block of 16.
BYTES_PER_VALUE: dict[str, float] = {
    "bf16": 2.0,
    "fp16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5 + 2 / 128,
    "fp4": 0.5 + 1 / 16,
}


def bytes_per_value(precision: str) -> float:
    return BYTES_PER_VALUE[precision]


def weights_bytes(arch: ModelArchitecture, precision: str) -> float:
    """All parameters x bytes each. MoE uses *total* parameters: every expert must be resident."""
    return arch.params_total * bytes_per_value(precision)


def routed_expert_params(arch: ModelArchitecture) -> float:
    """Parameters in routed experts; the rest (attention, embeddings, shared experts) every token uses.

    From the totals alone: with E experts of which k are active, ``active = shared + routed x k/E``
    and ``total = shared + routed``, so ``routed = (total - active) x E / (E - k)``.
    """
    if arch.moe is None:
        return 0.0
    e, k = arch.moe.experts, arch.moe.active_experts
    return (arch.params_total - arch.active) * e / (e - k)


def kv_bytes_per_token_per_layer(arch: ModelArchitecture, kv_precision: str) -> float:
    """K and V for one token in one layer.

    GQA/MHA: ``2 x n_kv_heads x head_dim`` values -- from the KV heads, not the query heads
    (using n_heads overcounts Llama-3 by 8x). MLA: one latent of ``kv_lora_rank`` plus the
    shared RoPE key; there is no separate V.
    """
    b = bytes_per_value(kv_precision)
    if arch.mla is not None:
        return (arch.mla.kv_lora_rank + arch.mla.qk_rope_head_dim) * b
    return 2 * arch.n_kv_heads * arch.head_dim * b


def kv_bytes_per_token(arch: ModelArchitecture, kv_precision: str) -> float:
    """KV for one token across all layers, as if every layer attended to the full context."""
    return arch.layers * kv_bytes_per_token_per_layer(arch, kv_precision)


def kv_bytes_for_context(arch: ModelArchitecture, kv_precision: str, context_tokens: float) -> float:
    """KV held for one sequence of ``context_tokens``. Sliding-window layers keep at most
    their window, not the whole context (ignoring that overcounts Gemma-style models ~40x)."""
    per_layer = kv_bytes_per_token_per_layer(arch, kv_precision)
    swa = arch.sliding_window
    if swa is None:
        return arch.layers * context_tokens * per_layer
    global_layers = arch.layers - swa.layers
    return (global_layers * context_tokens + swa.layers * min(context_tokens, swa.tokens)) * per_layer


def kv_shard_degree(arch: ModelArchitecture, tensor_parallel: int) -> int:
    """Over how many tensor-parallel GPUs one token's KV is split.

    GQA splits by KV head, so beyond ``n_kv_heads`` GPUs the heads are replicated. MLA's
    latent is shared by all heads, so every TP rank keeps the whole latent.
    """
    if arch.mla is not None:
        return 1
    return min(tensor_parallel, arch.n_kv_heads)


def kv_pool_bytes_per_gpu(gpu_memory_bytes: float, weights_per_gpu_bytes: float, engine: EngineEfficiency) -> float:
    """What the engine actually gives the KV cache on one GPU (may be negative: does not fit).

    Not ``util x memory - weights``: the engine also keeps the activation peak of its profiling
    run and the CUDA context/graphs out of the pool (treating them as KV overestimates it ~31 %).
    ``kv_budget='total'`` is vLLM (util caps all memory); ``'free'`` is TensorRT-LLM (the fraction
    applies to what is free after weights and reserves).
    """
    reserve = (engine.activation_reserve_gb + engine.cuda_context_gb) * GB
    if engine.kv_budget == "total":
        return gpu_memory_bytes * engine.gpu_memory_utilization - weights_per_gpu_bytes - reserve
    free = gpu_memory_bytes - weights_per_gpu_bytes - reserve
    return free * engine.gpu_memory_utilization if free > 0 else free


def blocks_tokens(tokens: float, block_tokens: int) -> int:
    """Tokens actually allocated for a sequence: paged KV rounds up to whole blocks."""
    return math.ceil(tokens / block_tokens) * block_tokens


# --------------------------------------------------------------------------- training


def training_state_bytes_per_param(zero_stage: int, data_parallel: int) -> float:
    """Mixed-precision Adam: 2 (bf16 weights) + 2 (grads) + 12 (fp32 master, m, v) = 16 B/param,
    with ZeRO sharding the optimizer (1), also the gradients (2), or everything (3) over DP ranks."""
    dp = max(1, data_parallel)
    if zero_stage == 0:
        return 16.0
    if zero_stage == 1:
        return 4 + 12 / dp
    if zero_stage == 2:
        return 2 + 14 / dp
    return 16 / dp


def training_activation_bytes_per_gpu(
    arch: ModelArchitecture,
    sequence_length: int,
    recompute: str,
    tensor_parallel: int,
    context_parallel: int,
) -> float:
    """Activation memory of one micro-batch of one sequence, per GPU.

    Korthikanti et al. 2022 (arXiv 2205.05198), with sequence parallelism: per layer
    ``s*h*(34 + 5*a*s/h)/t`` bytes without recompute, ``34*s*h/t`` with selective recompute,
    ``2*s*h`` (only the layer input) with full recompute. Under 1F1B the first pipeline stage
    holds ``pp`` micro-batches of ``L/pp`` layers, i.e. all ``L`` layers' worth.
    """
    s = sequence_length / context_parallel
    h = arch.d_model
    t = tensor_parallel
    if recompute == "none":
        per_layer = s * h * (34 + 5 * arch.n_heads * s / h) / t
    elif recompute == "selective":
        per_layer = 34 * s * h / t
    else:
        per_layer = 2 * s * h
    return arch.layers * per_layer

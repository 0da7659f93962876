"""The measurements ``aiinfra probe`` makes on one GPU, with PyTorch (the optional ``probe`` extra).

Every timing is CUDA events around repeated launches after warm-ups, the mean of the
timed repeats. Weights are random: their values don't change how long a matmul takes.
torch is imported by the caller and passed in, so this module imports nothing heavy
and the core install never needs torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WARMUP, REPEAT = 3, 10


def _time(torch: Any, fn: Any, repeat: int = REPEAT, warmup: int = WARMUP) -> float:
    """Mean seconds of ``fn()`` on the GPU."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(repeat):
        fn()
    end.record()
    torch.cuda.synchronize()
    return float(start.elapsed_time(end)) / 1000 / repeat


def hbm_copy_bytes_per_s(torch: Any, gib: float = 4.0) -> float:
    """Device-to-device copy of a ``gib`` buffer: bytes read plus bytes written per second."""
    n = int(gib * 2**30)
    src = torch.empty(n, dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    return 2 * n / _time(torch, lambda: dst.copy_(src), repeat=20)


def gemm_flops(torch: Any, precision: str, n: int = 8192) -> float | None:
    """Dense n x n x n matmul FLOP/s on random data; None where the GPU or torch lacks FP8."""
    a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    if precision == "bf16":
        seconds = _time(torch, lambda: a @ b)
    else:
        if not hasattr(torch, "float8_e4m3fn") or torch.cuda.get_device_capability() < (8, 9):
            return None
        a8 = a.to(torch.float8_e4m3fn)
        b8 = b.to(torch.float8_e4m3fn).t()  # _scaled_mm wants the second operand column-major
        one = torch.tensor(1.0, device="cuda")
        try:
            seconds = _time(torch, lambda: torch._scaled_mm(a8, b8, scale_a=one, scale_b=one, out_dtype=torch.bfloat16))
        except RuntimeError:
            return None
    return 2 * n**3 / seconds


@dataclass(frozen=True)
class Shape:
    """The dense-decoder shapes the stack copies from a catalog model."""

    layers: int
    d_model: int
    ffn: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int

    @property
    def layer_params(self) -> int:
        q, kv = self.heads * self.head_dim, self.kv_heads * self.head_dim
        return self.d_model * (q + 2 * kv) + q * self.d_model + 3 * self.d_model * self.ffn

    @property
    def params(self) -> int:
        """Parameters the stack computes with: its layers and the LM head (not the embedding table)."""
        return self.layers * self.layer_params + self.vocab * self.d_model


class Stack:
    """``layers`` Llama-style decoder layers (GQA attention, SwiGLU MLP, RMSNorm) and an LM head.

    Rotary embeddings are left out: elementwise work on q and k, well under 1 % of a layer.
    """

    def __init__(self, torch: Any, shape: Shape) -> None:
        self.t, self.s = torch, shape
        dt, dev = torch.bfloat16, "cuda"
        q, kv = shape.heads * shape.head_dim, shape.kv_heads * shape.head_dim
        scale = shape.d_model**-0.5

        def w(rows: int, cols: int) -> Any:
            return torch.randn(rows, cols, device=dev, dtype=dt) * scale

        self.layers = [
            (
                w(shape.d_model, q + 2 * kv),
                w(q, shape.d_model),
                w(shape.d_model, 2 * shape.ffn),
                w(shape.ffn, shape.d_model),
            )
            for _ in range(shape.layers)
        ]
        self.head = w(shape.d_model, shape.vocab)

    def _norm(self, x: Any) -> Any:
        return x * self.t.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-5).to(x.dtype)

    def _mlp(self, x: Any, w13: Any, w2: Any) -> Any:
        g, u = (self._norm(x) @ w13).chunk(2, dim=-1)
        return x + (self.t.nn.functional.silu(g) * u) @ w2

    def prefill(self, x: Any) -> Any:
        """One prompt, x: [1, P, d]. Causal attention through SDPA (flash kernels)."""
        s, f = self.s, self.t.nn.functional
        p = x.shape[1]
        q_dim, kv_dim = s.heads * s.head_dim, s.kv_heads * s.head_dim
        for wqkv, wo, w13, w2 in self.layers:
            qkv = self._norm(x) @ wqkv
            q = qkv[..., :q_dim].view(1, p, s.heads, s.head_dim).transpose(1, 2)
            k = qkv[..., q_dim : q_dim + kv_dim].view(1, p, s.kv_heads, s.head_dim).transpose(1, 2)
            v = qkv[..., q_dim + kv_dim :].view(1, p, s.kv_heads, s.head_dim).transpose(1, 2)
            try:
                o = f.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
            except (TypeError, RuntimeError):
                g = s.heads // s.kv_heads
                o = f.scaled_dot_product_attention(
                    q, k.repeat_interleave(g, 1), v.repeat_interleave(g, 1), is_causal=True
                )
            x = x + o.transpose(1, 2).reshape(1, p, q_dim) @ wo
            x = self._mlp(x, w13, w2)
        return self._norm(x[:, -1]) @ self.head  # engines compute logits for the last token only

    def decode(self, x: Any, caches: list[tuple[Any, Any]]) -> Any:
        """One token for each of B sequences, x: [B, d]; caches[l] = (K, V) of [B, kv, ctx, hd].

        GQA attention as two batched matmuls over the cache (each KV head read once for its
        query group), so the step reads exactly weights + KV, as the model assumes.
        """
        s, t = self.s, self.t
        b = x.shape[0]
        g = s.heads // s.kv_heads
        q_dim, kv_dim = s.heads * s.head_dim, s.kv_heads * s.head_dim
        for (wqkv, wo, w13, w2), (kc, vc) in zip(self.layers, caches, strict=True):
            qkv = self._norm(x) @ wqkv
            q = qkv[:, :q_dim].view(b, s.kv_heads, g, s.head_dim)
            kc[:, :, -1] = qkv[:, q_dim : q_dim + kv_dim].view(b, s.kv_heads, s.head_dim)
            vc[:, :, -1] = qkv[:, q_dim + kv_dim :].view(b, s.kv_heads, s.head_dim)
            scores = t.softmax((q @ kc.transpose(-1, -2)).float() * s.head_dim**-0.5, dim=-1).to(x.dtype)
            x = x + (scores @ vc).reshape(b, q_dim) @ wo
            x = self._mlp(x, w13, w2)
        return self._norm(x) @ self.head


def prefill_seconds(torch: Any, stack: Stack, tokens: int) -> float:
    x = torch.randn(1, tokens, stack.s.d_model, device="cuda", dtype=torch.bfloat16)
    with torch.inference_mode():
        return _time(torch, lambda: stack.prefill(x), repeat=5, warmup=2)


def decode_seconds(torch: Any, stack: Stack, batch: int, context: int, graphs: bool = True) -> float:
    """One decode step of ``batch`` sequences each attending to ``context`` tokens, replayed from a CUDA graph."""
    s = stack.s
    with torch.inference_mode():
        caches = [
            (
                torch.randn(batch, s.kv_heads, context, s.head_dim, device="cuda", dtype=torch.bfloat16),
                torch.randn(batch, s.kv_heads, context, s.head_dim, device="cuda", dtype=torch.bfloat16),
            )
            for _ in range(s.layers)
        ]
        x = torch.randn(batch, s.d_model, device="cuda", dtype=torch.bfloat16)
        if not graphs:
            return _time(torch, lambda: stack.decode(x, caches))
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(2):
                stack.decode(x, caches)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            stack.decode(x, caches)
        return _time(torch, graph.replay, repeat=20)  # graph and caches are freed on return

"""``aiinfra probe``: measure this node's GPU and write a calibration file.

    aiinfra probe --gpu h200 --model llama-3.1-8b -o h200.calibration.json
    aiinfra size cluster.yaml --calibration h200.calibration.json

Needs PyTorch with CUDA (``pip install aiinfra[probe]``); the rest of aiinfra never
imports it. Measures HBM copy bandwidth, dense GEMM at BF16 and FP8 (where the GPU has
FP8), and a decoder-layer stack shaped like a catalog model with random weights: prefill
time at several prompt lengths, and decode-step time at several batch sizes replayed
from CUDA graphs. The file holds raw timings; ``aiinfra size`` fits its factors.

Exit codes: 0 written, 2 bad input or no usable GPU.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
from pathlib import Path
from typing import Any, Literal

EXIT_OK, EXIT_INVALID = 0, 2
DEFAULT_PROMPTS = (128, 512, 2048, 8192)
DEFAULT_BATCHES = (1, 8, 32, 64, 128, 256)
# Memory the stack's weights may take, so the biggest decode batch's KV still fits.
WEIGHT_SHARE = 0.6


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gpu", required=True, help="catalog GPU key this node has (h100, h200, b200, ...)")
    p.add_argument("--model", default="llama-3.1-8b", help="dense catalog model whose layer shapes to copy")
    p.add_argument("--layers", type=int, help="decoder layers in the stack (default: all that fit)")
    p.add_argument("--prompts", type=int, nargs="+", default=list(DEFAULT_PROMPTS), help="prefill lengths")
    p.add_argument("--batches", type=int, nargs="+", default=list(DEFAULT_BATCHES), help="decode batch sizes")
    p.add_argument("--context", type=int, default=1024, help="KV tokens each decoding sequence attends to")
    p.add_argument("--no-graphs", action="store_true", help="time decode eagerly instead of from CUDA graphs")
    p.add_argument("-o", "--output", type=Path, help="calibration file (default: <gpu>.calibration.json)")


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "probe",
        help="measure this node's GPU (needs PyTorch) and write a calibration file for 'aiinfra size'",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_arguments(p)


def _fail(message: str) -> int:
    print(f"aiinfra probe: {message}", file=sys.stderr)
    return EXIT_INVALID


def run(args: argparse.Namespace) -> int:
    from aiinfra.sizing.errors import SizingError
    from aiinfra.sizing.models import resolve_model

    try:
        arch = resolve_model(args.model)
    except SizingError as e:
        return _fail(str(e))
    if arch.moe is not None or arch.mla is not None or arch.sliding_window is not None:
        return _fail(f"{arch.name} is not a plain dense decoder; the probe stack copies dense GQA models only")
    if any(v < 1 for v in [*args.prompts, *args.batches, args.context]) or (
        args.layers is not None and args.layers < 1
    ):
        # checked before torch is imported: --layers 0 used to mean "all that fit"
        return _fail("prompt lengths, batch sizes, --context and --layers must be positive")
    try:
        torch = importlib.import_module("torch")  # the optional 'probe' extra; the core never imports it
    except ImportError:
        return _fail("PyTorch is not installed: pip install 'aiinfra[probe]' (torch with CUDA)")
    if not torch.cuda.is_available():
        return _fail("PyTorch sees no CUDA GPU on this node")
    return _measure(torch, args, arch)


def _measure(torch: Any, args: argparse.Namespace, arch: Any) -> int:
    from aiinfra.probe import bench
    from aiinfra.sizing.calibration import CalibrationFile, DecodeRow, DecoderStack, PrefillRow, write_calibration_file

    free, total = torch.cuda.mem_get_info()
    full = bench.Shape(
        arch.layers, arch.d_model, arch.ffn_dim, arch.n_heads, arch.n_kv_heads, arch.head_dim, arch.vocab_size
    )
    fit_layers = int((WEIGHT_SHARE * free / 2 - full.vocab * full.d_model) // full.layer_params)
    layers = min(args.layers or arch.layers, arch.layers, max(fit_layers, 0))
    if layers < 1:
        return _fail(f"not even one {arch.name} layer fits in {free / 1e9:.0f} GB free")
    shape = bench.Shape(
        layers, *(getattr(full, f) for f in ("d_model", "ffn", "heads", "kv_heads", "head_dim", "vocab"))
    )
    name = torch.cuda.get_device_name()
    print(f"probe: {name}, {total / 1e9:.0f} GB; stack {layers}/{arch.layers} layers of {arch.name}", flush=True)
    copy = bench.hbm_copy_bytes_per_s(torch)
    print(f"probe: HBM copy {copy / 1e12:.2f} TB/s (read + write)", flush=True)
    gemm: dict[Literal["bf16", "fp8"], float] = {}
    precisions: tuple[Literal["bf16", "fp8"], ...] = ("bf16", "fp8")
    for precision in precisions:
        flops = bench.gemm_flops(torch, precision)
        if flops is not None:
            gemm[precision] = flops
            print(f"probe: GEMM {precision} {flops / 1e12:.0f} TFLOP/s", flush=True)
    stack = bench.Stack(torch, shape)
    prefill = []
    for tokens in args.prompts:
        seconds = bench.prefill_seconds(torch, stack, tokens)
        prefill.append(PrefillRow(tokens=tokens, seconds=seconds))
        print(f"probe: prefill {tokens:>6} tokens {seconds * 1000:8.2f} ms", flush=True)
    decode = []
    for batch in args.batches:
        try:
            seconds = bench.decode_seconds(torch, stack, batch, args.context, graphs=not args.no_graphs)
        except torch.cuda.OutOfMemoryError:
            print(f"probe: decode batch {batch} x {args.context} does not fit; stopping there", flush=True)
            break
        torch.cuda.empty_cache()
        decode.append(DecodeRow(batch=batch, context=args.context, seconds=seconds))
        print(f"probe: decode batch {batch:>4} x {args.context} ctx {seconds * 1000:8.3f} ms/step", flush=True)
    env = {
        "torch": str(torch.__version__),
        "cuda": str(torch.version.cuda),
        "python": platform.python_version(),
        "capability": ".".join(map(str, torch.cuda.get_device_capability())),
    }
    data = CalibrationFile(
        gpu=args.gpu,
        device=name,
        environment=env,
        hbm_copy_bytes_per_s=copy,
        gemm_flops=gemm,
        decoder=DecoderStack(
            model=args.model,
            layers=layers,
            dtype="bf16",
            cuda_graphs=not args.no_graphs,
            params=shape.params,
            prefill=prefill,
            decode=decode,
        ),
    )
    out = args.output or Path(f"{args.gpu}.calibration.json")
    write_calibration_file(out, data)
    print(f"probe: wrote {out}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="aiinfra probe", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    _add_arguments(p)
    return run(p.parse_args(argv))

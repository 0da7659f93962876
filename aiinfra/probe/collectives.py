"""Collectives benchmark over the GPUs of one node, written in the calibration-file format.

    NCCL_NVLS_ENABLE=0 torchrun --nproc_per_node 8 -m aiinfra.probe.collectives \\
        --gpu h200 -o h200x8.collectives.json

Each of all-reduce, all-gather, reduce-scatter and all-to-all is timed on 2, 4 and 8 ranks
(sub-groups of the ranks torchrun started; pass ``--ranks`` to change) over message sizes
from 8 KiB to 4 GiB, doubling. Sizes follow nccl-tests: ``bytes`` is the per-rank buffer
(the all-gather output / reduce-scatter input, the whole send buffer of all-to-all), and
``algbw = bytes / time``, ``busbw = algbw x factor`` (:mod:`aiinfra.sizing.collectives`).
Each point is the mean of timed iterations after warm-ups, measured on rank 0 with CUDA
events between two barriers; BF16 data.

NVLink multicast (NVLS) stays off: a program that uses it can take a shared host's GPUs
out of service. The script refuses to start unless ``NCCL_NVLS_ENABLE=0``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
from pathlib import Path
from typing import Any

OPS = ("all_reduce", "all_gather", "reduce_scatter", "all_to_all")
MIN_BYTES, MAX_BYTES = 8 * 1024, 4 * 1024**3


def sizes(lo: int = MIN_BYTES, hi: int = MAX_BYTES) -> list[int]:
    out, s = [], lo
    while s <= hi:
        out.append(s)
        s *= 2
    return out


def _iterations(size: int) -> tuple[int, int]:
    """(warm-ups, timed) : many for small messages, where launch jitter dominates."""
    if size <= 1024**2:
        return 5, 50
    if size <= 64 * 1024**2:
        return 3, 20
    return 2, 5


def _one(torch: Any, dist: Any, op: str, size: int, group: Any, ranks: int) -> float:
    elems = size // 2  # bf16
    dev = torch.device("cuda", torch.cuda.current_device())
    if op == "all_reduce":
        buf = torch.ones(elems, dtype=torch.bfloat16, device=dev)
        call = lambda: dist.all_reduce(buf, group=group)  # noqa: E731
    elif op == "all_gather":
        out = torch.empty(elems - elems % ranks, dtype=torch.bfloat16, device=dev)
        inp = torch.ones(out.numel() // ranks, dtype=torch.bfloat16, device=dev)
        call = lambda: dist.all_gather_into_tensor(out, inp, group=group)  # noqa: E731
    elif op == "reduce_scatter":
        inp = torch.ones(elems - elems % ranks, dtype=torch.bfloat16, device=dev)
        out = torch.empty(inp.numel() // ranks, dtype=torch.bfloat16, device=dev)
        call = lambda: dist.reduce_scatter_tensor(out, inp, group=group)  # noqa: E731
    else:
        inp = torch.ones(elems - elems % ranks, dtype=torch.bfloat16, device=dev)
        out = torch.empty_like(inp)
        call = lambda: dist.all_to_all_single(out, inp, group=group)  # noqa: E731
    warm, timed = _iterations(size)
    for _ in range(warm):
        call()
    torch.cuda.synchronize()
    dist.barrier(group=group)
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(timed):
        call()
    end.record()
    torch.cuda.synchronize()
    return float(start.elapsed_time(end)) / 1000 / timed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="aiinfra.probe.collectives", description=__doc__)
    p.add_argument("--gpu", required=True, help="catalog GPU key (h200)")
    p.add_argument("--ranks", type=int, nargs="+", default=[2, 4, 8])
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES)
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument(
        "--smoke",
        action="store_true",
        help="run every operation once over all ranks torchrun started (also 1) and check the all-reduce sum; "
        "writes no rows: it proves the code paths on a node too small for the real run",
    )
    args = p.parse_args(argv)
    if os.environ.get("NCCL_NVLS_ENABLE") != "0":
        print("collectives: set NCCL_NVLS_ENABLE=0 (NVLink multicast must stay off)", file=sys.stderr)
        return 2
    torch = importlib.import_module("torch")  # torchrun on a GPU node; the core never imports torch
    dist = importlib.import_module("torch.distributed")

    from aiinfra.sizing.calibration import CalibrationFile, write_calibration_file
    from aiinfra.sizing.collectives import row

    local = int(os.environ.get("LOCAL_RANK", "0"))
    torch.cuda.set_device(local)
    dist.init_process_group("nccl")
    world, rank = dist.get_world_size(), dist.get_rank()
    rows = []
    if args.smoke:
        buf = torch.ones(1024, dtype=torch.bfloat16, device="cuda")
        dist.all_reduce(buf)
        assert float(buf[0]) == world, f"all-reduce of ones gave {float(buf[0])}, not {world}"
        for op in OPS:
            for size in sizes(hi=args.max_bytes):
                seconds = _one(torch, dist, op, size, None, world)
                if rank == 0:
                    print(f"smoke {op:>14} x{world} {size:>11} B {seconds * 1e6:10.1f} us", flush=True)
    for ranks in [r for r in args.ranks if 2 <= r <= world and not args.smoke]:
        group = dist.new_group(list(range(ranks)))
        for op in OPS:
            for size in sizes(hi=args.max_bytes):
                if rank < ranks:
                    seconds = _one(torch, dist, op, size, group, ranks)
                    if rank == 0:
                        rows.append(row(op, ranks, size, seconds))  # type: ignore[arg-type]
                        r = rows[-1]
                        print(
                            f"{op:>14} x{ranks} {size:>11} B {seconds * 1e6:10.1f} us "
                            f"algbw {r.algbw_gbyte_per_s:7.1f} busbw {r.busbw_gbyte_per_s:7.1f} GB/s",
                            flush=True,
                        )
        dist.barrier()
    if rank == 0:
        env = {k: v for k, v in os.environ.items() if k.startswith("NCCL_") or k.startswith("TORCH_SYMM")}
        env.update(
            torch=str(torch.__version__),
            nccl=".".join(map(str, torch.cuda.nccl.version())),
            python=platform.python_version(),
            world=str(world),
        )
        write_calibration_file(
            args.output,
            CalibrationFile(gpu=args.gpu, device=torch.cuda.get_device_name(), environment=env, collectives=rows),
        )
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())

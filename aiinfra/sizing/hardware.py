"""The node and GPU a workload runs on, resolved from the hardware catalog."""

from __future__ import annotations

from dataclasses import dataclass

from aiinfra.catalog import Catalog
from aiinfra.catalog.models import GpuModel, ServerModel
from aiinfra.sizing.errors import SizingError
from aiinfra.sizing.models import scale_up_gbyte_per_s

# Which tensor-core peak a weight format runs at. Weight-only INT4 dequantises to BF16;
# FP4 runs at the FP8 rate here because the catalog records no FP4 peak (conservative on B200).
_COMPUTE_PEAK = {"bf16": "bf16", "fp16": "bf16", "fp8": "fp8", "int8": "fp8", "int4": "bf16", "fp4": "fp8"}


@dataclass(frozen=True)
class Hardware:
    """One node model and its GPU, with the figures sizing uses in SI units."""

    server_key: str
    server: ServerModel
    gpu_key: str
    gpu: GpuModel
    scale_up_bytes_per_s: float
    scale_up_from_catalog: bool

    @property
    def gpu_memory_bytes(self) -> float:
        return self.gpu.memory_gb * 1e9

    @property
    def hbm_bytes_per_s(self) -> float:
        return self.gpu.memory_bandwidth_tbps * 1e12

    @property
    def gpus_per_node(self) -> int:
        return self.server.gpus

    @property
    def scale_up_domain(self) -> int:
        return self.server.scale_up_domain

    def peak_flops(self, precision: str) -> float:
        """Dense peak FLOP/s for matmuls with weights stored in ``precision``."""
        if _COMPUTE_PEAK[precision] == "fp8":
            return self.gpu.fp8_tflops * 1e12
        return self.gpu.bf16_tflops * 1e12


def hardware_for_server(catalog: Catalog, server_key: str) -> Hardware:
    try:
        server = catalog.servers[server_key]
    except KeyError:
        raise SizingError(f"unknown server {server_key!r}; known: {', '.join(sorted(catalog.servers))}") from None
    try:
        gpu = catalog.gpus[server.gpu]
    except KeyError:
        raise SizingError(f"server {server_key!r} names GPU {server.gpu!r}, which is not in the catalog") from None
    bw, known = scale_up_gbyte_per_s(server.gpu)
    return Hardware(server_key, server, server.gpu, gpu, bw * 1e9, known)


def hardware_for_gpu(catalog: Catalog, gpu_key: str) -> Hardware:
    """The first catalog server (by name) built around ``gpu_key``: what-if mode names a GPU."""
    if gpu_key not in catalog.gpus:
        raise SizingError(f"unknown GPU {gpu_key!r}; known: {', '.join(sorted(catalog.gpus))}")
    servers = sorted(k for k, s in catalog.servers.items() if s.gpu == gpu_key)
    if not servers:
        raise SizingError(f"no server in the catalog carries GPU {gpu_key!r}; name one with --server")
    return hardware_for_server(catalog, servers[0])

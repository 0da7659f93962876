"""The node and GPU a workload runs on, resolved from the hardware catalog."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiinfra.catalog import Catalog
from aiinfra.catalog.models import GpuModel, ServerModel
from aiinfra.sizing.calibration import Calibration, calibration_from_file
from aiinfra.sizing.errors import SizingError

# Which tensor-core peak a weight format runs at. Weight-only INT4 dequantises to BF16; FP4 runs
# at the FP4 rate where the GPU has FP4 tensor cores (Blackwell, CDNA4) and at FP8 where it has not.
_COMPUTE_PEAK = {"bf16": "bf16", "fp16": "bf16", "fp8": "fp8", "int8": "fp8", "int4": "bf16", "fp4": "fp4"}


@dataclass(frozen=True)
class Hardware:
    """One node model and its GPU, with the figures sizing uses in SI units."""

    server_key: str
    server: ServerModel
    gpu_key: str
    gpu: GpuModel
    calibration: Calibration | None = None

    @property
    def gpu_memory_bytes(self) -> float:
        return self.gpu.memory_gb * 1e9

    @property
    def hbm_bytes_per_s(self) -> float:
        return self.gpu.memory_bandwidth_tbps * 1e12

    @property
    def scale_up_bytes_per_s(self) -> float:
        """One-direction NVLink/xGMI bandwidth per GPU (a required catalog fact)."""
        return self.gpu.scale_up_gbyte_per_s * 1e9

    @property
    def gpus_per_node(self) -> int:
        return self.server.gpus

    @property
    def scale_up_domain(self) -> int:
        return self.server.scale_up_domain

    def peak_flops(self, precision: str) -> float:
        """Dense peak FLOP/s for matmuls with weights stored in ``precision``, power cap applied."""
        kind = _COMPUTE_PEAK[precision]
        if kind == "fp4" and self.gpu.fp4_tflops is not None:
            tflops = self.gpu.fp4_tflops
        elif kind in ("fp8", "fp4"):
            tflops = self.gpu.fp8_tflops
        else:
            tflops = self.gpu.bf16_tflops
        return tflops * 1e12 * self.gpu.power_scale


def hardware_for_server(catalog: Catalog, server_key: str) -> Hardware:
    try:
        server = catalog.servers[server_key]
    except KeyError:
        raise SizingError(f"unknown server {server_key!r}; known: {', '.join(sorted(catalog.servers))}") from None
    try:
        gpu = catalog.gpus[server.gpu]
    except KeyError:
        raise SizingError(f"server {server_key!r} names GPU {server.gpu!r}, which is not in the catalog") from None
    return Hardware(server_key, server, server.gpu, gpu)


def hardware_for_gpu(catalog: Catalog, gpu_key: str) -> Hardware:
    """The first catalog server (by name) built around ``gpu_key``: what-if mode names a GPU."""
    if gpu_key not in catalog.gpus:
        raise SizingError(f"unknown GPU {gpu_key!r}; known: {', '.join(sorted(catalog.gpus))}")
    servers = sorted(k for k, s in catalog.servers.items() if s.gpu == gpu_key)
    if not servers:
        raise SizingError(f"no server in the catalog carries GPU {gpu_key!r}; name one with --server")
    return hardware_for_server(catalog, servers[0])


def load_calibration(catalog: Catalog, path: Path) -> Calibration:
    """Fit a probe file against the catalog peaks of the GPU it names."""
    peaks = {
        k: (g.memory_bandwidth_tbps * 1e12, g.bf16_tflops * 1e12, g.fp8_tflops * 1e12, g.scale_up_gbyte_per_s * 1e9)
        for k, g in catalog.gpus.items()
    }
    return calibration_from_file(path, peaks)


def calibrated(hw: Hardware, calibration: Calibration | None) -> Hardware:
    """``hw`` with a calibration attached; the file must be for this node's GPU."""
    if calibration is None:
        return hw
    if calibration.gpu != hw.gpu_key:
        raise SizingError(
            f"{calibration.path} calibrates GPU {calibration.gpu!r}, but the node {hw.server_key!r} has {hw.gpu_key!r}"
        )
    return Hardware(hw.server_key, hw.server, hw.gpu_key, hw.gpu, calibration)

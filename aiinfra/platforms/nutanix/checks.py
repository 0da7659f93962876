"""What Nutanix AHV cannot take: a host MTU above the virtual switch's, a GPU vendor ntnx_gpus_v2 lacks."""

from __future__ import annotations

from aiinfra.design.model import Design
from aiinfra.design.platform import PlatformIntent
from aiinfra.design.problems import Problem
from aiinfra.platforms.base import Where
from aiinfra.platforms.checks import mtu_limit

AHV_MAX_MTU = 9000  # AHV virtual switch / OVS bridge jumbo MTU
# ntnx_gpus_v2 ``vendor`` choices (nutanix.ncp); the renderer writes the catalog vendor upper-cased.
GPU_VENDORS = ("NVIDIA", "AMD", "INTEL")


def check(design: Design, intent: PlatformIntent, where: Where) -> list[Problem]:
    del where
    problems = mtu_limit(design, AHV_MAX_MTU, "the AHV virtual switch")
    problems += [
        Problem(
            ("compute", "node_model"),
            f"GPU {key} is made by {gpu.vendor}; Nutanix attaches GPUs of vendor "
            f"{', '.join(GPU_VENDORS)} only (ntnx_gpus_v2 vendor)",
        )
        for key, gpu in intent.gpus.items()
        if gpu.vendor.upper() not in GPU_VENDORS
    ]
    return problems

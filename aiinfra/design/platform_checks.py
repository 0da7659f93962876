"""What a platform cannot take, refused while designing with the spec field to change.

The check every platform shares (host QoS is rendered for mlx5 NICs only) is here;
each platform's own limits are its driver's ``check`` (``aiinfra/platforms/<name>/checks.py``).
All of them read the finished :class:`~aiinfra.design.platform.PlatformIntent` (after the
node facts were applied), so ``aiinfra validate`` fails with the node and the field
named instead of a renderer writing a placeholder, or failing, later.
"""

from __future__ import annotations

from aiinfra.design.model import Design
from aiinfra.design.platform import PlatformIntent
from aiinfra.design.problems import Problem
from aiinfra.platforms import driver
from aiinfra.platforms.base import Where
from aiinfra.spec.model import ClusterSpec

# Host QoS artefacts program mlx5 NICs: mlnx_qos, the ecn/roce_np sysfs knobs and the
# tc/1/traffic_class file are mlx5 (DOCA/MLNX_OFED) interfaces (fabric.md 3.1).
HOST_QOS_DRIVERS = {"mlx5"}


def platform_problems(spec: ClusterSpec, design: Design, intent: PlatformIntent) -> list[Problem]:
    """Every problem the platform outputs would have, positioned at the spec field to change."""
    problems = _driver_problems(spec, design, intent)
    check = driver(intent.type).check
    if check is not None:
        problems += check(design, intent, where(spec))
    return problems


def where(spec: ClusterSpec) -> Where:
    """The spec fields the platform checks report at."""
    if spec.compute.node_facts is not None:
        return Where(facts=("compute", "node_facts"), facts_file=str(spec.compute.node_facts))
    return Where(facts=("compute",), facts_file="a per-node facts file (CSV or YAML) named by compute.node_facts")


def _driver_problems(spec: ClusterSpec, design: Design, intent: PlatformIntent) -> list[Problem]:
    models = sorted({n.nic_model for node in design.nodes for n in node.backend})
    path = ("compute", "backend_nic") if spec.compute.backend_nic else ("compute", "node_model")
    return [
        Problem(
            path,
            f"back-end NIC {m} uses the {intent.nics[m].rdma_driver} RDMA driver; aiinfra renders host RoCE "
            "QoS (trust, PFC, DCQCN/CNP, ToS) for mlx5 NICs only, and will not render settings it cannot verify",
        )
        for m in models
        if intent.nics[m].rdma_driver not in HOST_QOS_DRIVERS
    ]

"""GPU nodes and their back-end NIC intent: one /31 and one routing table per rail NIC.

The /31 per NIC (leaf .0, NIC .1) plus a per-NIC routing table and source rule
is the ARP-flux fix for eight NICs in one host (fabric.md 3.2b).
"""

from __future__ import annotations

from aiinfra.catalog.models import ServerModel
from aiinfra.design.addressing import Pool
from aiinfra.design.context import width
from aiinfra.design.model import Node, NodeNic

BACKEND_TABLE_BASE = 100


def build_nodes(
    *,
    cluster: str,
    prefix: str,
    count: int,
    nodes_per_su: int,
    server_key: str,
    server: ServerModel,
    backend_nic: str,
    nic_speed: int,
    rails: int,
    host_mtu: int,
    gpu_pool: Pool,
) -> list[Node]:
    nodes = []
    w = width(count)
    group = server.backend
    for n in range(1, count + 1):
        node = Node(
            name=f"{cluster}-{prefix}-{n:0{w}d}",
            index=n,
            su=(n - 1) // nodes_per_su + 1,
            model=server_key,
            gpu=server.gpu,
            gpus=server.gpus,
            mgmt_address="",
            bmc_address="",
        )
        nodes.append(node)
    # Allocate rail-major within each SU so every leaf's host /31s are contiguous.
    for su in sorted({node.su for node in nodes}):
        members = [node for node in nodes if node.su == su]
        for r in range(rails):
            for node in members:
                leaf_side, nic_side = gpu_pool.take_p2p()
                node.backend.append(
                    NodeNic(
                        fabric="backend",
                        index=r + 1,
                        netdev=group.netdevs[r] if group.netdevs else f"rail{r + 1}",
                        rdma_device=group.rdma_devices[r] if group.rdma_devices else f"rdma{r}",
                        nic_model=backend_nic,
                        speed_gbps=nic_speed,
                        address=nic_side,
                        gateway=leaf_side.split("/")[0],
                        switch="",
                        switch_interface="",
                        route_table=BACKEND_TABLE_BASE + r + 1,
                        mtu=host_mtu,
                    )
                )
    return nodes

"""GPU nodes and their back-end NIC intent: one /31 and one routing table per rail NIC.

The /31 per NIC (leaf .0, NIC .1) plus a per-NIC routing table and source rule
is the ARP-flux fix for eight NICs in one host (fabric.md 3.2b).

Identities come from position: node ``n`` is named with the spec's fixed digit count
and its rail ``r`` NIC takes /31 number ``(n - 1) * rails + (r - 1)`` of the GPU pool, so
adding nodes or SUs appends names and addresses and renumbers no existing NIC.
"""

from __future__ import annotations

from aiinfra.catalog.models import ServerModel
from aiinfra.design.addressing import Pool
from aiinfra.design.model import Node, NodeNic
from aiinfra.design.naming import num

BACKEND_TABLE_BASE = 100


def build_nodes(
    *,
    cluster: str,
    prefix: str,
    count: int,
    digits: int,
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
    group = server.backend
    for n in range(1, count + 1):
        node = Node(
            name=f"{cluster}-{prefix}-{num(n, digits)}",
            index=n,
            su=(n - 1) // nodes_per_su + 1,
            model=server_key,
            gpu=server.gpu,
            gpus=server.gpus,
            mgmt_address="",
            bmc_address="",
        )
        nodes.append(node)
    # per rail, the same for every node: looked up once, not once per NIC
    netdevs = [group.netdevs[r] if group.netdevs else f"rail{r + 1}" for r in range(rails)]
    rdma = [group.rdma_devices[r] if group.rdma_devices else f"rdma{r}" for r in range(rails)]
    for node in nodes:
        first = (node.index - 1) * rails
        nics = node.backend
        for r in range(rails):
            leaf_ip, nic_ip = gpu_pool.p2p_ips_at(first + r)
            nics.append(
                NodeNic(
                    fabric="backend",
                    index=r + 1,
                    netdev=netdevs[r],
                    rdma_device=rdma[r],
                    nic_model=backend_nic,
                    speed_gbps=nic_speed,
                    address=f"{nic_ip}/31",
                    gateway=leaf_ip,
                    switch="",
                    switch_interface="",
                    route_table=BACKEND_TABLE_BASE + r + 1,
                    mtu=host_mtu,
                )
            )
    return nodes

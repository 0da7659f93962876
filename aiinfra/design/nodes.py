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
    nic_rails = [(r, r + 1, netdevs[r], rdma[r], BACKEND_TABLE_BASE + r + 1) for r in range(rails)]
    for node in nodes:
        first = (node.index - 1) * rails
        nics = node.backend
        for r, rail, netdev, rdma_device, table in nic_rails:
            leaf_ip, nic_cidr = gpu_pool.p2p_host_at(first + r)  # leaf .0, NIC .1
            nics.append(
                NodeNic(  # positionally, in NodeNic's field order (131k at 131k GPUs; pinned by a test)
                    "backend",  # fabric
                    rail,  # index
                    netdev,  # netdev
                    rdma_device,  # rdma_device
                    backend_nic,  # nic_model
                    nic_speed,  # speed_gbps
                    nic_cidr,  # address
                    leaf_ip,  # gateway
                    "",  # switch
                    "",  # switch_interface
                    table,  # route_table
                    host_mtu,  # mtu
                )
            )
    return nodes

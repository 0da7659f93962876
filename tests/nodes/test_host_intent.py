"""Host intent is the switches' QosIntent seen from the NIC: same numbers, no second source."""

from __future__ import annotations

from ipaddress import IPv4Address

from hypothesis import given, settings
from hypothesis import strategies as st

from aiinfra.design.hosts import ADAPTIVE_ROUTING, QPS_PER_CONNECTION, ipv4_gid, nccl_env, rail_intent
from aiinfra.design.model import NodeNic
from aiinfra.design.qos import qos_intent
from aiinfra.spec.fabrics import Roce
from tests.conftest import example


@st.composite
def roces(draw: st.DrawFn) -> Roce:
    # class 0 and DSCP 0 are best effort, and every number is distinct (Roce refuses the rest)
    priority = draw(st.integers(1, 7))
    cnp_priority = draw(st.integers(1, 7).filter(lambda p: p != priority))
    dscp = draw(st.integers(1, 63))
    extra = draw(st.lists(st.integers(1, 63).filter(lambda d: d != dscp), max_size=3, unique=True))
    cnp_dscp = draw(st.integers(1, 63).filter(lambda d: d != dscp and d not in extra))
    return Roce(
        priority=priority,
        dscp=dscp,
        also_classify_dscp=extra,
        cnp_dscp=cnp_dscp,
        cnp_priority=cnp_priority,
        dcqcn=draw(st.booleans()),
        host_mtu=draw(st.integers(1280, 9194)),
    )


NIC = NodeNic(
    "backend", 1, "eth1", "mlx5_0", "connectx-7", 400, "10.1.2.3/31", "10.1.2.2", "leaf", "Ethernet1", 101, 9000
)


@settings(max_examples=80, deadline=None)
@given(roce=roces(), mode=st.sampled_from(sorted(QPS_PER_CONNECTION)))
def test_nic_intent_is_the_switch_contract(roce: Roce, mode: str) -> None:
    qos = qos_intent(roce, 400, 64_000_000)
    nic = rail_intent(NIC, qos, "mlx5")
    assert nic.trust == "dscp"
    assert dict(nic.dscp_to_priority) == {
        **{d: qos.nodrop_priority for d in qos.roce_dscps},
        qos.cnp_dscp: qos.cnp_priority,
    }
    assert nic.pfc_priority == roce.priority
    assert nic.dcqcn_priorities == ((roce.priority,) if roce.dcqcn else ())
    assert (nic.cnp_dscp, nic.cnp_priority) == (roce.cnp_dscp, roce.cnp_priority)
    assert nic.roce_tos >> 2 == nic.roce_dscp == roce.dscp
    assert nic.roce_tos & 0b11 == 0b10  # ECT(0), so the switch can mark CE
    assert nic.pause_8023x is False
    env = dict(nccl_env((nic,), qos, mode))
    assert env["NCCL_IB_TC"] == str(nic.roce_tos)
    assert env["NCCL_IB_HCA"] == "=mlx5_0:1"
    assert env["NCCL_IB_QPS_PER_CONNECTION"] == str(QPS_PER_CONNECTION[mode])
    assert env["NCCL_IB_ADAPTIVE_ROUTING"] == str(ADAPTIVE_ROUTING[mode])


def test_load_balancing_modes_shape_nccl() -> None:
    """ECMP needs QP entropy; per-packet spraying needs NCCL's adaptive-routing mode."""
    assert QPS_PER_CONNECTION["ecmp"] > 1
    assert ADAPTIVE_ROUTING == {"ecmp": 0, "flowlet": 0, "per-packet": 1}


def test_gid_is_the_ipv4_mapped_address_sysfs_prints() -> None:
    assert ipv4_gid(IPv4Address("10.1.0.17").packed) == "0000:0000:0000:0000:0000:ffff:0a01:0011"


def test_every_lab_node_gets_all_rails_in_order() -> None:
    lab = example("lab")
    assert lab.design.platform is not None
    assert list(lab.design.platform.hosts) == [n.name for n in lab.design.nodes]
    for node in lab.design.nodes:
        intent = lab.design.platform.hosts[node.name]
        assert [n.rail for n in intent.nics] == list(range(1, lab.design.rails + 1))
        assert len({n.route_table for n in intent.nics}) == lab.design.rails
        assert all(n.gateway == str(IPv4Address(n.ip) - 1) for n in intent.nics)
        assert intent.load_balancing == "ecmp"

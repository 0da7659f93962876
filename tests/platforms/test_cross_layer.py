"""A leaf and the hosts cabled to it agree on DSCP, priority, PFC, CNP and MTU.

For every example spec (all five switch OSes and all four platforms between them),
render a back-end leaf, parse it back with the OS-neutral parsers, read the rendered
host artefacts of the nodes on that leaf, and compare what each side would run with.
"""

from __future__ import annotations

from ipaddress import IPv4Interface

import pytest

from aiinfra.design.model import Device
from aiinfra.nos import driver, names
from aiinfra.nos.cumulus import parser as cumulus
from aiinfra.nos.eos import parser as eos
from aiinfra.nos.junos import parser as junos
from aiinfra.nos.nxos import parser as nxos
from aiinfra.nos.sonic import parser as sonic
from aiinfra.nos.srlinux import parser as srlinux
from tests.conftest import EXAMPLE_NAMES
from tests.parsers.model import ParsedSwitch
from tests.platforms.examples import PLATFORMS, example_result, nodes_on, sample_files, sample_leaves
from tests.platforms.hostviews import HostNic, host_nics, rail_key

L2_OVERHEAD = 22  # Ethernet header + 802.1Q tag + FCS on top of the IP MTU


def parse_leaf(device: Device, files: dict[str, str]) -> ParsedSwitch:
    texts = list(files.values())
    if device.os == "sonic":
        db = next(t for p, t in files.items() if p.endswith(".json"))
        frr = next(t for p, t in files.items() if p.endswith(".frr.conf"))
        return sonic.parse_sonic(db, frr)
    parser = {
        "nxos": nxos.parse,
        "eos": eos.parse,
        "cumulus": cumulus.parse_cumulus,
        "junos": junos.parse_switch,
        "srlinux": srlinux.parse,
    }
    return parser[device.os](texts[0])


CASES = [
    pytest.param(name, which, id=f"{name}-{PLATFORMS[name]}-leaf{which}") for name in EXAMPLE_NAMES for which in (0, -1)
]


def test_examples_cover_every_platform_and_os() -> None:
    assert set(PLATFORMS.values()) == {"baremetal", "openshift", "vmware", "nutanix"}
    oses = {d.os for name in EXAMPLE_NAMES for d in example_result(name).design.devices.values()}
    assert oses == set(names())


@pytest.mark.parametrize(("name", "which"), CASES)
def test_leaf_and_hosts_agree(name: str, which: int) -> None:
    result = example_result(name)
    design, platform = result.design, PLATFORMS[name]
    leaf = sample_leaves(design)[which]
    switch = parse_leaf(leaf, driver(leaf.os).render(leaf, design))
    files = sample_files(name)
    qos = design.qos["backend"]
    checked = 0
    for node_name in nodes_on(design, leaf):
        node = next(n for n in design.nodes if n.name == node_name)
        nic = next(n for n in node.backend if n.switch == leaf.name)
        host = host_nics(platform, files, node_name)[rail_key(platform, nic.netdev, nic.index)]
        port = switch.interfaces[nic.switch_interface]
        _addressing(host, port.address)
        assert port.mtu is not None and host.mtu + L2_OVERHEAD <= port.mtu, (host.mtu, port.mtu)
        assert not port.shutdown
        # the switch side of the lossless contract on this port
        assert port.trust_dscp and port.pfc_priorities == {qos.nodrop_priority}
        assert port.ecn_on_roce_queue == qos.dcqcn
        if host.transport == "roce":
            _roce_agrees(host, switch, port.pfc_priorities)
        else:
            # AHV guests have no RDMA device: they must not claim RoCE (NCCL_IB_DISABLE=1)
            assert platform == "nutanix" and host.marked_dscp is None
        checked += 1
    assert checked == len(nodes_on(design, leaf)) > 0


def _addressing(host: HostNic, switch_address: str | None) -> None:
    assert switch_address is not None
    leaf_if, host_if = IPv4Interface(switch_address), IPv4Interface(host.address)
    assert leaf_if.network == host_if.network and leaf_if.network.prefixlen == 31
    assert leaf_if.ip != host_if.ip


def _roce_agrees(host: HostNic, switch: ParsedSwitch, port_pfc: set[int]) -> None:
    # DSCP: what the host marks lands in a lossless class on the switch
    assert host.marked_dscp is not None
    data_tc = switch.dscp_to_tc[host.marked_dscp]
    assert data_tc in switch.nodrop_priorities
    # priority + PFC: host pauses exactly the priorities the switch port pauses
    assert host.pfc_priorities == port_pfc == {data_tc}
    assert host.trust_dscp
    # every DSCP->priority entry the host programs is the switch's classification too
    for dscp, prio in host.dscp_to_priority.items():
        assert switch.dscp_to_tc.get(dscp) == prio, (dscp, prio, switch.dscp_to_tc.get(dscp))
    # CNP: the switch classifies the host's CNP DSCP to the host's CNP priority, strict
    assert host.cnp_dscp is not None and host.cnp_priority is not None
    assert switch.dscp_to_tc[host.cnp_dscp] == host.cnp_priority
    assert host.cnp_priority in switch.strict_priority_tcs
    assert host.cnp_priority not in switch.nodrop_priorities
    assert host.dcqcn

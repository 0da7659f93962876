"""Property-based: whatever the size, no address is handed out twice, every /31 has
its two ends on the two sides of one cable, and BGP peers agree with each other."""

from __future__ import annotations

import ipaddress
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiinfra.design.build import build_design
from aiinfra.design.model import Design
from aiinfra.spec.load import validate_data
from aiinfra.spec.loader import SourceMap
from tests.conftest import lab_data


def _design(nodes: int, per_su: int, rails: int, over: str, scheme: str) -> Design:
    data = lab_data()
    data["compute"] = {"node_model": "dgx-h100", "nodes": nodes}
    be = data["fabrics"]["backend"]
    be.update(
        {
            "nodes_per_su": per_su,
            "rails": rails,
            "oversubscription": over,
            "switches": {"model": "n9364d-gx2a", "os": "nxos"},
        }
    )
    be["underlay"] = {"asn_pool": {"first": 4200000000, "last": 4200009999}, "asn_scheme": scheme}
    be["addressing"] = {"loopbacks": "10.0.0.0/22", "fabric_links": "10.4.0.0/16", "gpu": "10.5.0.0/16"}
    data["fabrics"]["frontend"]["addressing"] = {
        "loopbacks": "10.2.0.0/24",
        "fabric_links": "10.2.4.0/22",
        "host_links": "10.3.0.0/19",
        "hosts": "10.2.16.0/20",
    }
    data["site"]["management"]["network"] = "192.168.0.0/20"
    return build_design(validate_data(data, SourceMap("t.yaml")))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    nodes=st.integers(1, 80),
    per_su=st.sampled_from([4, 8, 16, 32]),
    rails=st.integers(1, 8),
    over=st.sampled_from(["1:1", "2:1", "3:1"]),
    scheme=st.sampled_from(["rfc7938", "unique"]),
)
def test_no_collisions_and_consistent_peers(nodes: int, per_su: int, rails: int, over: str, scheme: str) -> None:
    d = _design(nodes, per_su, rails, over, scheme)
    addresses: list[str] = []
    for dev in d.devices.values():
        addresses.append(dev.mgmt_address.split("/")[0])
        if dev.loopback:
            addresses.append(dev.loopback.split("/")[0])
        addresses.extend(i.address.split("/")[0] for i in dev.interfaces if i.address)
    for n in d.nodes:
        addresses += [n.mgmt_address.split("/")[0], n.bmc_address.split("/")[0]]
        addresses.extend(nic.address.split("/")[0] for nic in (*n.backend, *n.frontend))
        if n.frontend_address:
            addresses.append(n.frontend_address.split("/")[0])
    dupes = [a for a, c in Counter(addresses).items() if c > 1]
    assert not dupes
    assert d.mgmt_gateway not in addresses

    index = {(dev.name, i.name): i for dev in d.devices.values() for i in dev.interfaces}
    for link in d.links:
        if link.kind not in ("leaf-spine", "spine-super-spine"):
            continue
        a, b = index[(link.a_device, link.a_interface)], index[(link.b_device, link.b_interface)]
        na, nb = ipaddress.ip_interface(a.address), ipaddress.ip_interface(b.address)
        assert na.network == nb.network and na.network.prefixlen == 31 and na.ip != nb.ip
        assert a.peer_address == str(nb.ip) and b.peer_address == str(na.ip)

    for n in d.nodes:
        for nic in n.backend:
            leaf = d.devices[nic.switch]
            port = index[(leaf.name, nic.switch_interface)]
            assert leaf.rail == nic.index and leaf.su == n.su  # rail-optimized: NIC r -> rail r leaf of its SU
            assert ipaddress.ip_interface(port.address).network == ipaddress.ip_interface(nic.address).network
            assert port.address.split("/")[0] == nic.gateway

    asn = {dev.name: dev.bgp.asn for dev in d.devices.values() if dev.bgp}
    for dev in d.devices.values():
        if not dev.bgp:
            continue
        for nb in dev.bgp.neighbors:
            assert nb.remote_asn == asn[nb.peer_device]
            peer = d.devices[nb.peer_device]
            assert any(i.address and i.address.split("/")[0] == nb.address for i in peer.interfaces)
    leaf_asns = [dev.bgp.asn for dev in d.devices.values() if dev.role == "leaf" and dev.bgp]
    assert len(set(leaf_asns)) == len(leaf_asns)
    if scheme == "unique":
        backend = [a for name, a in asn.items() if d.devices[name].fabric == "backend"]
        assert len(set(backend)) == len(backend)


def test_pool_message_sizes(tmp_path: Path) -> None:
    from netaddr import IPNetwork

    from aiinfra.design.addressing import Pool

    pool = Pool("gpu", IPNetwork("10.0.0.0/20"), 2)
    assert pool.need(2048) is None
    assert pool.need(2049) == (
        "10.0.0.0/20 holds 4,096 addresses but 2,049 /31s are needed (4,098 addresses); use a /19 or larger"
    )

"""Servers, OpenShift networks and VIPs must stay off the addresses aiinfra numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Mutation, both, lab_data, platform_block, put
from tests.spec.test_semantics import assert_refused_at, problem_lines, validate


def openshift(**changes: str) -> Mutation:
    return put("platform", platform_block("openshift", **changes))


def small_management(*more: Mutation) -> Mutation:
    """A /27 management network numbered from offset 9, its servers kept below the range."""
    return both(
        put("site.management.network", "192.168.0.0/27"),
        put("site.management.first_host_offset", 9),
        put("site.dns", ["192.168.0.2"]),
        put("site.ntp", ["192.168.0.3"]),
        put("site.syslog", ["192.168.0.5"]),
        put("security.aaa.servers.0.address", "192.168.0.6"),
        *more,
    )


CASES: list[tuple[str, Mutation, str, str]] = [
    (
        "ntp-in-gpu-pool",
        put("site.ntp", ["10.1.0.7"]),
        "site.ntp[0]",
        "10.1.0.7 is inside fabrics.backend.addressing.gpu (10.1.0.0/24), the pool of GPU NIC /31s that aiinfra "
        "numbers; give the server's own address, outside every fabric pool",
    ),
    (
        "syslog-in-loopbacks",
        put("site.syslog", ["10.0.0.1"]),
        "site.syslog[0]",
        "inside fabrics.backend.addressing.loopbacks (10.0.0.0/24), the pool of switch loopbacks",
    ),
    (
        "aaa-in-frontend-hosts",
        put("security.aaa.servers.0.address", "10.2.3.1"),
        "security.aaa.servers[0].address",
        "inside fabrics.frontend.addressing.hosts (10.2.3.0/24), the pool of node /32 addresses",
    ),
    (
        "dns-in-p2p",
        put("site.dns", ["10.2.2.9"]),
        "site.dns[0]",
        "inside fabrics.frontend.addressing.host_links (10.2.2.0/24), the pool of node uplink /31s",
    ),
    (
        "dns-at-switch-mgmt-ip",
        put("site.dns", ["192.168.0.12"]),
        "site.dns[0]",
        "192.168.0.12 is the management address of switch lab-be-leaf-su001-r3; aiinfra numbers "
        "192.168.0.10-192.168.0.139 (from first_host_offset 10); use an address outside that range, or raise "
        "first_host_offset to keep the server's address below it",
    ),
    (
        "tacacs-at-bmc",
        put("security.aaa.servers.0.address", "192.168.0.139"),
        "security.aaa.servers[0].address",
        "192.168.0.139 is the BMC address of node lab-gpu-004",
    ),
    (
        "gateway-skip-fills-the-pool",
        small_management(put("site.management.gateway", "192.168.0.20")),
        "site.management.network",
        "192.168.0.0/27 from offset 9 has 21 usable addresses; the 5 kept for backend switches (a fixed share, "
        "so growth renumbers nothing) do not reach lab-be-leaf-su001-r4",
    ),
    (
        "broadcast-never-handed-out",
        small_management(),
        "site.management.network",
        "192.168.0.0/27 from offset 9 has 22 usable addresses",
    ),
    (
        "cluster-network-over-pools",
        openshift(cluster_network="10.0.0.0/15"),
        "platform.cluster_network",
        "cluster_network 10.0.0.0/15 overlaps fabrics.backend.addressing.loopbacks (10.0.0.0/24), "
        "fabrics.backend.addressing.fabric_links (10.0.1.0/24), fabrics.backend.addressing.gpu (10.1.0.0/24); "
        "pod and service routes would shadow them",
    ),
    (
        "service-network-over-mgmt",
        openshift(service_network="192.168.0.0/16"),
        "platform.service_network",
        "service_network 192.168.0.0/16 overlaps the management network site.management.network (192.168.0.0/24); "
        "pod and service routes would shadow it",
    ),
    (
        "service-inside-cluster-network",
        openshift(service_network="10.130.0.0/16"),
        "platform.service_network",
        "service_network 10.130.0.0/16 overlaps cluster_network 10.128.0.0/14; they must be disjoint",
    ),
    (
        "api-vip-in-gpu-pool",
        openshift(api_vip="10.1.0.9"),
        "platform.api_vip",
        "api_vip 10.1.0.9 is inside fabrics.backend.addressing.gpu (10.1.0.0/24); the VIP belongs on an address of "
        "the load balancer's own network, or of fabrics.frontend.addressing.hosts above the 4 node addresses "
        "(10.2.3.4-10.2.3.255)",
    ),
    (
        "ingress-vip-in-mgmt",
        openshift(ingress_vip="192.168.0.200"),
        "platform.ingress_vip",
        "ingress_vip 192.168.0.200 is inside the management network site.management.network (192.168.0.0/24)",
    ),
    (
        "dns-in-service-network",
        both(openshift(), put("site.dns", ["172.30.0.10"])),
        "site.dns[0]",
        "172.30.0.10 is inside platform.service_network (172.30.0.0/16), which OpenShift routes inside the "
        "cluster, so nodes and pods could not reach the server",
    ),
    (
        "ingress-vip-in-service-network",
        openshift(ingress_vip="172.30.0.10"),
        "platform.ingress_vip",
        "ingress_vip 172.30.0.10 is inside platform.service_network (172.30.0.0/16)",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_address_problem_is_positioned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate: Mutation, path: str, message: str
) -> None:
    assert_refused_at(tmp_path, capsys, mutate, path, message)


def test_vips_in_the_free_part_of_the_node_pool_pass_these_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lab as OpenShift fails only for the MACs it lacks, never for its networks or VIPs."""
    data = lab_data()
    openshift()(data)
    _, err, spec = validate(tmp_path, capsys, data)
    assert all(not f.startswith("platform") for f, _ in problem_lines(err, spec)), err

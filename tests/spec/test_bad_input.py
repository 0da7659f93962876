"""A corpus of bad specs: one case per error message, each checked end to end
through the CLI for exit code 2, a file:line:column position, the field path and
the message, and that nothing was written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aiinfra.cli import main
from tests.conftest import Mutation, lab_data, put, write_spec


def _delete(path: str) -> Mutation:
    def apply(d: dict[str, Any]) -> None:
        keys = path.split(".")
        for k in keys[:-1]:
            d = d[k]
        del d[keys[-1]]

    return apply


CASES: list[tuple[str, Mutation, str, str]] = [
    ("unknown-key", put("site.colour", "blue"), "site.colour", "unknown key 'colour'; valid keys here: dns, domain"),
    ("missing-key", _delete("compute.node_model"), "compute.node_model", "required key 'node_model' is missing"),
    (
        "bad-enum",
        put("fabrics.backend.load_balancing", "spray"),
        "fabrics.backend.load_balancing",
        "Input should be 'ecmp', 'flowlet' or 'per-packet'",
    ),
    (
        "priority-range",
        put("fabrics.backend.roce.priority", 9),
        "fabrics.backend.roce.priority",
        "less than or equal to 7",
    ),
    (
        "cnp-equals-nodrop",
        put("fabrics.backend.roce.cnp_priority", 3),
        "fabrics.backend.roce.cnp_priority",
        "cnp_priority 3 equals priority; CNPs must bypass the congested lossless queue, so the two classes "
        "need different priorities: use 1, 2, 4, 5, 6 or 7",
    ),
    (
        "cnp-dscp-is-data",
        put("fabrics.backend.roce.cnp_dscp", 26),
        "fabrics.backend.roce.cnp_dscp",
        "cnp_dscp 26 is also the RoCE data DSCP at dscp; switches and NICs tell CNPs from data by DSCP alone: "
        "use one of 1-23, 25, 27-63",
    ),
    (
        "plaintext-aaa-key",
        put("security.aaa.servers.0.key", "hunter2"),
        "security.aaa.servers[0].key",
        "plaintext secret",
    ),
    (
        "plaintext-snmp-key",
        put("security.snmp.users.0.auth_key", "s3cret!"),
        "security.snmp.users[0].auth_key",
        "plaintext secret",
    ),
    (
        "secret-both-forms",
        put("security.aaa.servers.0.key", {"vault": "a", "env": "B"}),
        "security.aaa.servers[0].key",
        "give exactly one of 'vault' or 'env'",
    ),
    (
        "bad-ssh-key",
        put("security.users.0.ssh_keys", ["not a key"]),
        "security.users[0].ssh_keys",
        "not an OpenSSH public key",
    ),
    (
        "gateway-outside",
        put("site.management.gateway", "10.9.9.9"),
        "site.management.gateway",
        "gateway 10.9.9.9 is not inside 192.168.0.0/24",
    ),
    ("nodes-and-sus", put("compute.scalable_units", 2), "compute", "give exactly one of 'nodes' or 'scalable_units'"),
    (
        "bad-ratio",
        put("fabrics.backend.oversubscription", "two"),
        "fabrics.backend.oversubscription",
        "String should match pattern",
    ),
    (
        "unknown-node-model",
        put("compute.node_model", "dgx-z9"),
        "compute.node_model",
        "unknown node model 'dgx-z9'; catalog has: dgx-b200",
    ),
    (
        "unknown-switch",
        put("fabrics.backend.switches.leaf.model", "sn9999"),
        "fabrics.backend.switches.leaf.model",
        "unknown switch model 'sn9999'",
    ),
    (
        "os-not-supported",
        put("fabrics.backend.switches.leaf.os", "eos"),
        "fabrics.backend.switches.leaf.os",
        "does not run eos; it runs: sonic",
    ),
    (
        "lb-not-in-os",
        put("fabrics.backend.load_balancing", "flowlet"),
        "fabrics.backend.load_balancing",
        "SONiC (community) 202411 on the leaves cannot do flowlet load balancing; it supports: ecmp",
    ),
    (
        "per-packet-needs-ooo-nic",
        (
            lambda d: (
                put("fabrics.backend.switches", {"model": "qfx5240-64od", "os": "junos"})(d),
                put("fabrics.backend.load_balancing", "per-packet")(d),
            )
        ),
        "fabrics.backend.load_balancing",
        "does not tolerate out-of-order delivery",
    ),
    (
        "host-mtu-too-big",
        put("fabrics.backend.roce.host_mtu", 9216),
        "fabrics.backend.roce.host_mtu",
        "exceeds the Cisco NX-OS switch MTU 9216, SONiC (community) switch MTU 9216; use 9194 or less",
    ),
    (
        "gpu-pool-small",
        put("fabrics.backend.addressing.gpu", "10.1.0.0/28"),
        "fabrics.backend.addressing.gpu",
        "10.1.0.0/28 holds 16 addresses but 32 /31s are needed (64 addresses); use a /26 or larger (4 nodes x 8 NICs)",
    ),
    (
        "pools-overlap",
        put("fabrics.frontend.addressing.hosts", "10.1.0.0/25"),
        "fabrics.backend.addressing.gpu",
        "10.1.0.0/24 overlaps fabrics.frontend.addressing.hosts (10.1.0.0/25); address pools must be disjoint",
    ),
    (
        "mgmt-pool-small",
        put("site.management.network", "192.168.0.0/28"),
        "site.management.network",
        "its node half holds 3 but 4 nodes need 8 (host + BMC)",
    ),
    (
        "asn-pool-small",
        put("fabrics.backend.underlay.asn_pool", {"first": 4200000000, "last": 4200000003}),
        "fabrics.backend.underlay.asn_pool",
        "keep 2 for leaf switches (a fixed share) but the rfc7938 scheme needs 8",
    ),
    (
        "asn-pool-public",
        put("fabrics.backend.underlay.asn_pool", {"first": 65000, "last": 66000}),
        "fabrics.backend.underlay.asn_pool",
        "is not inside one private ASN range (RFC 6996)",
    ),
    (
        "asn-pools-overlap",
        put("fabrics.frontend.underlay.asn_pool", {"first": 4200000500, "last": 4200001500}),
        "fabrics.frontend.underlay.asn_pool",
        "overlaps the backend range",
    ),
    ("nic-speed-mismatch", put("fabrics.backend.link_speed", "200G"), "fabrics.backend.link_speed", "runs at 400G"),
    ("too-many-rails", put("fabrics.backend.rails", 12), "fabrics.backend.rails", "has 8 back-end NICs"),
    (
        "cable-beyond-reach",
        put("fabrics.backend.roce.cable_length_m", {"host_leaf": 3, "leaf_spine": 5000}),
        "fabrics.backend.roce.cable_length_m.leaf_spine",
        "exceeds the 2000 m reach",
    ),
    (
        "headroom-over-budget",
        (
            lambda d: (
                put(
                    "catalog",
                    {
                        "switches": {
                            "small-buffer-tor": {
                                "vendor": "Example",
                                "model": "SB-64",
                                "asic": "shallow",
                                "ports": 64,
                                "port_speed_gbps": 800,
                                "breakouts": [{"ways": 2, "speed_gbps": 400}],
                                "buffer_mb": 2,
                                "os": ["sonic"],
                                "port_naming": {
                                    "sonic": {
                                        "port": "Ethernet{lane0}",
                                        "breakout": "Ethernet{lane0}",
                                        "management": "eth0",
                                    }
                                },
                                "power_w": 500,
                                "source": "test fixture",
                            }
                        }
                    },
                )(d),
                put("fabrics.backend.switches.leaf.model", "small-buffer-tor")(d),
            )
        ),
        "fabrics.backend.roce.cable_length_m",
        "of PFC headroom but only 500,000 B (25% of 2 MB) is available",
    ),
    (
        "mgmt-switch-as-fabric",
        put("fabrics.backend.switches.spine", {"model": "sn2201", "os": "cumulus"}),
        "fabrics.backend.switches.spine.model",
        "is a management switch, not a fabric switch",
    ),
    (
        "unsupported-speed",
        (
            lambda d: (
                put("fabrics.backend.switches.leaf", {"model": "n9364d-gx2a", "os": "nxos"})(d),
                put("fabrics.backend.switches.spine", {"model": "n9364d-gx2a", "os": "nxos"})(d),
                put("compute.node_model", "hgx-h100")(d),
                put("compute.backend_nic", "connectx-8")(d),
                put("fabrics.backend.link_speed", "800G")(d),
            )
        ),
        "fabrics.backend.switches.leaf.model",
        "cannot run 800G ports",
    ),
    (
        "catalog-shadowing",
        put(
            "catalog",
            {
                "gpus": {
                    "h100": {
                        "vendor": "x",
                        "model": "y",
                        "memory_gb": 1,
                        "memory_bandwidth_tbps": 1,
                        "bf16_tflops": 1,
                        "fp8_tflops": 1,
                        "scale_up_gbyte_per_s": 1,
                        "tdp_w": 1,
                        "source": "me",
                    }
                }
            },
        ),
        "catalog.gpus.h100",
        "already a built-in gpu",
    ),
    (
        "platform-type",
        put("platform", {"type": "proxmox"}),
        "platform",
        "unknown type 'proxmox'; valid: 'baremetal', 'openshift', 'vmware', 'nutanix'",
    ),
]


@pytest.mark.parametrize(("mutate", "path", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_spec_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutate: Mutation, path: str, message: str
) -> None:
    data = lab_data()
    mutate(data)
    spec = write_spec(tmp_path, data)
    out = tmp_path / "out"
    assert main(["render", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    pattern = re.compile(rf"^{re.escape(str(spec))}:(\d+):(\d+): {re.escape(path)}: (.*)$", re.M)
    found = [m for m in pattern.finditer(err) if message in m.group(3)]
    assert found, f"expected '{path}: ...{message}...' in:\n{err}"
    assert int(found[0].group(1)) > 0
    assert not out.exists(), "nothing may be written when validation fails"


def test_all_problems_are_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = lab_data()
    independent = {"unknown-key", "missing-key", "bad-enum", "priority-range", "plaintext-snmp-key", "bad-ssh-key"}
    for name, mutate, _, _ in CASES:
        if name in independent:
            mutate(data)
    spec = write_spec(tmp_path, data)
    assert main(["validate", str(spec)]) == 2
    err = capsys.readouterr().err
    assert err.count(str(spec) + ":") == len(independent)

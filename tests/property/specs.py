"""Hypothesis strategies for cluster specs across the space users can write.

A spec is drawn as plain data (what ``yaml.safe_load`` of a ``cluster.yaml`` gives),
starting from the shape of ``inventories/*/cluster.yaml`` and ``tests/switches/specs``:
every switch OS on every tier (back-end leaf/spine/super-spine, front-end, storage,
OOB), the RoCE QoS knobs, PFC watchdog timers, oversubscription, sizes, the four
platforms with their required fields, and the optional security blocks. Most draws
are inside the documented ranges, some deliberately step outside them (a priority
clash, a model an OS does not run, a zone NX-OS cannot name), so both halves of the
property get exercised: accepted specs must render and pass every vendor validator,
refused ones must get positioned messages.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

# (os -> models) a tier may run; the OOB tier has its own 1G switch.
OS_MODELS = {
    "cumulus": ("sn5600",),
    "sonic": ("sn5600", "z9864f-on", "ds5000"),
    "nxos": ("n9364e-sg2", "n9364e-sg2", "n9364e-sg2", "n9364d-gx2a"),  # the 400G GX2A is often refused
    "eos": ("7060x6-64pe",),
    "junos": ("qfx5240-64od",),
}
# All have 400G rails; the last two have no storage NIC pair (refused with a storage fabric)
# and MI300X's Pollara is no mlx5 NIC (refused for host QoS on bare metal).
NODE_MODELS = ("dgx-h100", "dgx-h200", "dgx-b200", "hgx-h100", "mi300x-8")
TIMEZONES = (
    "UTC",
    "Etc/UTC",
    "Europe/Berlin",
    "America/New_York",
    "Europe/Kyiv",
    "Asia/Kolkata",
    "America/Ciudad_Juarez",
)
RATIOS = ("1:1", "2:1", "3:1", "1.5:1", "4:1")
BAD_RATIOS = ("1:2", "1:0")  # below 1:1 and no ratio at all: refused
SSH_KEYS = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGrudQijcwYzEP+TdWXHs+yI7kuX/8IAsdi/ngj1hbWl netadmin@lab",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJXPl5KaEmgBbVtid9tku4wF98zXx25LGMN3VxJ3Dnj2 netadmin@c3",
)
OPENSHIFT_SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINaUhsoxCfNx3ycoboMJZGtECs8hspIZKxjMCarLuoP+ core@superpod"
BANNERS = ("Authorized access only.", 'Authorized access only.\nSite "A", managed by aiinfra.', "x" * 300)


RNG = st.integers(0, 2**64 - 1).map(random.Random)  # a uniform stream per draw, reproducible


def mostly(usual: Any, *rare: Any, weight: int = 12) -> st.SearchStrategy[Any]:
    """``usual`` about ``weight`` times as often as each ``rare`` value (the rare ones are often refused).

    Drawn from a ``random.Random`` seeded by hypothesis: ``sampled_from``, ``integers``
    and hypothesis's own ``randoms()`` all favour boundary values, which would make the
    rare values common.
    """
    share = weight / (weight + len(rare))
    return RNG.map(lambda r: usual if not rare or r.random() < share else r.choice(rare))


def uniform(values: Any, rare: tuple[Any, ...] = (), weight: int = 30) -> st.SearchStrategy[Any]:
    """Any of ``values`` uniformly, and each ``rare`` one about 1/``weight`` as often as all of them."""
    pool = list(values)
    share = weight / (weight + len(rare))
    return RNG.map(lambda r: r.choice(pool) if not rare or r.random() < share else r.choice(rare))


def switch(os_models: dict[str, tuple[str, ...]]) -> st.SearchStrategy[dict[str, str]]:
    """Any OS with any model it runs, uniformly (see ``mostly`` for why through ``randoms``)."""

    def pick(r: Any) -> dict[str, str]:
        os = r.choice(sorted(os_models))
        return {"model": r.choice(os_models[os]), "os": os}

    return RNG.map(pick)


def oob_switch() -> st.SearchStrategy[dict[str, str]]:
    """The OOB tier: an SN2201 under either OS it runs, rarely a fabric switch (refused)."""
    choices = (("sn2201", "cumulus"), ("sn2201", "sonic"))
    return (
        mostly(choices, (("n9364e-sg2", "nxos"),), weight=30)
        .flatmap(lambda c: st.sampled_from(c))
        .map(lambda pair: {"model": pair[0], "os": pair[1]})
    )


@st.composite
def roce(draw: st.DrawFn) -> dict[str, Any]:
    """The lossless contract; CNP priority and DSCP usually distinct from the data class (a clash is refused)."""
    # Uniform draws (see ``mostly``), the best-effort class 0 and DSCP 0 only rarely: each is refused.
    priority = draw(uniform(range(1, 8), rare=(0,)))
    dscp = draw(uniform(range(1, 64), rare=(0,)))
    also = draw(st.lists(uniform([d for d in range(1, 64) if d != dscp], rare=(0, dscp)), max_size=2, unique=True))
    free_priorities = [p for p in range(1, 8) if p != priority]
    free_dscps = [d for d in range(1, 64) if d not in {dscp, *also}]
    poll = draw(mostly(100, 10, 50, 150, 200, weight=40))  # NVUE polls every 100..5000 ms
    return {
        "priority": priority,
        "dscp": dscp,
        "also_classify_dscp": also,
        "cnp_dscp": draw(uniform(free_dscps, rare=(dscp, 0))),
        "cnp_priority": draw(uniform(free_priorities, rare=(priority, 0))),
        "ecn": draw(
            st.one_of(
                st.just("auto"),
                st.builds(
                    lambda lo, span, p: {"min_kbytes": lo, "max_kbytes": lo + span, "max_probability": p},
                    st.integers(1, 5000),
                    st.integers(0, 20000),
                    st.integers(1, 100),
                ),
            )
        ),
        "dcqcn": draw(st.booleans()),
        "host_mtu": draw(mostly(9000, 1500, 4200, 9216, weight=40)),
        "cable_length_m": {
            "host_leaf": draw(st.sampled_from((1, 2.5, 3, 5, 30))),
            "leaf_spine": draw(st.sampled_from((10, 30, 50, 100, 500))),
        },
        "pfc_watchdog": {
            "enabled": draw(st.booleans()),
            "poll_ms": poll,
            "detection_ms": poll * draw(st.integers(1, 6)),
            "restoration_ms": poll * draw(st.integers(1, 12)),
        },
    }


def ethernet(draw: st.DrawFn, second: int, asn_base: int) -> dict[str, Any]:
    """A front-end or storage fabric; ``second`` is its 10.x block."""
    tiers = {"leaf": draw(switch(OS_MODELS)), "spine": draw(switch(OS_MODELS))}
    return {
        "switches": tiers,
        "link_speed": draw(st.sampled_from(("100G", "200G", "400G"))),
        "uplink_speed": draw(st.sampled_from(("400G", "800G"))),
        "oversubscription": draw(uniform(RATIOS, rare=BAD_RATIOS)),
        "underlay": {
            "asn_pool": {"first": asn_base, "last": asn_base + 999},
            "asn_scheme": draw(st.sampled_from(("rfc7938", "unique"))),
            "bfd": draw(st.booleans()),
            "unnumbered": draw(mostly(False, True, weight=6)),  # Cumulus only: refused elsewhere
        },
        "addressing": {
            "loopbacks": f"10.{second}.0.0/24",
            "fabric_links": f"10.{second}.16.0/20",
            "host_links": f"10.{second}.32.0/20",
            "hosts": f"10.{second + 1}.0.0/22",
        },
    }


@st.composite
def platform(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(RNG).choice(("baremetal", "openshift", "vmware", "nutanix"))
    if kind == "baremetal":
        return {
            "type": kind,
            "distribution": draw(st.sampled_from(("ubuntu-22.04", "ubuntu-24.04", "dgx-os-6", "dgx-os-7"))),
            "qos_tool": draw(st.sampled_from(("mlnx_qos", "dcb"))),
        }
    if kind == "openshift":
        return {
            "type": kind,
            "version": "4.18",
            "base_domain": "example.net",
            "control_plane_replicas": draw(st.sampled_from((1, 3))),
            "api_vip": "10.3.3.250",
            "ingress_vip": "10.3.3.251",
            "pull_secret": {"vault": "vault_openshift_pull_secret"},
            "ssh_key": OPENSHIFT_SSH_KEY,
            "sriov": draw(st.booleans()),
        }
    mode = draw(st.sampled_from(("passthrough", "vgpu")))
    if kind == "vmware":
        out: dict[str, Any] = {
            "type": kind,
            "vcenter": "vcenter.example.org",
            "datacenter": "dc1",
            "cluster": "gpu",
            "password": {"vault": "vault_vcenter_password"},
            "gpu_mode": mode,
            "sriov_vfs": draw(st.sampled_from((0, 4))),
        }
        if mode == "vgpu":
            out["vgpu_profile"] = "nvidia_h100xm-80c"
        else:
            out["gpu_devices"] = ["NVIDIA Corporation GH100 [H100 SXM5 80GB]"]
        return out
    out = {
        "type": kind,
        "prism_central": "pc.example.org",
        "cluster": "ahv-gpu",
        "password": {"env": "NUTANIX_PASSWORD"},
        "gpu_mode": mode,
        "gpu_device_id": 0x2330,
        "vm_management_subnet": "ahv-mgmt",
    }
    if mode == "vgpu":
        out["vgpu_profile"] = "nvidia_h100xm-80c"
    return out


@st.composite
def security(draw: st.DrawFn) -> dict[str, Any]:
    users = [
        {"name": name, "role": draw(st.sampled_from(("admin", "operator"))), "ssh_keys": [SSH_KEYS[n % 2]]}
        for n, name in enumerate(
            draw(st.lists(st.sampled_from(("netadmin", "noc", "ops_1")), min_size=1, max_size=2, unique=True))
        )
    ]
    out: dict[str, Any] = {"users": users, "banner": draw(mostly(*BANNERS, weight=30))}
    protocol = draw(st.sampled_from((None, "tacacs", "radius")))
    if protocol:
        count = draw(st.integers(1, 3))
        out["aaa"] = {
            "protocol": protocol,
            "servers": [
                {"address": f"192.168.0.{6 + n}", "key": {"vault": f"vault_aaa_key_{n}"}} for n in range(count)
            ],
        }
    if draw(st.booleans()):
        out["snmp"] = {
            "users": [
                {
                    "name": "monitor",
                    "auth": draw(mostly("sha", "sha-256", weight=20)),
                    "auth_key": {"vault": "vault_snmp_auth"},
                    "priv": draw(mostly("aes128", "aes256", weight=20)),
                    "priv_key": {"vault": "vault_snmp_priv"},
                }
            ],
            "location": draw(st.sampled_from(("", 'hall 3, row "B"', "rack 1", "x" * 300))),  # NVUE: 255 at most
            "contact": draw(st.sampled_from(("", "noc@example.org"))),
        }
    return out


@st.composite
def cluster(draw: st.DrawFn) -> dict[str, Any]:
    """One cluster spec as data."""
    per_su = draw(st.sampled_from((2, 4, 8, 16)))
    compute: dict[str, Any] = {
        "node_model": draw(
            mostly(st.sampled_from(NODE_MODELS[:3]), st.sampled_from(NODE_MODELS[3:]), weight=20).flatmap(lambda x: x)
        )
    }
    if draw(st.booleans()):
        compute["nodes"] = draw(st.integers(1, 2 * per_su))
    else:
        compute["scalable_units"] = draw(st.integers(1, 3))
    tiers = {"leaf": draw(switch(OS_MODELS)), "spine": draw(switch(OS_MODELS))}
    if draw(st.booleans()):
        tiers["super_spine"] = draw(switch(OS_MODELS))
    backend = {
        "design": "rail-optimized",
        "nodes_per_su": per_su,
        "link_speed": draw(mostly("400G", "200G", "800G", weight=30)),
        "switches": tiers,
        "oversubscription": draw(uniform(RATIOS, rare=BAD_RATIOS)),
        "load_balancing": draw(mostly("ecmp", "flowlet", "per-packet", weight=16)),
        "roce": draw(roce()),
        "underlay": {
            "asn_pool": {"first": 4200000000, "last": 4200000999},
            "asn_scheme": draw(st.sampled_from(("rfc7938", "unique"))),
            "bfd": draw(st.booleans()),
        },
        "addressing": {"loopbacks": "10.0.0.0/22", "fabric_links": "10.0.16.0/20", "gpu": "10.1.0.0/18"},
    }
    fabrics: dict[str, Any] = {"backend": backend, "frontend": ethernet(draw, 2, 4201000000)}
    if draw(mostly(False, True, weight=2)):  # HGX H100 and MI300X have no storage pair: refused
        fabrics["storage"] = ethernet(draw, 4, 4202000000)
    fabrics["oob"] = {"switch": draw(oob_switch()), "uplink_to": draw(mostly("site-oob-core", "x" * 200, weight=20))}
    site: dict[str, Any] = {
        "domain": "prop.aiinfra.example",
        "management": {
            "network": "192.168.0.0/22",
            "gateway": "192.168.0.1",
            "allowed_cidrs": ["192.168.0.0/22", "10.255.0.0/24"][: draw(st.integers(1, 2))],
        },
        "dns": ["192.168.0.2"],
        "ntp": ["192.168.0.3", "192.168.0.4"][: draw(st.integers(1, 2))],
        "syslog": ["192.168.0.5"][: draw(st.integers(0, 1))],
        "timezone": draw(mostly("UTC", *TIMEZONES[1:], weight=40)),
    }
    return {
        "name": "prop",
        "site": site,
        "compute": compute,
        "fabrics": fabrics,
        "platform": draw(platform()),
        "security": draw(security()),
    }

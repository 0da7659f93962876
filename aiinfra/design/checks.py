"""Cross-layer checks that need the catalog: run before anything is built.

Each check adds a Problem naming the spec field to change and what would work.
"""

from __future__ import annotations

from aiinfra.catalog import Catalog, collisions
from aiinfra.design.cabling import MAX_REACH_M
from aiinfra.design.checks_addresses import check_openshift_networks, check_server_addresses
from aiinfra.design.checks_fabric import (
    BACKEND_TIERS,
    built_backend_tiers,
    check_backend_capabilities,
    check_ethernet_fabric,
    check_switch,
    check_tier_identities,
    names,
)
from aiinfra.design.os_capabilities import check_backend_qos, check_breakouts
from aiinfra.design.problems import Problems
from aiinfra.design.text_limits import check_text_limits
from aiinfra.nos import driver
from aiinfra.spec.base import speed_gbps
from aiinfra.spec.model import ClusterSpec


def precheck(spec: ClusterSpec, catalog: Catalog) -> Problems:
    p = Problems()
    if spec.catalog is not None:
        for kind, name in collisions(spec.catalog):
            p.add(("catalog", kind, name), f"{name!r} is already a built-in {kind[:-1]}; choose another name")

    compute = spec.compute
    server = catalog.servers.get(compute.node_model)
    if server is None:
        p.add(
            ("compute", "node_model"),
            f"unknown node model {compute.node_model!r}; catalog has: {names(catalog.servers)}",
        )
        return p
    if server.gpu not in catalog.gpus:
        p.add(("compute", "node_model"), f"node model {compute.node_model} names unknown GPU {server.gpu!r}")
    nic_key = compute.backend_nic or server.backend.nic
    nic = catalog.nics.get(nic_key)
    if nic is None:
        p.add(("compute", "backend_nic"), f"unknown NIC {nic_key!r}; catalog has: {names(catalog.nics)}")
        return p

    be = spec.fabrics.backend
    rails = be.rails or server.backend.count
    if rails > server.backend.count:
        p.add(
            ("fabrics", "backend", "rails"),
            f"{rails} rails but {server.model} has {server.backend.count} back-end NICs",
        )
    link = speed_gbps(be.link_speed)
    if nic.speed_gbps != link:
        p.add(
            ("fabrics", "backend", "link_speed"),
            f"{be.link_speed} links but the back-end NIC {nic.model} runs at {nic.speed_gbps}G",
        )

    from aiinfra.design.build import node_count  # build imports this module

    path = ("fabrics", "backend", "switches")
    tiers: tuple[str, ...] = BACKEND_TIERS[:2]
    if check_tier_identities(p, catalog, be.switches, path, BACKEND_TIERS, lambda tier: [link]):
        tiers = built_backend_tiers(spec, catalog, node_count(spec), min(rails, server.backend.count))
        check_backend_capabilities(p, spec, catalog, tiers)
    if be.load_balancing == "per-packet" and not nic.out_of_order_tolerant:
        p.add(
            ("fabrics", "backend", "load_balancing"),
            f"per-packet spraying reorders packets but the back-end NIC {nic.model} does not tolerate "
            "out-of-order delivery; use flowlet or ecmp, or a NIC that reorders (e.g. bluefield-3-b3140h)",
        )

    cables = be.roce.cable_length_m
    for field in ("host_leaf", "leaf_spine", "spine_super_spine"):
        if getattr(cables, field) > MAX_REACH_M:
            p.add(
                ("fabrics", "backend", "roce", "cable_length_m", field),
                f"{getattr(cables, field):g} m exceeds the {MAX_REACH_M:g} m reach of the supported optics",
            )

    for name in ("frontend", "storage"):
        fab = getattr(spec.fabrics, name)
        if fab is None:
            continue
        group = server.frontend if name == "frontend" else server.storage
        if group is None or group.count < 2:
            p.add(("fabrics", name), f"{server.model} has no pair of {name} NIC ports to dual-home")
        check_ethernet_fabric(p, spec, catalog, name)
    check_switch(p, catalog, spec.fabrics.oob.switch, ("fabrics", "oob", "switch"), [], role="management")
    check_management_plane(p, catalog, spec, tiers)
    check_server_addresses(p, spec)
    check_openshift_networks(p, spec, node_count(spec))
    check_backend_qos(p, catalog, spec)
    check_breakouts(p, catalog, spec)
    for name in oses_in_use(spec):  # what a capability row cannot say, each OS driver checks itself
        os_check = driver(name).check
        if os_check is not None:
            os_check(spec, p)
    return p


def oses_in_use(spec: ClusterSpec, backend_tiers: tuple[str, ...] = BACKEND_TIERS) -> list[str]:
    """Every network OS of the switches the design builds, in a stable order."""
    choices = [spec.fabrics.backend.switches.for_tier(t) for t in backend_tiers]
    for name in ("frontend", "storage"):
        fab = getattr(spec.fabrics, name)
        if fab is not None:
            choices += [fab.switches.for_tier("leaf"), fab.switches.for_tier("spine")]
    choices.append(spec.fabrics.oob.switch)
    return sorted({c.os for c in choices})


def check_management_plane(
    p: Problems, catalog: Catalog, spec: ClusterSpec, backend_tiers: tuple[str, ...] = BACKEND_TIERS
) -> None:
    """SNMP, SSH-key and timezone requests every OS in use can render (the drivers' capabilities.yaml)."""
    profiles = [catalog.os[o] for o in oses_in_use(spec, backend_tiers)]
    check_text_limits(p, profiles, spec)
    sec = spec.security
    if sec.snmp:
        for i, snmp_user in enumerate(sec.snmp.users):
            for o in profiles:
                bounds = o.snmp_user_name_length
                if bounds is not None and not bounds[0] <= len(snmp_user.name) <= bounds[1]:
                    p.add(
                        ("security", "snmp", "users", i, "name"),
                        f"{o.name} takes SNMP user names of {bounds[0]}-{bounds[1]} characters; "
                        f"{snmp_user.name!r} has {len(snmp_user.name)}",
                    )
            for field, value in (("auth", snmp_user.auth), ("priv", snmp_user.priv)):
                lacking = [o.name for o in profiles if value not in getattr(o, f"snmp_{field}")]
                if lacking:
                    common = sorted(set.intersection(*(set(getattr(o, f"snmp_{field}")) for o in profiles)))
                    p.add(
                        ("security", "snmp", "users", i, field),
                        f"{value} is not available on {', '.join(lacking)}; every OS in this spec offers: "
                        f"{', '.join(common) or 'nothing in common'}",
                    )
    limits = [o for o in profiles if o.max_ssh_keys_per_user is not None]
    key_types = sorted(set.intersection(*(set(o.ssh_key_types) for o in profiles)))
    for i, user in enumerate(sec.users):
        over = [o for o in limits if len(user.ssh_keys) > int(o.max_ssh_keys_per_user or 0)]
        if over:
            most = min(int(o.max_ssh_keys_per_user or 0) for o in over)
            p.add(
                ("security", "users", i, "ssh_keys"),
                f"{', '.join(f'{o.name} holds {o.max_ssh_keys_per_user}' for o in over)} SSH keys per user; "
                f"{len(user.ssh_keys)} given: keep at most {most}",
            )
        for k, key in enumerate(user.ssh_keys):
            kind = key.split(" ", 1)[0]
            kind = "ecdsa" if kind.startswith("ecdsa-sha2-") else kind
            lacking = [o.name for o in profiles if kind not in o.ssh_key_types]
            if lacking:
                p.add(
                    ("security", "users", i, "ssh_keys", k),
                    f"{kind} keys are not accepted by {', '.join(lacking)}; every OS in this spec accepts: "
                    f"{', '.join(key_types) or 'no key type in common'}",
                )
    tz = spec.site.timezone
    if tz not in ("UTC", "Etc/UTC"):
        lacking = [o.name for o in profiles if not o.named_timezones]
        if lacking:
            p.add(("site", "timezone"), f"{', '.join(lacking)} needs a UTC offset rather than a zone name; use UTC")
    unknown = [o for o in profiles if o.timezones is not None and tz not in {*o.timezones, *o.timezone_aliases}]
    if unknown:
        p.add(
            ("site", "timezone"),
            f"{', '.join(o.name for o in unknown)} {unknown[0].release} has no time zone {tz!r}; "
            "use a zone of its list (capabilities.yaml `timezones`), e.g. an older name of the same zone",
        )
    if sec.aaa:
        for o in profiles:
            if o.max_aaa_servers is not None and len(sec.aaa.servers) > o.max_aaa_servers:
                p.add(
                    ("security", "aaa", "servers"),
                    f"{o.name} takes at most {o.max_aaa_servers} {sec.aaa.protocol} servers; "
                    f"{len(sec.aaa.servers)} given",
                )

"""Cross-layer checks that need the catalog: run before anything is built.

Each check adds a Problem naming the spec field to change and what would work.
"""

from __future__ import annotations

from aiinfra.catalog import Catalog, collisions
from aiinfra.design.cabling import MAX_REACH_M
from aiinfra.design.problems import Problems
from aiinfra.spec.base import SwitchChoice, speed_gbps
from aiinfra.spec.model import ClusterSpec

L2_OVERHEAD = 22
PLURAL = {
    "leaf": "leaves",
    "spine": "spines",
    "super_spine": "super-spines",
}  # Ethernet header + 802.1Q tag + FCS beyond the IP MTU


def _names(d: dict[str, object]) -> str:
    return ", ".join(sorted(d))


def check_switch(
    p: Problems,
    catalog: Catalog,
    choice: SwitchChoice,
    path: tuple[str | int, ...],
    speeds: list[int],
    role: str = "fabric",
) -> bool:
    model = catalog.switches.get(choice.model)
    if model is None:
        p.add((*path, "model"), f"unknown switch model {choice.model!r}; catalog has: {_names(catalog.switches)}")
        return False
    ok = True
    if choice.os not in model.os:
        p.add((*path, "os"), f"{model.model} does not run {choice.os}; it runs: {', '.join(model.os)}")
        ok = False
    if model.role != role:
        p.add((*path, "model"), f"{model.model} is a {model.role} switch, not a {role} switch")
        ok = False
    for s in speeds:
        if not model.supports_speed(s):
            p.add((*path, "model"), f"{model.model} cannot run {s}G ports; it offers {model.logical_speeds()} G")
            ok = False
    return ok


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
            f"unknown node model {compute.node_model!r}; catalog has: {_names(catalog.servers)}",
        )
        return p
    if server.gpu not in catalog.gpus:
        p.add(("compute", "node_model"), f"node model {compute.node_model} names unknown GPU {server.gpu!r}")
    nic_key = compute.backend_nic or server.backend.nic
    nic = catalog.nics.get(nic_key)
    if nic is None:
        p.add(("compute", "backend_nic"), f"unknown NIC {nic_key!r}; catalog has: {_names(catalog.nics)}")
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

    tiers = ["leaf", "spine", "super_spine"]
    for tier in tiers:
        choice = be.switches.for_tier(tier)
        path = ("fabrics", "backend", "switches", tier if getattr(be.switches, tier) else "leaf")
        if not check_switch(p, catalog, choice, path, [link]):
            continue
        model = catalog.switches[choice.model]
        profile = catalog.os[choice.os]
        mode = be.load_balancing
        if mode not in profile.load_balancing:
            p.add(
                ("fabrics", "backend", "load_balancing"),
                f"{profile.name} {profile.release} cannot do {mode} load balancing on {PLURAL[tier]}; "
                f"it supports: {', '.join(profile.load_balancing)}",
            )
        elif (mode == "flowlet" and not model.features.dlb_flowlet) or (
            mode == "per-packet" and not model.features.dlb_per_packet
        ):
            p.add(
                ("fabrics", "backend", "load_balancing"),
                f"{model.model} ({model.asic}) has no {mode} dynamic load balancing",
            )
        if be.roce.host_mtu + L2_OVERHEAD > profile.switch_mtu:
            p.add(
                ("fabrics", "backend", "roce", "host_mtu"),
                f"host MTU {be.roce.host_mtu} + {L2_OVERHEAD} B L2 overhead exceeds the {profile.name} "
                f"switch MTU {profile.switch_mtu}; use {profile.switch_mtu - L2_OVERHEAD} or less",
            )
        wd, poll = be.roce.pfc_watchdog, profile.pfc_watchdog_poll_ms
        if wd.enabled and poll is not None and not poll[0] <= wd.poll_ms <= poll[1]:
            p.add(
                ("fabrics", "backend", "roce", "pfc_watchdog", "poll_ms"),
                f"{profile.name} {profile.release} polls the PFC watchdog every {poll[0]}..{poll[1]} ms "
                f"(on {PLURAL[tier]}); {wd.poll_ms} given",
            )
        if be.underlay.unnumbered and not profile.unnumbered:
            p.add(
                ("fabrics", "backend", "underlay", "unnumbered"),
                f"aiinfra renders BGP unnumbered only where the OS supports it; {profile.name} does not",
            )
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
        for tier in ("leaf", "spine"):
            choice = fab.switches.for_tier(tier)
            path = ("fabrics", name, "switches", tier if getattr(fab.switches, tier) else "leaf")
            speeds = [speed_gbps(fab.uplink_speed)] + ([speed_gbps(fab.link_speed)] if tier == "leaf" else [])
            if check_switch(p, catalog, choice, path, speeds):
                profile = catalog.os[choice.os]
                if fab.mtu + L2_OVERHEAD > profile.switch_mtu:
                    p.add(
                        ("fabrics", name, "mtu"),
                        f"host MTU {fab.mtu} does not fit the {profile.name} switch MTU {profile.switch_mtu}",
                    )
    check_switch(p, catalog, spec.fabrics.oob.switch, ("fabrics", "oob", "switch"), [], role="management")
    check_management_plane(p, catalog, spec)
    return p


def oses_in_use(spec: ClusterSpec) -> list[str]:
    """Every network OS the spec asks for, in a stable order."""
    choices = [spec.fabrics.backend.switches.for_tier(t) for t in ("leaf", "spine", "super_spine")]
    for name in ("frontend", "storage"):
        fab = getattr(spec.fabrics, name)
        if fab is not None:
            choices += [fab.switches.for_tier("leaf"), fab.switches.for_tier("spine")]
    choices.append(spec.fabrics.oob.switch)
    return sorted({c.os for c in choices})


def check_management_plane(p: Problems, catalog: Catalog, spec: ClusterSpec) -> None:
    """SNMP, SSH-key and timezone requests every OS in use can render (catalog os.yaml)."""
    profiles = [catalog.os[o] for o in oses_in_use(spec)]
    sec = spec.security
    if sec.snmp:
        for i, user in enumerate(sec.snmp.users):
            for field, value in (("auth", user.auth), ("priv", user.priv)):
                lacking = [o.name for o in profiles if value not in getattr(o, f"snmp_{field}")]
                if lacking:
                    common = sorted(set.intersection(*(set(getattr(o, f"snmp_{field}")) for o in profiles)))
                    p.add(
                        ("security", "snmp", "users", i, field),
                        f"{value} is not available on {', '.join(lacking)}; every OS in this spec offers: "
                        f"{', '.join(common) or 'nothing in common'}",
                    )
    if sec.snmp:
        for field in ("location", "contact"):
            text = getattr(sec.snmp, field)
            for o in profiles:
                if o.max_snmp_text is not None and len(text) > o.max_snmp_text:
                    p.add(
                        ("security", "snmp", field),
                        f"{o.name} takes at most {o.max_snmp_text} characters of SNMP {field}; {len(text)} given",
                    )
    for i, user in enumerate(sec.users):
        for o in profiles:
            if o.max_ssh_keys_per_user is not None and len(user.ssh_keys) > o.max_ssh_keys_per_user:
                p.add(
                    ("security", "users", i, "ssh_keys"),
                    f"{o.name} holds {o.max_ssh_keys_per_user} SSH keys per user; {len(user.ssh_keys)} given",
                )
        for k, key in enumerate(user.ssh_keys):
            kind = key.split(" ", 1)[0]
            kind = "ecdsa" if kind.startswith("ecdsa-sha2-") else kind
            lacking = [o.name for o in profiles if kind not in o.ssh_key_types]
            if lacking:
                p.add(("security", "users", i, "ssh_keys", k), f"{kind} keys are not accepted by {', '.join(lacking)}")
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
            "use a zone of its list (catalog os.yaml `timezones`), e.g. an older name of the same zone",
        )
    if sec.aaa:
        for o in profiles:
            if o.max_aaa_servers is not None and len(sec.aaa.servers) > o.max_aaa_servers:
                p.add(
                    ("security", "aaa", "servers"),
                    f"{o.name} takes at most {o.max_aaa_servers} {sec.aaa.protocol} servers; "
                    f"{len(sec.aaa.servers)} given",
                )

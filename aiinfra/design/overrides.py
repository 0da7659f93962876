"""Apply the spec's escape hatches to a built Design, refusing what would break it.

Device and group names exist only once the fabric is designed, so the hatches are checked
here, still at ``validate``, and every refusal is a :class:`Problem` positioned on the spec
entry (``overrides[2].interfaces.Ethernet1/1``) with the valid names or a close match.

``overrides`` apply in precedence order: every ``group`` entry in list order, then every
``device`` entry in list order (a device entry is the more specific, so it wins). Each
changed field is recorded on the device (``Device.overrides``), so ``design.json`` and the
plan show what was patched and what it replaced. After all of them, the invariants the
Design promises are checked again: MTUs stay within the OS and above the hosts', BFD
agrees at both ends of every session, and every back-end switch runs the one
load-balancing mode the hosts are tuned for (:mod:`aiinfra.design.hosts`).

``raw_config`` entries become :class:`RawBlock` s on the devices they select, in the same
precedence order; :mod:`aiinfra.nos.hatches` renders them. ``templates`` are read by
:mod:`aiinfra.spec.templates` into ``Design.user_templates``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from aiinfra import nos
from aiinfra.catalog import Catalog
from aiinfra.design.checks_fabric import L2_OVERHEAD
from aiinfra.design.model import AppliedOverride, Design, Device, Interface, RawBlock
from aiinfra.design.problems import Problems
from aiinfra.errors import Path as FieldPath
from aiinfra.spec.hatches import Override, RawConfig, Selector, raw_text_problem
from aiinfra.spec.model import ClusterSpec
from aiinfra.spec.templates import load_user_templates

ROUTED_ROLES = ("host", "uplink", "downlink")  # the ports whose MTU every OS renders
MANAGEMENT_PATH = ("mgmt", "oob-uplink")  # shutting these cuts devices off their management network


def apply_hatches(
    spec: ClusterSpec, design: Design, catalog: Catalog, problems: Problems, spec_dir: Path | None = None
) -> None:
    """Patch ``design`` in place with the spec's overrides, raw_config and templates."""
    if not spec.overrides and not spec.raw_config and spec.templates is None:
        return  # the common case costs nothing, on a 32k-GPU design too
    groups = _groups(design)
    _apply_overrides(spec, design, catalog, groups, problems)
    _attach_raw_config(spec.raw_config, design, groups, problems)
    if spec.templates is not None:
        base = spec_dir if spec_dir is not None else Path.cwd()
        oses = {d.os for d in design.devices.values()}
        refused: list[str] = []
        design.user_templates = load_user_templates(base / spec.templates, oses, refused)
        for message in refused:
            problems.add(("templates",), message)


def _groups(design: Design) -> dict[str, list[Device]]:
    out: dict[str, list[Device]] = {}
    for d in design.devices.values():
        for g in d.groups:
            out.setdefault(g, []).append(d)
    return out


def suggest(name: str, names: Iterable[str], what: str, listed_in: str, show_all: int = 40) -> str:
    """``; did you mean rail_1? valid groups: ...``: the close matches, and every valid name when few."""
    names = sorted(names)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    if len(names) <= show_all:
        return hint + f" valid {what}s: {', '.join(names)}"
    return hint + f" ({len(names):,} {what}s; {listed_in} lists them)"


def close_names(name: str, names: Iterable[str], what: str) -> str:
    """``unknown group 'rail_9'; did you mean rail_1? valid groups: ...``."""
    return f"unknown {what} {name!r}" + suggest(name, names, what, "the inventory's hosts.yml")


def select(
    entry: Selector, where: FieldPath, design: Design, groups: dict[str, list[Device]], problems: Problems
) -> list[Device]:
    """The devices an entry names, or a positioned problem and none."""
    if entry.device is not None:
        if entry.device in design.devices:
            return [design.devices[entry.device]]
        problems.add((*where, "device"), close_names(entry.device, design.devices, "device"))
        return []
    assert entry.group is not None
    if entry.group in groups:
        return groups[entry.group]
    problems.add((*where, "group"), close_names(entry.group, groups, "group"))
    return []


def precedence(entries: list[Override] | list[RawConfig]) -> list[int]:
    """Indexes of the entries in the order they apply: groups first, then devices, each in list order."""
    return sorted(range(len(entries)), key=lambda i: (entries[i].device is not None, i))


class _Patcher:
    """Applies overrides and remembers which entry last set each field, to position invariant problems."""

    def __init__(self) -> None:
        self.applied: dict[str, list[AppliedOverride]] = {}
        self.setter: dict[tuple[str, str], FieldPath] = {}

    def set(
        self, device: Device, target: object, attr: str, field: str, value: object, entry: Selector, i: int
    ) -> None:
        previous = getattr(target, attr)
        setattr(target, attr, value)
        record = AppliedOverride(f"overrides[{i}]", entry.label, field, _text(value), _text(previous))
        self.applied.setdefault(device.name, []).append(record)
        self.setter[(device.name, field)] = ("overrides", i)


def _text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _apply_overrides(
    spec: ClusterSpec, design: Design, catalog: Catalog, groups: dict[str, list[Device]], problems: Problems
) -> None:
    patcher = _Patcher()
    for i in precedence(spec.overrides):
        entry = spec.overrides[i]
        where: FieldPath = ("overrides", i)
        devices = select(entry, where, design, groups, problems)
        if not devices or not _patchable(entry, where, devices, spec, catalog, problems):
            continue
        for d in devices:
            ports = {p.name: p for p in d.interfaces}
            for name, patch in entry.interfaces.items():
                for attr in ("description", "enabled", "mtu"):
                    value = getattr(patch, attr)
                    if value is not None:
                        patcher.set(d, ports[name], attr, f"interfaces.{name}.{attr}", value, entry, i)
            if entry.bfd is not None and d.bgp is not None:
                patcher.set(d, d.bgp, "bfd", "bfd", entry.bfd, entry, i)
                for n in d.bgp.neighbors:
                    n.bfd = entry.bfd
            if entry.load_balancing is not None:
                patcher.set(d, d, "load_balancing", "load_balancing", entry.load_balancing, entry, i)
    if problems:
        return
    for name, records in patcher.applied.items():
        design.devices[name].overrides = tuple(records)
    _check_invariants(design, patcher, problems)


def _patchable(
    entry: Override, where: FieldPath, devices: list[Device], spec: ClusterSpec, catalog: Catalog, problems: Problems
) -> bool:
    """Whether every selected device has what the entry patches and its OS can state it."""
    before = len(problems.items)
    for name, patch in entry.interfaces.items():
        at = (*where, "interfaces", name)
        lacking = [d for d in devices if all(p.name != name for p in d.interfaces)]
        if lacking:
            d = lacking[0]
            others = f" (nor do {len(lacking) - 1} more of the selected devices)" if len(lacking) > 1 else ""
            hint = suggest(name, _ports(d), "interface", f"design.json (devices.{d.name}.interfaces)")
            problems.add(at, f"{d.name} has no interface {name!r}{others}{hint}")
            continue
        for d in devices:
            port = next(p for p in d.interfaces if p.name == name)
            if patch.mtu is not None and port.role not in ROUTED_ROLES:
                problems.add(
                    (*at, "mtu"),
                    f"{name} on {d.name} is a port of role {port.role}, whose MTU aiinfra does not render; only "
                    f"{', '.join(ROUTED_ROLES)} ports take an MTU override",
                )
            if patch.enabled is False and port.role in MANAGEMENT_PATH:
                problems.add(
                    (*at, "enabled"),
                    f"{name} on {d.name} is its {port.role} port; shutting it cuts devices off the management network",
                )
    if entry.bfd is not None:
        no_bgp = [d.name for d in devices if d.bgp is None]
        if no_bgp:
            problems.add((*where, "bfd"), f"{', '.join(no_bgp[:5])} run no BGP, so there is no session to run BFD on")
    if entry.load_balancing is not None:
        _check_load_balancing(entry.load_balancing, (*where, "load_balancing"), devices, spec, catalog, problems)
    return len(problems.items) == before


def _ports(d: Device) -> list[str]:
    return [p.name for p in d.interfaces]


def _check_load_balancing(
    mode: str, at: FieldPath, devices: list[Device], spec: ClusterSpec, catalog: Catalog, problems: Problems
) -> None:
    """The OS row, the switch model and the back-end NIC must all do ``mode``."""
    not_backend = sorted({d.name for d in devices if d.fabric != "backend"})
    if not_backend:
        problems.add(
            at,
            f"{', '.join(not_backend[:5])} not on the back-end fabric; aiinfra renders load balancing on the "
            "back-end fabric only (the others run ECMP)",
        )
        return
    for os_name in sorted({d.os for d in devices}):
        row = nos.profile(os_name)
        if mode not in row.load_balancing:
            problems.add(
                at,
                f"{row.name} {row.release} cannot do {mode} load balancing; it supports: "
                f"{', '.join(row.load_balancing)}",
            )
    for key in sorted({d.model for d in devices}):
        model = catalog.switches[key]
        if (mode == "flowlet" and not model.features.dlb_flowlet) or (
            mode == "per-packet" and not model.features.dlb_per_packet
        ):
            problems.add(at, f"{model.model} ({model.asic}) has no {mode} dynamic load balancing")
    server = catalog.servers[spec.compute.node_model]
    nic = catalog.nics[spec.compute.backend_nic or server.backend.nic]
    if mode == "per-packet" and not nic.out_of_order_tolerant:
        problems.add(
            at,
            f"per-packet spraying reorders packets but the back-end NIC {nic.model} does not tolerate "
            "out-of-order delivery; use flowlet or ecmp",
        )


def _check_invariants(design: Design, patcher: _Patcher, problems: Problems) -> None:
    """The Design's promises, re-checked on what the overrides changed (in the order they were set)."""
    host_mtu = _host_mtus(design) if any(f.endswith(".mtu") for _, f in patcher.setter) else {}
    fabric_mtu: dict[str, int] = {}
    for (fab, _, _), mtu in host_mtu.items():
        fabric_mtu[fab] = max(fabric_mtu.get(fab, 0), mtu)
    bfd: dict[FieldPath, list[tuple[str, str]]] = {}
    for (name, field), at in patcher.setter.items():
        d = design.devices[name]
        if field.startswith("interfaces.") and field.endswith(".mtu"):
            port = field.removeprefix("interfaces.").removesuffix(".mtu")
            p = next(p for p in d.interfaces if p.name == port)
            _check_mtu(d, p, (*at, "interfaces", port, "mtu"), host_mtu, fabric_mtu, problems)
        elif field == "bfd":
            bfd.setdefault(at, []).extend((text, d.fabric) for text in _bfd_mismatches(design, d))
    for at, found in bfd.items():
        if found:
            more = f" (and {len(found) - 1} more sessions)" if len(found) > 1 else ""
            problems.add(
                (*at, "bfd"),
                f"BFD {found[0][0]}{more}, so the two ends would disagree on failure detection; select both ends "
                f"(e.g. group fabric_{found[0][1]})",
            )
    lb = [at for (_, f), at in patcher.setter.items() if f == "load_balancing"]
    modes = {d.load_balancing for d in design.devices.values() if d.fabric == "backend"} if lb else set()
    if len(modes) > 1:
        problems.add(
            (*lb[0], "load_balancing"),
            f"back-end switches would run {', '.join(sorted(modes))}; hosts tune NCCL for one back-end mode, so "
            "select every back-end switch (group fabric_backend) or set fabrics.backend.load_balancing",
        )


def _host_mtus(design: Design) -> dict[tuple[str, str, str], int]:
    """(fabric, switch, switch port) -> the MTU of the host NIC cabled to it."""
    return {
        (nic.fabric, nic.switch, nic.switch_interface): nic.mtu
        for node in design.nodes
        for nic in (*node.backend, *node.frontend, *node.storage)
    }


def _check_mtu(
    d: Device,
    p: Interface,
    at: FieldPath,
    host_mtu: dict[tuple[str, str, str], int],
    fabric_mtu: dict[str, int],
    problems: Problems,
) -> None:
    fix = f"{p.name} on {d.name}: MTU {p.mtu}"
    row = nos.profile(d.os)
    if p.mtu > row.switch_mtu:
        problems.add(at, f"{fix} is above the {row.name} switch MTU {row.switch_mtu}; use {row.switch_mtu} or less")
    host = host_mtu.get((d.fabric, d.name, p.name)) if p.role == "host" else fabric_mtu.get(d.fabric)
    if host is not None and p.mtu < host + L2_OVERHEAD:
        whose = "the host NIC on this port" if p.role == "host" else f"the {d.fabric} hosts"
        problems.add(
            at,
            f"{fix} cannot carry the {host} B packets of {whose} ({L2_OVERHEAD} B of L2 overhead on top); "
            f"use {host + L2_OVERHEAD} or more",
        )
    if p.headroom is not None and p.mtu > p.headroom.mtu:
        problems.add(
            at,
            f"{fix} is above the {p.headroom.mtu} B the lossless port's PFC headroom is sized for; "
            f"use {p.headroom.mtu} or less",
        )


def _bfd_mismatches(design: Design, d: Device) -> list[str]:
    """``"off on A but on on its peer B"`` for every session of ``d`` whose two ends disagree on BFD."""
    assert d.bgp is not None
    out = []
    for n in d.bgp.neighbors:
        peer = design.devices.get(n.peer_device)
        if peer is None or peer.bgp is None:
            continue
        for back in peer.bgp.neighbors:
            if back.peer_device == d.name and back.bfd != n.bfd:
                out.append(
                    f"{'on' if n.bfd else 'off'} on {d.name} but {'on' if back.bfd else 'off'} on its peer {peer.name}"
                )
    return out


def _attach_raw_config(
    entries: list[RawConfig], design: Design, groups: dict[str, list[Device]], problems: Problems
) -> None:
    blocks: dict[str, list[RawBlock]] = {}
    for i in precedence(entries):
        entry = entries[i]
        where: FieldPath = ("raw_config", i)
        selected = select(entry, where, design, groups, problems)
        devices = [d for d in selected if entry.os in (None, d.os)]
        oses = sorted({d.os for d in selected})
        if entry.os is not None and not devices and oses:
            problems.add((*where, "os"), f"{entry.label} has no {entry.os} devices; its devices run {', '.join(oses)}")
            continue
        if entry.os is None and len(oses) > 1:
            problems.add(
                (*where, "group"),
                f"{entry.label} spans {', '.join(oses)}; raw text is one OS's syntax: add os: to pick one",
            )
            continue
        if not devices or not _raw_ok(entry, where, devices[0].os, problems):
            continue
        for position in ("before", "after"):
            text = getattr(entry, position)
            if text:
                for d in devices:
                    blocks.setdefault(d.name, []).append(RawBlock(f"raw_config[{i}]", entry.label, position, text))
    if not problems:
        for name, found in blocks.items():
            design.devices[name].raw_config = tuple(found)


def _raw_ok(entry: RawConfig, where: FieldPath, os_name: str, problems: Problems) -> bool:
    row = nos.profile(os_name)
    given = [p for p in ("before", "after") if getattr(entry, p)]
    if row.raw_config_comment is None:
        problems.add(
            (*where, given[0]),
            f"{row.name} renders {row.config_file.format(hostname='<device>')} as structured data, which cannot "
            "hold raw text; state the change with overrides (docs/escape-hatches.md), or extend aiinfra",
        )
        return False
    ok = True
    for position in given:
        problem = raw_text_problem(getattr(entry, position), os_name)
        if problem:
            problems.add((*where, position), problem)
            ok = False
    return ok

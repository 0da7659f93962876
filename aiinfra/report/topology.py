"""The topology pictures: the back-end (whole, or aggregated beside one SU in detail),
the front-end and storage fabrics, and the OOB network.

Tiers are rows, top to bottom; a back-end leaf (and the cables to it) has its rail's colour
in every view. A fabric of at most ``DETAIL_LIMIT`` switches is drawn switch by switch;
a larger back-end is drawn aggregated (planes, pods, scalable units as boxes, cables
counted between them) beside one scalable unit in detail, with a picture per SU the page
switches between. Every switch in a picture is a link to its device page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from urllib.parse import quote

from aiinfra.design.model import Design, Device, Link
from aiinfra.report import palette
from aiinfra.report.layout import Box, Edge, Group, Row, draw, label_suffix
from aiinfra.report.model import Picture, SuChoice, TopologyView

DETAIL_LIMIT = 96  # switches: up to this many, a fabric is drawn switch by switch
NODE_LIMIT = 16  # nodes: up to this many, each node is its own box
SWITCH_TIERS = ("super-spine", "spine", "leaf")
TIER_LABEL = {"super-spine": "super-spines", "spine": "spines", "leaf": "leaves", "oob": "OOB switches"}


def device_href(name: str) -> str:
    return "#device/" + quote(name, safe="")


def _switch(d: Device, label: str, w: float = 60) -> Box:
    where = f", SU {d.su}" if d.su is not None else ""
    rail = f", rail {d.rail}" if d.rail is not None else ""
    return Box(
        key=d.name,
        label=label,
        name=f"{d.name} ({d.role}{where}{rail}, {d.model}, {d.os})",
        w=w,
        fill=palette.rail_colour(d.rail),
        href=device_href(d.name),
        device=d.name,
    )


def _pair_edges(design: Design, links: Iterable[Link], kinds: set[str], key: dict[str, str]) -> list[Edge]:
    """Cables of ``kinds`` counted per pair of boxes (``key``: device or node -> box), coloured
    by the rail of the lower end where it has one."""
    counts: Counter[tuple[str, str]] = Counter()
    colour: dict[tuple[str, str], str] = {}
    for link in links:
        if link.kind not in kinds:
            continue
        a, b = key.get(link.a_device), key.get(link.b_device)
        if a is None or b is None:
            continue
        counts[a, b] += 1
        if (a, b) not in colour:
            lower = design.devices.get(link.a_device) or design.devices.get(link.b_device)
            colour[a, b] = palette.rail_colour(lower.rail if lower else None)
    return [Edge(a, b, n, colour[a, b]) for (a, b), n in counts.items()]


def _node_boxes(design: Design, nodes: list[str], su: int | None, key: dict[str, str]) -> list[Box]:
    if len(nodes) <= NODE_LIMIT:
        short = label_suffix(nodes)
        for n in nodes:
            key[n] = "node:" + n
        return [Box("node:" + n, short[n], f"GPU node {n}", w=54, h=20, fill=palette.NODE) for n in nodes]
    group = f"nodes:{su}"
    for n in nodes:
        key[n] = group
    what = f"SU {su}" if su is not None else "this group"
    return [Box(group, f"{len(nodes)} nodes", f"{len(nodes)} GPU nodes of {what}", w=90, h=22, fill=palette.NODE)]


def _fabric_links(design: Design, fabric: str) -> list[Link]:
    return [link for link in design.links if link.fabric == fabric]


def _touching(links: list[Link]) -> dict[str, list[int]]:
    """Device or node name -> the indices of the cables at it."""
    out: dict[str, list[int]] = defaultdict(list)
    for n, link in enumerate(links):
        out[link.a_device].append(n)
        out[link.b_device].append(n)
    return out


def _backend_detail(
    design: Design, devices: list[Device], links: list[Link], label: str, description: str, view: str
) -> Picture:
    """Every switch of ``devices`` drawn, with their nodes (``links``: the cables among them)."""
    by_tier: dict[str, list[Device]] = defaultdict(list)
    for d in devices:
        by_tier[d.role].append(d)
    key = {d.name: d.name for d in devices}
    rows: list[Row] = []
    groups: list[Group] = []
    for tier in SWITCH_TIERS:
        members = sorted(
            by_tier.get(tier, []), key=lambda d: (d.su or 0, d.pod or 0, d.plane or 0, d.rail or 0, d.name)
        )
        if not members:
            continue
        short = label_suffix([d.name for d in members])
        if tier == "leaf":
            boxes = [
                _switch(d, f"r{d.rail}" if d.rail is not None else short[d.name], 60 if len(members) <= 12 else 26)
                for d in members
            ]
            for prev, box, d in zip(members, boxes[1:], members[1:], strict=False):
                box.gap_before = 14 if d.su != prev.su else 0
        else:
            boxes = [_switch(d, short[d.name], 60 if len(members) <= 24 else 14) for d in members]
        rows.append(Row(f"{TIER_LABEL[tier]} ({len(members)})", boxes))
        if tier == "leaf":
            for su in sorted({d.su for d in members if d.su is not None}):
                groups.append(Group(f"SU {su}", [d.name for d in members if d.su == su]))
    leaves = {d.name for d in by_tier.get("leaf", [])}
    node_su: dict[str, int] = {}
    for n in design.nodes:
        node_su[n.name] = n.su
    served = sorted(
        {link.a_device for link in links if link.kind == "node-leaf" and link.b_device in leaves},
        key=lambda n: (node_su.get(n, 0), n),
    )
    node_row: list[Box] = []
    for su in sorted({node_su.get(n, 0) for n in served}):
        node_row += _node_boxes(design, [n for n in served if node_su.get(n, 0) == su], su, key)
    if node_row:
        rows.append(Row(f"GPU nodes ({len(served)})", node_row, gap=8))
    edges = _pair_edges(design, links, {"leaf-spine", "spine-super-spine", "node-leaf"}, key)
    return Picture(view, label, description, draw(rows, edges, label, description, groups, data_view=view))


GROUP_LIMIT = 16  # group boxes in a row above which neighbouring groups share a box (planes 1-4)


def _buckets(numbers: list[int]) -> list[list[int]]:
    """Consecutive group numbers sharing one box, so a row holds at most ``GROUP_LIMIT`` boxes."""
    size = -(-len(numbers) // GROUP_LIMIT)
    return [numbers[i : i + size] for i in range(0, len(numbers), size)]


def _backend_aggregate(design: Design, backend: list[Device], links: list[Link]) -> Picture:
    """Planes, pods and scalable units as boxes, cables counted between them.

    Scalable units keep a box each (click one to see it); a pod's box spans its SUs, so the
    two rows line up; planes (or spines without pods) share boxes past ``GROUP_LIMIT``.
    """
    key: dict[str, str] = {}
    leaves = [d for d in backend if d.role == "leaf"]
    sus = sorted({d.su or 0 for d in leaves})
    many = len(sus) > GROUP_LIMIT
    su_w, gap = (22.0, 3.0) if many else (70.0, 4.0)
    su_boxes = []
    for su in sus:
        group = [d for d in leaves if (d.su or 0) == su]
        for d in group:
            key[d.name] = f"leaf:{su}"
        rails = tuple(palette.rail_colour(r) for r in sorted({d.rail for d in group if d.rail is not None}))
        su_boxes.append(
            Box(
                f"leaf:{su}",
                f"{su}" if many else f"SU{su}",
                f"SU {su}: {len(group)} leaves",
                w=su_w,
                h=34,
                href=f"#backend/su/{su}",
                stripes=rails,
            )
        )
    rows = [Row(f"leaves ({len(leaves)})", su_boxes, gap=gap)]
    spines = [d for d in backend if d.role == "spine"]
    if spines and all(d.pod is not None for d in spines):
        pods = sorted({d.pod or 0 for d in spines})
        su_of_pod = {p: len({d.su for d in leaves if d.pod == p}) or 1 for p in pods}
        boxes = []
        for p in pods:
            group = [d for d in spines if d.pod == p]
            for d in group:
                key[d.name] = f"spine:{p}"
            width = su_of_pod[p] * (su_w + gap) - gap
            boxes.append(
                Box(
                    f"spine:{p}",
                    f"pod {p}",
                    f"pod {p}: {len(group)} spines",
                    w=width,
                    h=30,
                    href="#devices/" + quote(f"pod:{p} spine"),
                )
            )
        rows.insert(0, Row(f"spines ({len(spines)})", boxes, gap=gap))
    elif spines:
        rows.insert(0, _ranged(spines, "spine", "spines", key))
    supers = [d for d in backend if d.role == "super-spine"]
    if supers:
        rows.insert(0, _ranged(supers, "super-spine", "super-spines", key))
    edges = _pair_edges(design, links, {"leaf-spine", "spine-super-spine"}, key)
    edges = [Edge(e.a, e.b, e.count) for e in edges]  # groups span rails: neutral colour
    label = f"Back-end fabric, aggregated: {len(backend)} switches"
    description = (
        "Super-spine planes, spine pods and scalable units as boxes; a line is every cable between two boxes, "
        "thicker for more. Choose a scalable unit to see it switch by switch."
    )
    svg = draw(rows, edges, label, description, data_view="aggregate")
    return Picture("backend-aggregate", label, description, svg)


def _ranged(devices: list[Device], tier: str, plural: str, key: dict[str, str]) -> Row:
    """Switches by plane (or in name order, eight to a group, without planes), buckets past the limit."""
    if all(d.plane is not None for d in devices):
        number = {d.name: d.plane or 0 for d in devices}
        word = "plane"
    else:
        number = {d.name: n // 8 + 1 for n, d in enumerate(devices)}
        word = "group"
    boxes = []
    for bucket in _buckets(sorted(set(number.values()))):
        lo, hi = bucket[0], bucket[-1]
        span = f"{lo}-{hi}" if hi != lo else f"{lo}"
        k = f"{tier}:{span}"
        members = [d for d in devices if lo <= number[d.name] <= hi]
        for d in members:
            key[d.name] = k
        href = "#devices/" + quote(f"{word}:{span}") if word == "plane" else None
        boxes.append(Box(k, f"{word} {span}", f"{plural} of {word} {span}: {len(members)}", w=84, h=30, href=href))
    return Row(f"{plural} ({len(devices)})", boxes, gap=6)


def _su_devices(design: Design, su: int) -> list[Device]:
    """The SU's leaves and every switch their uplinks reach."""
    leaves = [d for d in design.devices_by(fabric="backend", role="leaf") if d.su == su]
    above = {i.peer_device for d in leaves for i in d.interfaces if i.role == "uplink" and i.peer_device}
    return leaves + [design.devices[n] for n in sorted(above) if n in design.devices]


def backend_view(design: Design) -> TopologyView:
    backend = design.devices_by(fabric="backend")
    links = _fabric_links(design, "backend")
    tiers = f"{design.backend_tiers}-tier" if design.backend_tiers else ""
    if len(backend) <= DETAIL_LIMIT:
        label = f"Back-end fabric: {len(backend)} switches, {design.rails} rails, {design.scalable_units} SU"
        desc = "Every back-end switch as a box, tiers as rows; leaves and their cables in their rail's colour."
        pic = _backend_detail(design, backend, links, label, desc, "backend-detail")
        return TopologyView("backend", f"Back-end ({tiers})", "Every switch is a link to its page.", pic)
    sus = sorted({d.su for d in backend if d.su is not None})
    touching = _touching(links)
    details = []
    for su in sus:
        devices = _su_devices(design, su)
        leaves = {d.name for d in devices if d.role == "leaf"}
        # the SU's leaves' cables, plus the node cables; not the spines' other SUs
        mine = sorted({n for name in leaves for n in touching[name]})
        su_links = [links[n] for n in mine]
        label = f"SU {su} in detail: {len(devices)} switches"
        desc = f"The leaves of scalable unit {su}, coloured by rail, and the spines their uplinks reach."
        details.append(SuChoice(su, f"SU {su}", _backend_detail(design, devices, su_links, label, desc, f"su-{su}")))
    note = "Aggregated: choose a scalable unit (or click one) to see its switches; every switch is a link to its page."
    return TopologyView(
        "backend", f"Back-end ({tiers})", note, _backend_aggregate(design, backend, links), tuple(details)
    )


def access_view(design: Design, fabric: str) -> TopologyView:
    """Front-end or storage: spines over leaf groups (the leaves that serve the same nodes) over nodes."""
    devices = design.devices_by(fabric=fabric)
    heading = {"frontend": "Front-end", "storage": "Storage"}[fabric]
    if not devices:
        return TopologyView(fabric, heading, f"This design has no {heading.lower()} fabric.", None)
    links = _fabric_links(design, fabric)
    serves: dict[str, list[str]] = defaultdict(list)
    for link in links:
        if link.kind == "node-leaf":
            serves[link.b_device].append(link.a_device)
    spines = [d for d in devices if d.role != "leaf"]
    leaves = [d for d in devices if d.role == "leaf"]
    key = {d.name: d.name for d in devices}
    short = label_suffix([d.name for d in spines]) | label_suffix([d.name for d in leaves])
    width = 60 if max(len(spines), len(leaves)) <= 24 else 30
    rows = [Row(f"spines ({len(spines)})", [_switch(d, short[d.name], width) for d in spines])] if spines else []
    rows.append(Row(f"leaves ({len(leaves)})", [_switch(d, short[d.name], width) for d in leaves]))
    groups: list[Group] = []
    by_nodes: dict[tuple[str, ...], list[str]] = {}
    for d in leaves:
        by_nodes.setdefault(tuple(sorted(set(serves.get(d.name, [])))), []).append(d.name)
    node_row: list[Box] = []
    for n, (nodes, members) in enumerate(by_nodes.items(), start=1):
        if not nodes:
            continue
        groups.append(Group(f"group {n}", members))
        node_row += _node_boxes(design, list(nodes), n, key)
    if node_row:
        rows.append(Row(f"GPU nodes ({len({x for k in by_nodes for x in k})})", node_row, gap=8))
    edges = _pair_edges(design, links, {"leaf-spine", "node-leaf"}, key)
    label = f"{heading} fabric: {len(devices)} switches"
    desc = f"{heading} spines over leaves over the GPU nodes they serve; leaves serving the same nodes are framed."
    pic = Picture(f"{fabric}-detail", label, desc, draw(rows, edges, label, desc, groups, data_view=fabric))
    return TopologyView(fabric, heading, "Every switch is a link to its page.", pic)


def oob_view(design: Design) -> TopologyView:
    """OOB switches under their uplinks; each switch's tooltip says what its ports serve."""
    oob = design.devices_by(fabric="oob")
    if not oob:
        return TopologyView("oob", "OOB", "This design has no OOB network.", None)
    key = {d.name: d.name for d in oob}
    uplinks = sorted({link.b_device for link in design.links if link.kind == "oob-uplink"})
    boxes = []
    for name in uplinks:
        key[name] = "up:" + name
        boxes.append(Box("up:" + name, name, f"OOB uplink: {name} (outside this design)", w=120, fill=palette.MUTED))
    served = Counter(
        (link.b_device, "switch" if link.a_device in design.devices else "node")
        for link in design.links
        if link.kind == "mgmt"
    )
    short = label_suffix([d.name for d in oob])
    switches = []
    for d in oob:
        what = f"{served[d.name, 'node']} node ports, {served[d.name, 'switch']} switch management ports"
        box = _switch(d, short[d.name], 44 if len(oob) > 12 else 110)
        box.name = f"{d.name} ({d.model}, {d.os}): {what}"
        switches.append(box)
    rows = [Row("uplinks", boxes)] if boxes else []
    rows.append(Row(f"OOB switches ({len(oob)})", switches, wrap=40))
    edges = _pair_edges(design, _fabric_links(design, "oob"), {"oob-uplink"}, key)
    nodes = sum(n for (_, what), n in served.items() if what == "node")
    mgmt = sum(n for (_, what), n in served.items() if what == "switch")
    label = f"OOB network: {len(oob)} switches"
    desc = (
        f"OOB switches under their uplinks; they serve {nodes} node ports (BMC and management) "
        f"and {mgmt} switch management ports."
    )
    pic = Picture("oob-detail", label, desc, draw(rows, edges, label, desc, data_view="oob"))
    return TopologyView("oob", "OOB", desc, pic)


def topology(design: Design) -> tuple[TopologyView, ...]:
    return (backend_view(design), access_view(design, "frontend"), access_view(design, "storage"), oob_view(design))

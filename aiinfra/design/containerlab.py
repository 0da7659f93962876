"""Decide the containerlab lab (:class:`~aiinfra.design.lab_intent.LabIntent`) from the finished Design.

The scope comes from the spec (``containerlab.scope``); ``auto`` emulates the whole data fabric while it
fits in ``containerlab.max_containers`` containers, else scalable unit 1 and its spines. The OOB switches
and the management cables stay out: containerlab gives every container a management address on its own
management network, which is where the Design's management addresses go.
"""

from __future__ import annotations

from aiinfra.design.lab_intent import LabIntent, LabSwitch
from aiinfra.design.model import Design, Device, InterfaceRole
from aiinfra.design.problems import DesignError, Problem
from aiinfra.nos import profile
from aiinfra.spec.model import ClusterSpec

DATA_LINKS = frozenset({"node-leaf", "leaf-spine", "spine-super-spine"})
SCOPE_PATH = ("containerlab", "scope")


def with_lab(design: Design, spec: ClusterSpec) -> Design:
    """Attach the lab intent; a scope naming a scalable unit the cluster lacks is a positioned problem."""
    design.containerlab = lab_intent(design, spec)
    return design


def lab_intent(design: Design, spec: ClusterSpec) -> LabIntent:
    lab = spec.containerlab
    switches = [d for d in design.devices.values() if d.fabric != "oob"]
    scope = lab.scope
    if scope == "auto":
        scope = "full" if len(switches) + len(design.nodes) <= lab.max_containers else "su:1"
    if scope == "full":
        nodes = {n.name for n in design.nodes}
        names = {d.name for d in switches}
    else:
        su = int(scope.removeprefix("su:"))
        if su > design.scalable_units:
            raise DesignError(
                [Problem(SCOPE_PATH, f"{scope}: the cluster has {design.scalable_units} scalable unit(s)")]
            )
        nodes, names = _su_members(design, su)
    members = nodes | names  # the lab's nodes and switches: both ends of a lab cable are among them
    indexes = tuple(
        i
        for i, link in enumerate(design.links)
        if link.kind in DATA_LINKS and link.a_device in members and link.b_device in members
    )
    used: dict[str, set[str]] = {}
    for i in indexes:
        link = design.links[i]
        used.setdefault(link.a_device, set()).add(link.a_interface)
        used.setdefault(link.b_device, set()).add(link.b_interface)
    lab_switches = tuple(_lab_switch(design.devices[name], spec, used.get(name, set())) for name in sorted(names))
    return LabIntent(
        requested=lab.scope,
        scope=scope,
        switches=lab_switches,
        nodes=tuple(n.name for n in design.nodes if n.name in nodes),
        node_image=lab.node_image,
        links=indexes,
    )


def _su_members(design: Design, su: int) -> tuple[set[str], set[str]]:
    """SU ``su``'s nodes, every leaf they cable to, and the spines those leaves uplink to."""
    nodes = {n.name for n in design.nodes if n.su == su}
    leaves = {d.name for d in design.devices.values() if d.su == su and d.role == "leaf" and d.fabric != "oob"}
    for link in design.links:
        if link.kind == "node-leaf" and link.a_device in nodes:
            leaves.add(link.b_device)
    spines = {link.b_device for link in design.links if link.kind == "leaf-spine" and link.a_device in leaves}
    return nodes, leaves | spines


def _lab_switch(device: Device, spec: ClusterSpec, used: set[str]) -> LabSwitch:
    """The kind, image and container-side interface names of one switch (its OS driver's clab rules)."""
    clab = profile(device.os).clab
    front = sorted(
        (i for i in device.interfaces if i.role != InterfaceRole.MGMT),
        key=lambda i: (i.physical_port, i.breakout_member),
    )
    names = {i.name: clab.container_interface(i.name, pos) for pos, i in enumerate(front, start=1) if i.name in used}
    image = spec.containerlab.images.get(device.os) or clab.default_image(device.os_release)
    return LabSwitch(
        name=device.name,
        kind=spec.containerlab.kinds.get(device.os, clab.kinds[0]),
        image=image,
        interfaces=dict(sorted(names.items())),
    )

"""``aiinfra lab fail --swap-cable A B``: the classic day-1 fault, two cables swapped.

``A`` and ``B`` are two cabled fabric link ends as the design names them
(``DEVICE:INTERFACE``). Their cables, A - A' and B - B', are re-plugged as A - B' and
B - A': both veth pairs are deleted and created again between the new ends, with the
same kernel names and MTUs, and every address the four ports held is put back (FRR's
zebra and the SONiC personality configured them on the ports, not on the cables), so
each switch keeps its own config and only the wiring is wrong, as on a real floor.
``restore`` plugs them back the same way. Nothing here predicts routing: a swap is a
fault for ``verify`` to find, by LLDP, and to name.
"""

from __future__ import annotations

import json

from aiinfra.lab import netns, state
from aiinfra.lab.context import LabContext
from aiinfra.lab.errors import LabError
from aiinfra.lab.topology import FABRIC_KINDS, Cable, Port

KIND = "swap"


def _cable_of(ctx: LabContext, end: str) -> tuple[Cable, Port, Port]:
    """The fabric cable with ``end``; (cable, that end's port, the far end's port)."""
    device, _, iface = end.partition(":")
    for cable in ctx.plan.cables:
        if cable.kind not in FABRIC_KINDS:
            continue
        for near, far in ((cable.a, cable.b), (cable.b, cable.a)):
            if (near.device, near.design_name) == (device, iface):
                return cable, near, far
    raise LabError(f"no cabled fabric link has the end {end}; name one end as the design does, e.g. DEVICE:INTERFACE")


def ends(ctx: LabContext, a: str, b: str) -> tuple[Port, Port, Port, Port]:
    """(A, A', B, B'): the two named ends and their cables' far ends."""
    cable_a, near_a, far_a = _cable_of(ctx, a)
    cable_b, near_b, far_b = _cable_of(ctx, b)
    if cable_a is cable_b:
        raise LabError(f"{a} and {b} are the two ends of one cable; name one end of each of two cables")
    return near_a, far_a, near_b, far_b


def _snapshot(port: Port) -> tuple[int, list[str]]:
    """MTU and addresses (CIDR) a port holds now."""
    out = netns.run([netns.IP, "-n", port.namespace, "-j", "address", "show", "dev", port.ifname])
    data = (json.loads(out or "[]") or [{}])[0]
    addresses = [f"{a['local']}/{a['prefixlen']}" for a in data.get("addr_info", []) if a.get("family") == "inet"]
    return int(data.get("mtu", port.mtu)), addresses


def _replug(pairs: list[tuple[Port, Port]]) -> None:
    """Delete the ports' current veths and cable ``pairs`` anew, keeping MTU and addresses."""
    ports = [p for pair in pairs for p in pair]
    saved = {(p.namespace, p.ifname): _snapshot(p) for p in ports}
    for p in ports:
        netns.run([netns.IP, "-n", p.namespace, "link", "del", "dev", p.ifname], check=False)
    for x, y in pairs:
        netns.add_veth(
            x.namespace,
            x.ifname,
            saved[(x.namespace, x.ifname)][0],
            y.namespace,
            y.ifname,
            saved[(y.namespace, y.ifname)][0],
        )
    for p in ports:
        _, addresses = saved[(p.namespace, p.ifname)]
        netns.batch(
            p.namespace,
            [*(f"address replace {a} dev {p.ifname}" for a in addresses), f"link set dev {p.ifname} up"],
        )


def swap(ctx: LabContext, st: state.LabState, a: str, b: str) -> state.Failure:
    target = f"{a} {b}"
    if any(f.kind == KIND for f in st.failures):
        raise LabError("a cable swap is already in place; `aiinfra lab restore` first")
    near_a, far_a, near_b, far_b = ends(ctx, a, b)
    _replug([(near_a, far_b), (near_b, far_a)])
    ports = [[p.namespace, p.ifname] for p in (near_a, far_a, near_b, far_b)]
    failure = state.Failure(target, KIND, ports)
    st.failures.append(failure)
    st.save()
    return failure


def unswap(ctx: LabContext, failure: state.Failure) -> None:
    """Plug a swap's cables back as the design has them."""
    a, b = failure.target.split(" ")
    near_a, far_a, near_b, far_b = ends(ctx, a, b)
    _replug([(near_a, far_a), (near_b, far_b)])

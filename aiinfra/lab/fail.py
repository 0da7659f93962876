"""``aiinfra lab fail LINK|SWITCH`` and ``restore``, with convergence measured.

A link is named by one of its ends as the design names it, ``DEVICE:INTERFACE`` (for
example ``lab-be-leaf-su001-r1:Ethernet256``); that end is set down, so both ends lose
carrier, as when a cable is pulled. A switch is named by its device name: all its
fabric and host ports go down (its management port stays up, so the lab can still
inspect it).

Convergence is timed from the moment the port goes down, by polling every leaf's
kernel FIB against the design's prediction for the new failure set:
  - data plane: no route uses a failed next hop any more (the kernel ignores next hops
    whose link is down, so this is near-instant for a local failure);
  - control plane: every route holds exactly the predicted next hops and none is left
    marked dead, i.e. BGP (with BFD) and zebra have recomputed and reinstalled it.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from ipaddress import IPv4Network

from aiinfra.lab import expect, netns, state, swap
from aiinfra.lab.context import LabContext
from aiinfra.lab.errors import LabError
from aiinfra.lab.expect import Failures
from aiinfra.lab.topology import FABRIC_KINDS
from aiinfra.lab.verify import failures_of

CONVERGENCE_TIMEOUT = 60.0
POLL = 0.02


def resolve(ctx: LabContext, target: str) -> state.Failure:
    """The ports ``target`` names, or a LabError saying what would have been valid."""
    fabric = [c for c in ctx.plan.cables if c.kind in FABRIC_KINDS]
    if ":" in target:
        device, _, iface = target.partition(":")
        for cable in fabric:
            for end in (cable.a, cable.b):
                if (end.device, end.design_name) == (device, iface):
                    return state.Failure(target, "link", [[end.namespace, end.ifname]])
        example = next(
            (f"{c.a.device}:{c.a.design_name}" for c in fabric if c.kind == "leaf-spine"), "DEVICE:INTERFACE"
        )
        raise LabError(f"no cabled fabric link has the end {target}; name one end as the design does, e.g. {example}")
    if target in ctx.plan.switches:
        ports = [[p.namespace, p.ifname] for c in fabric for p in (c.a, c.b) if p.device == target]
        return state.Failure(target, "switch", ports)
    raise LabError(f"{target} is neither a switch of the design nor a link end DEVICE:INTERFACE")


def fail(ctx: LabContext, st: state.LabState, target: str, timeout: float = CONVERGENCE_TIMEOUT) -> state.Failure:
    if any(f.kind == swap.KIND for f in st.failures):
        raise LabError("a cable swap is in place; `aiinfra lab restore` it before failing a link or a switch")
    if any(f.target == target for f in st.failures):
        raise LabError(f"{target} is already failed; `aiinfra lab restore` brings it back")
    failure = resolve(ctx, target)
    after = failures_of(ctx, [*st.failures, failure])
    started = time.monotonic()
    _set(failure.ports, "down")
    failure.dataplane_s, failure.convergence_s = converge(ctx, after, started, timeout)
    st.failures.append(failure)
    st.save()
    return failure


def restore(ctx: LabContext, st: state.LabState, timeout: float = CONVERGENCE_TIMEOUT) -> float:
    """Bring every failed port back up; return the time until all paths are back."""
    if not st.failures:
        raise LabError("nothing is failed; `aiinfra lab fail LINK|SWITCH` first")
    started = time.monotonic()
    for failure in st.failures:
        if failure.kind == swap.KIND:
            swap.unswap(ctx, failure)
        else:
            _set(failure.ports, "up")
    _, total = converge(ctx, Failures(), started, timeout)
    st.failures = []
    st.last_restore_s = total
    st.save()
    return total


def _set(ports: list[list[str]], updown: str) -> None:
    by_ns: dict[str, list[str]] = {}
    for ns, ifname in ports:
        by_ns.setdefault(ns, []).append(f"link set dev {ifname} {updown}")
    for ns, commands in by_ns.items():
        netns.batch(ns, commands)


def converge(ctx: LabContext, failures: Failures, started: float, timeout: float) -> tuple[float, float]:
    """(data-plane, control-plane) seconds since ``started`` until the FIBs match the prediction."""
    predicted = expect.ecmp(ctx.result.design, failures, expect.Clos(ctx.result.design, failures))
    leaves = {name: ctx.plan.switches[name].namespace for name in predicted}
    dataplane: float | None = None
    with ThreadPoolExecutor(max_workers=len(leaves) or 1) as pool:
        while True:
            now = time.monotonic()
            states = dict(zip(leaves, pool.map(_fib_state, leaves.values()), strict=True))
            usable_ok = all(_matches(states[leaf], want, strict=False) for leaf, want in predicted.items())
            if usable_ok and dataplane is None:
                dataplane = now - started
            if usable_ok and all(_matches(states[leaf], want, strict=True) for leaf, want in predicted.items()):
                assert dataplane is not None  # a strict match is also a usable one, which set it
                return round(dataplane, 3), round(now - started, 3)
            if now - started > timeout:
                raise LabError(f"routing did not converge to the predicted ECMP paths within {timeout:.0f} s")
            time.sleep(POLL)


def _fib_state(namespace: str) -> dict[str, tuple[int, int]]:
    """Prefix -> (usable next hops, dead or link-down next hops) of BGP routes."""
    out: dict[str, tuple[int, int]] = {}
    for route in netns.routes(namespace):
        if route.get("protocol") != "bgp" or route.get("dst") in (None, "default"):
            continue
        hops = route.get("nexthops") or [route]
        dead = sum(1 for h in hops if {"dead", "linkdown"} & set(h.get("flags", [])))
        out[str(IPv4Network(route["dst"]))] = (len(hops) - dead, dead)
    return out


def _matches(fib: dict[str, tuple[int, int]], want: dict[str, int], strict: bool) -> bool:
    for prefix, paths in want.items():
        usable, dead = fib.get(prefix, (0, 0))
        if usable != paths or (strict and dead):
            return False
    return True

"""``aiinfra lab verify``: compare the running lab with what the design predicts.

Checks, each against ``expect.py``'s prediction for the current failures:
  - every BGP session Established (or down, if its cable or a switch is failed), and
    every BFD session of a live BGP session Up;
  - every leaf's kernel FIB holds each remote leaf's prefixes with the predicted number
    of ECMP next hops (none of them on a dead link);
  - every node NIC reaches the same-rail NIC of every other node, and a different-rail
    NIC, with traceroute hop counts the rail-optimized Clos allows: one switch for the
    same rail, through the spine tier for a different rail;
  - MTU-sized pings with Don't Fragment pass on all those pairs.
Only lab namespace addresses are probed; nothing is sent outside the lab.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from ipaddress import IPv4Interface, IPv4Network
from typing import Any

from aiinfra.lab import acceptance, expect, frr, inventory, netns
from aiinfra.lab.context import LabContext
from aiinfra.lab.errors import LabError
from aiinfra.lab.expect import Expectations, Failures, Probe

HOP_RE = re.compile(r"^\s*(\d+)\s+(\S+)")
WORKERS = 16


@dataclass(frozen=True)
class Check:
    area: str
    subject: str
    ok: bool
    detail: str = ""


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def render(self) -> str:
        """One summary line per area, then every failed check on its own line."""
        areas: dict[str, list[Check]] = {}
        for c in self.checks:
            areas.setdefault(c.area, []).append(c)
        lines = []
        for area, checks in areas.items():
            good = sum(c.ok for c in checks)
            lines.append(f"{'PASS' if good == len(checks) else 'FAIL'}  {area}: {good}/{len(checks)}")
            lines += [f"        {c.subject}: {c.detail}" for c in checks if not c.ok]
        lines += self.notes
        lines.append("lab verified: everything the design predicts holds" if self.ok else "lab verification FAILED")
        return "\n".join(lines)


def failures_of(ctx: LabContext, failed: list[Any]) -> Failures:
    """Failures from the state file's records, as design-level cable ends and switches."""
    ends: set[tuple[str, str]] = set()
    switches: set[str] = set()
    peer_ends = expect.cable_peer_ends(ctx.result.design)
    for f in failed:
        if f.kind == "swap":  # a wiring fault, not a prediction: verify must find it
            continue
        if f.kind == "switch":
            switches.add(f.target)
        else:
            device, _, iface = f.target.partition(":")
            ends.add((device, iface))
            if (device, iface) in peer_ends:
                ends.add(peer_ends[(device, iface)])
    return Failures(frozenset(ends), frozenset(switches))


def control_plane(ctx: LabContext, exp: Expectations) -> list[Check]:
    """BGP, BFD and ECMP checks, read from every switch in parallel."""

    def per_switch(name: str) -> list[Check]:
        sw = ctx.plan.switches[name]
        confdir = inventory.switch_dirs(ctx.lab_dir, name).confdir
        out: list[Check] = []
        mine = [s for s in exp.sessions if s.device == name]
        if mine:
            bgp = frr.show_json(sw.namespace, sw.pathspace, confdir, "show bgp neighbors json")
            bfd = frr.show_json(sw.namespace, sw.pathspace, confdir, "show bfd peers json")
            bfd_up = {p.get("peer") for p in bfd if p.get("status") == "up"} if isinstance(bfd, list) else set()
            for s in mine:
                state = bgp.get(s.address, {}).get("bgpState", "absent")
                want = "Established" if s.live else "down"
                ok = (state == "Established") == s.live
                out.append(Check("BGP sessions", f"{name} -> {s.peer} ({s.address})", ok, f"{state}, expected {want}"))
                if s.bfd and s.live:
                    out.append(
                        Check(
                            "BFD sessions",
                            f"{name} -> {s.peer} ({s.address})",
                            s.address in bfd_up,
                            "up" if s.address in bfd_up else "not up",
                        )
                    )
        if name in exp.ecmp:
            fib = fib_paths(sw.namespace)
            for prefix, paths in sorted(exp.ecmp[name].items()):
                have = fib.get(prefix, 0)
                out.append(
                    Check(
                        "ECMP paths per leaf", f"{name} {prefix}", have == paths, f"{have} next hops, expected {paths}"
                    )
                )
        return out

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return [c for checks in pool.map(per_switch, sorted(ctx.plan.switches)) for c in checks]


def fib_paths(namespace: str) -> dict[str, int]:
    """Prefix -> usable next hops in the kernel FIB (dead or link-down ones excluded)."""
    out: dict[str, int] = {}
    for route in netns.routes(namespace):
        dst = route.get("dst", "")
        if dst in ("default", "") or route.get("protocol") != "bgp":
            continue
        hops = route.get("nexthops") or [route]
        usable = [h for h in hops if not {"dead", "linkdown"} & set(h.get("flags", []))]
        out[str(IPv4Network(dst))] = len(usable)
    return out


def data_plane(ctx: LabContext, exp: Expectations) -> list[Check]:
    """Traceroute and DF pings for every probe, in parallel."""
    owners = expect.address_owners(ctx.result.design)
    roles = {name: d.role for name, d in ctx.result.design.devices.items()}

    def one(p: Probe) -> list[Check]:
        ns = ctx.plan.nodes[p.src_node].namespace
        src, dst = str(IPv4Interface(p.src.address).ip), str(IPv4Interface(p.dst.address).ip)
        subject = f"{p.src_node} {p.src.netdev} -> {p.dst_node} {p.dst.netdev} ({dst})"
        return [
            _trace(ns, src, dst, p, subject, owners, roles),
            _ping(ns, src, dst, min(p.src.mtu, p.dst.mtu), subject),
        ]

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return [c for checks in pool.map(one, exp.probes) for c in checks]


def _trace(ns: str, src: str, dst: str, p: Probe, subject: str, owners: dict[str, str], roles: dict[str, str]) -> Check:
    """ICMP traceroute: the hop count is the evidence; answering hops must be the right switches.

    Hops past the first usually answer ``*``: a switch sources its ICMP time-exceeded from
    a fabric-link address, and a node routes only the GPU prefix per NIC, so its loose
    reverse-path filter drops the reply. The destination answers echo at the exact TTL,
    so the count of hops stays exact.
    """
    area = "same-rail reachability (1 switch hop)" if p.kind == "same-rail" else "cross-rail reachability (via spine)"
    out = netns.in_ns(ns, ["traceroute", "-n", "-I", "-q", "1", "-w", "1", "-m", "10", "-s", src, dst], check=False)
    hops = [m.group(2) for line in out.splitlines()[1:] if (m := HOP_RE.match(line))]
    if not hops or hops[-1] != dst:
        return Check(area, subject, False, f"unreachable (hops: {' '.join(hops) or 'none'})")
    switches = [owners.get(h, h) for h in hops[:-1]]
    path = " > ".join(switches)
    if len(switches) != p.switch_hops:
        return Check(area, subject, False, f"{len(switches)} switch hops ({path}), expected {p.switch_hops}")
    if switches[0] != p.src.switch:
        return Check(area, subject, False, f"first hop {switches[0]}, expected the NIC's leaf {p.src.switch}")
    middle = [s for s in switches[1:-1] if s != "*"]
    if p.via_tier >= 1 and any(roles.get(s) not in ("spine", "super-spine") for s in middle):
        return Check(area, subject, False, f"did not stay on the spine tier ({path})")
    return Check(area, subject, True, path)


def _ping(ns: str, src: str, dst: str, mtu: int, subject: str) -> Check:
    size = mtu - 28  # IPv4 + ICMP headers
    out = netns.in_ns(
        ns, ["ping", "-n", "-c", "1", "-W", "2", "-M", "do", "-s", str(size), "-I", src, dst], check=False
    )
    ok = " 0% packet loss" in out
    return Check(f"MTU {mtu} pings, DF set", subject, ok, "" if ok else (out.strip().splitlines() or ["no reply"])[-1])


def wait_control_plane(
    ctx: LabContext, exp: Expectations, timeout: float, sleep: Callable[[float], None]
) -> list[Check]:
    """Poll until BGP, BFD and ECMP match, or the timeout passes; the last checks either way."""
    deadline = time.monotonic() + timeout
    while True:
        checks = control_plane(ctx, exp)
        if all(c.ok for c in checks) or time.monotonic() >= deadline:
            return checks
        sleep(0.5)


def catalog_checks(ctx: LabContext, failures: Failures) -> list[Check]:
    """The acceptance catalog (aiinfra verify), one check per device and section, plus
    one failed check per swapped pair of cables."""
    result = acceptance.check(ctx, failures)
    failed: dict[tuple[str, str], list[str]] = {}
    for f in result.failures:
        section = f.check.split()[0] if f.check.split()[0] in ("lldp", "bgp") else "interfaces"
        failed.setdefault((f.device, section), []).append(f"{f.port} {f.check}: expected {f.expected}, found {f.found}")
    checks = []
    cats = acceptance.lab_catalogs(ctx, failures)
    for name, cat in cats.items():
        for section in acceptance.SECTIONS:
            if cat[section]:
                lines = failed.get((name, section), [])
                checks.append(Check(f"catalog: {section}", name, not lines, "; ".join(lines)))
    checks += [
        Check("catalog: swapped cables", "SWAPPED", False, line.removeprefix("SWAPPED ")) for line in result.swaps
    ]
    return checks


def verify(ctx: LabContext, failed: list[Any], timeout: float = 60.0) -> Report:
    if not ctx.plan.switches:
        raise LabError("the design has no switches to verify")
    failures = failures_of(ctx, failed)
    exp = expect.expectations(ctx.result.design, failures)
    report = Report()
    report.checks += wait_control_plane(ctx, exp, timeout, time.sleep)
    report.checks += data_plane(ctx, exp)
    report.checks += catalog_checks(ctx, failures)
    return report

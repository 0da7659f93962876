"""The acceptance catalog (``aiinfra verify``) run against the lab.

The same catalog ``render`` writes to ``verify/`` and the same evaluation, fed from the
lab's own daemons: FRR's ``show bgp summary json`` through vtysh, lldpd's neighbours
through lldpcli (json0) and the kernel's links through ``ip -j``, with the lab's kernel
port names mapped back to the Design's. The lab emulates LLDP, BGP and the links; it
has no ASIC, so PFC, ECN, counters, optics and port speed are not checked here.

What the lab cannot show is taken out of the catalog before it is evaluated, never
after: LLDP rows towards devices the lab does not run (the site's OOB core), and, for
``aiinfra lab fail``, the rows of failed links and switches. A cable swap is not taken
out: it is the fault this check must find and name.
"""

from __future__ import annotations

import copy
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiinfra.lab import frr, inventory, lldp, netns
from aiinfra.lab.context import LabContext
from aiinfra.lab.expect import Failures
from aiinfra.verify import collect
from aiinfra.verify.catalog import catalogs
from aiinfra.verify.collectors import linux as linux_json
from aiinfra.verify.evaluate import Result, evaluate

SECTIONS = ("lldp", "bgp", "interfaces")
LLDP_WAIT_S = 15.0
WORKERS = 16


def lab_catalogs(ctx: LabContext, failures: Failures) -> dict[str, dict[str, Any]]:
    design = ctx.result.design
    emulated = set(ctx.plan.switches) | set(ctx.plan.nodes)
    peer = {(d.name, i.name): i.peer_device for d in design.devices.values() for i in d.interfaces}
    out = {}
    for name, cat in catalogs(design).items():
        if name in failures.switches or name not in ctx.plan.switches:
            continue

        def gone(port: str, me: str = name) -> bool:
            return (me, port) in failures.ends or peer.get((me, port)) in failures.switches

        mine = copy.deepcopy(cat)
        mine["lldp"] = [r for r in cat["lldp"] if r["neighbor"] in emulated and not gone(r["port"])]
        mine["bgp"] = [r for r in cat["bgp"] if not gone(r["interface"])]
        mine["interfaces"] = [r for r in cat["interfaces"] if not gone(r["port"])]
        out[name] = mine
    return out


def lldp_socket(ctx: LabContext, device: str) -> Any:
    return lldp.socket_path(lldp.workdir(ctx.lab_dir, device))


def collect_switch(ctx: LabContext, name: str, with_bgp: bool) -> dict[str, Any]:
    """The neutral state of one lab switch, read from its own daemons."""
    sw = ctx.plan.switches[name]
    raw: dict[str, Any] = {
        linux_json.LLDP: lldp.neighbors(sw.namespace, lldp_socket(ctx, name)),
        linux_json.LINKS: json.loads(netns.run([netns.IP, "-n", sw.namespace, "-j", "link", "show"]) or "[]"),
        linux_json.BGP: {},
    }
    if with_bgp:
        confdir = inventory.switch_dirs(ctx.lab_dir, name).confdir
        raw[linux_json.BGP] = frr.show_json(sw.namespace, sw.pathspace, confdir, "show bgp summary json")
    kernel_to_design = {kernel: design for design, kernel in sw.ports.items()}
    return collect.state_of("frr", raw, kernel_to_design)


def _all_heard(cats: dict[str, dict[str, Any]], states: dict[str, dict[str, Any]]) -> bool:
    return all(states[n]["lldp"].get(r["port"]) for n, c in cats.items() for r in c["lldp"])


def check(ctx: LabContext, failures: Failures, sleep: Any = time.sleep) -> Result:
    """Evaluate the lab against its catalog, once every cabled port has heard a neighbour
    (or ``LLDP_WAIT_S`` passed: a port that hears nothing is then reported)."""
    cats = lab_catalogs(ctx, failures)
    deadline = time.monotonic() + LLDP_WAIT_S
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        while True:
            states = dict(
                zip(cats, pool.map(lambda n: collect_switch(ctx, n, bool(cats[n]["bgp"])), cats), strict=True)
            )
            if _all_heard(cats, states) or time.monotonic() >= deadline:
                return evaluate(cats, states, SECTIONS)
            sleep(0.5)

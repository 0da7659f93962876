"""``aiinfra lab up|verify|fail|restore|down SPEC``: the CLI wiring of the lab.

``aiinfra/cli.py`` calls ``add_parser(subparsers)`` and, for ``aiinfra lab ...``,
``run(args)``. Every anticipated problem is a LabError printed as one line (exit 1); an
invalid spec raises SpecError, which the main CLI prints as positioned diagnostics.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from aiinfra.lab import context, down, fail, names, perf, requirements, state, swap, verify
from aiinfra.lab.errors import LabError
from aiinfra.lab.up import up

EXIT_OK, EXIT_FAILED = 0, 1

EPILOG = """lab commands:
  up SPEC              build namespaces, veths, FRR and sshd per switch, then deploy the
                       rendered configs with ansible-playbook playbooks/site.yml
  verify SPEC          BGP/BFD sessions, ECMP paths, rail reachability (traceroute hop
                       counts), MTU-sized pings with DF, and the acceptance catalog
                       (aiinfra verify: LLDP = cabling plan, BGP peers, ports); exit 1
                       if anything differs
  fail SPEC TARGET     bring a link (DEVICE:INTERFACE, one end as the design names it)
                       or a switch (DEVICE) down and time the convergence
  fail SPEC --swap-cable A B
                       swap two cables (A and B: one end of each, DEVICE:INTERFACE);
                       verify must find the swap by LLDP and name the pair
  restore SPEC         bring every failed link and switch back, time the convergence
  perf SPEC            playbooks/perf-acceptance.yml against the lab's nodes: iperf3
                       per rail pair (no RDMA here), lab thresholds; exit 1 below them
  down SPEC            remove every namespace, process and file of the lab (idempotent)

needs root and Debian's frr, openssh-server, openssh-client, iproute2, traceroute and
iputils-ping; see docs/lab.md.
"""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "lab",
        help="rehearse the deployment in network namespaces with FRR (needs root)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    lab_sub = p.add_subparsers(dest="lab_command", required=True)
    for name, help_text in (
        ("up", "build the lab and deploy the configs through the playbooks"),
        ("verify", "check sessions, ECMP, reachability and MTU against the design"),
        ("fail", "bring a link or a switch down and time the convergence"),
        ("restore", "bring everything failed back up and time the convergence"),
        ("perf", "run the performance acceptance playbook (iperf3 per rail pair) against the lab"),
        ("down", "remove the lab completely (idempotent)"),
    ):
        sp = lab_sub.add_parser(name, help=help_text)
        sp.add_argument("spec", type=Path)
        if name == "fail":
            sp.add_argument("target", nargs="?", help="DEVICE:INTERFACE (a link end) or DEVICE (a switch)")
            sp.add_argument(
                "--swap-cable",
                nargs=2,
                metavar=("A", "B"),
                help="swap two cables, each named by one end DEVICE:INTERFACE",
            )
        if name == "verify":
            sp.add_argument(
                "--wait",
                type=float,
                default=60.0,
                metavar="SECONDS",
                help="how long to wait for sessions and routes to settle (default 60)",
            )
        sp.add_argument(
            "--id", dest="lab_id", metavar="ID", help="lab id (1-4 of a-z0-9); default: derived from the spec's path"
        )
    return p


def run(args: argparse.Namespace) -> int:
    try:
        return _dispatch(args)
    except LabError as exc:
        print(f"aiinfra lab: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _say(message: str) -> None:
    print(message, flush=True)


def _dispatch(args: argparse.Namespace) -> int:
    command = args.lab_command
    if command == "down":
        lab_id = names.lab_id_for(args.spec, args.lab_id)
        teardown = down.down(lab_id)
        if teardown.empty:
            _say(f"lab {lab_id}: nothing to remove")
        else:
            _say(
                f"lab {lab_id} removed: {len(teardown.namespaces)} namespaces, "
                f"{teardown.processes} processes, {len(teardown.paths)} paths"
            )
        return EXIT_OK
    reasons = requirements.missing()
    if reasons:
        raise LabError("; ".join(reasons))
    ctx = context.load(args.spec, args.lab_id)
    if command == "up":
        started = time.monotonic()
        st = up(ctx, lambda m: _say(f"[{time.monotonic() - started:6.1f}s] {m}"))
        _say(
            f"lab {ctx.lab_id} up in {st.timings['up_s']:.1f} s (deploy {st.timings['deploy_s']:.1f} s); "
            f"next: aiinfra lab verify {args.spec}"
        )
        return EXIT_OK
    st = state.require(ctx.lab_id)
    if command == "verify":
        report = verify.verify(ctx, st.failures, timeout=args.wait)
        for f in st.failures:
            if f.kind == swap.KIND:
                report.notes.append(f"cables swapped at {' and '.join(f.target.split())} (aiinfra lab restore)")
                continue
            report.notes.append(
                f"failed: {f.target} ({f.kind}); converged in {f.convergence_s:.3f} s "
                f"(data plane {f.dataplane_s:.3f} s)"
            )
        if st.last_restore_s is not None and not st.failures:
            report.notes.append(f"last restore converged in {st.last_restore_s:.3f} s")
        _say(report.render())
        return EXIT_OK if report.ok else EXIT_FAILED
    if command == "fail" and args.swap_cable:
        if args.target:
            raise LabError("give either a TARGET to fail or --swap-cable A B, not both")
        swapped = swap.swap(ctx, st, *args.swap_cable)
        _say(f"cables at {' and '.join(swapped.target.split())} swapped; check with: aiinfra lab verify {args.spec}")
        return EXIT_OK
    if command == "fail":
        if not args.target:
            raise LabError("fail needs a TARGET (DEVICE:INTERFACE or DEVICE) or --swap-cable A B")
        failure = fail.fail(ctx, st, args.target)
        _say(
            f"{failure.target} down ({len(failure.ports)} port(s)); routing converged in {failure.convergence_s:.3f} s "
            f"(data plane {failure.dataplane_s:.3f} s); check with: aiinfra lab verify {args.spec}"
        )
        return EXIT_OK
    if command == "perf":
        code, output = perf.run(ctx)
        start = output.find("TASK [Report the pairs")
        _say((output[start:] if start >= 0 else output).rstrip())
        return EXIT_OK if code == 0 else EXIT_FAILED
    if command == "restore":
        seconds = fail.restore(ctx, st)
        _say(f"everything restored; all predicted paths back in {seconds:.3f} s")
        return EXIT_OK
    raise LabError(f"unknown lab command {command!r}")

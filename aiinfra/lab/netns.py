"""Namespaces, veth pairs, bridges and addresses, through iproute2.

Every command names its target namespace (``ip -n NS`` or ``ip netns exec NS``), and
veth pairs are created with both ends placed straight into their namespaces, so no
interface, address or route ever exists in the root namespace, not even briefly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from typing import Any

from aiinfra.lab.errors import LabError

IP = "ip"


def run(argv: Sequence[str], *, input_text: str | None = None, timeout: float = 60, check: bool = True) -> str:
    """Run a command and return its stdout; a failure becomes a LabError with stderr."""
    try:
        proc = subprocess.run(
            list(argv), input=input_text, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise LabError(f"{argv[0]} is not installed") from None
    except subprocess.TimeoutExpired:
        raise LabError(f"`{' '.join(argv)}` did not finish within {timeout:.0f} s") from None
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise LabError(f"`{' '.join(argv)}` failed: {detail[-1] if detail else f'exit {proc.returncode}'}")
    return proc.stdout


def exec_argv(namespace: str, argv: Sequence[str]) -> list[str]:
    """``argv`` run inside ``namespace``."""
    return [IP, "netns", "exec", namespace, *argv]


def in_ns(namespace: str, argv: Sequence[str], **kwargs: Any) -> str:
    return run(exec_argv(namespace, argv), **kwargs)


def batch(namespace: str, commands: list[str]) -> None:
    """Several ``ip`` commands in one process (``ip -batch``): much faster than one each."""
    if commands:
        run([IP, "-n", namespace, "-batch", "-"], input_text="\n".join(commands) + "\n")


def list_namespaces() -> list[str]:
    out = run([IP, "-j", "netns", "list"], check=False)
    try:
        return [entry["name"] for entry in json.loads(out or "[]")]
    except (ValueError, KeyError, TypeError):
        return [line.split()[0] for line in out.splitlines() if line.strip()]


def add_namespace(namespace: str) -> None:
    run([IP, "netns", "add", namespace])
    batch(namespace, ["link set lo up"])


def delete_namespace(namespace: str) -> None:
    run([IP, "netns", "delete", namespace], check=False)


def sysctls(namespace: str, values: Sequence[tuple[str, str]]) -> None:
    """Per-namespace sysctls (net.*), written in one process."""
    if values:
        in_ns(namespace, ["sysctl", "-q", "-w", *(f"{k}={v}" for k, v in values)])


def add_veth(a_ns: str, a_if: str, a_mtu: int, b_ns: str, b_if: str, b_mtu: int) -> None:
    """A veth pair created directly in its two namespaces, both ends up."""
    run(
        [
            IP,
            "-n",
            a_ns,
            "link",
            "add",
            a_if,
            "mtu",
            str(a_mtu),
            "type",
            "veth",
            "peer",
            "name",
            b_if,
            "netns",
            b_ns,
            "mtu",
            str(b_mtu),
        ]
    )


def pids(namespace: str) -> list[int]:
    """Processes whose network namespace is ``namespace``."""
    out = run([IP, "netns", "pids", namespace], check=False)
    return [int(p) for p in out.split() if p.isdigit()]


def kill_all(pid_list: Sequence[int], grace: float = 5.0) -> list[int]:
    """SIGTERM, wait up to ``grace`` seconds, then SIGKILL what is left; returns the killed."""
    alive = [p for p in pid_list if _signal(p, signal.SIGTERM)]
    deadline = time.monotonic() + grace
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [p for p in alive if _exists(p)]
    for p in alive:
        _signal(p, signal.SIGKILL)
    return alive


def _signal(pid: int, sig: int) -> bool:
    try:
        os.kill(pid, sig)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return False


def _exists(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def routes(namespace: str) -> list[dict[str, Any]]:
    """The main IPv4 routing table of a namespace, as iproute2 JSON."""
    out = run([IP, "-n", namespace, "-j", "-4", "route", "show"])
    return json.loads(out or "[]")


def link_state(namespace: str, ifname: str) -> dict[str, Any]:
    out = run([IP, "-n", namespace, "-j", "link", "show", "dev", ifname])
    data = json.loads(out or "[]")
    return data[0] if data else {}

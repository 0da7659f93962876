"""One FRR instance per switch namespace, told apart by FRR's pathspace (``-N``).

Each switch runs zebra, staticd, bgpd and bfdd started with ``-N <pathspace>``, so their
sockets live in /var/run/frr/<pathspace>/ and vtysh or frr-reload.py reach exactly that
instance with the same ``-N``. The daemons start with an empty configuration: the
routing config arrives only through the playbook, as on a real switch.

Switches of every OS but SONiC run the FRR rendering of their Design intent, with their
interface names mapped to the lab's kernel names (addresses are zebra's job there).
"""

from __future__ import annotations

import copy
import json
import pwd
import shutil
import time
from pathlib import Path
from typing import Any

from aiinfra.design.model import Design
from aiinfra.lab import netns
from aiinfra.lab.errors import LabError
from aiinfra.nos import driver

FRR_BIN = Path("/usr/lib/frr")
FRR_RUN = Path("/var/run/frr")
FRR_TMP = Path("/var/tmp/frr")  # libfrr keeps <daemon>.<pid>/ crash-log dirs here
DAEMONS = ("zebra", "staticd", "bgpd", "bfdd")
START_TIMEOUT = 15.0
# Debian 12's FRR 8.4 zebra loses track of a kernel nexthop group when the kernel flushes
# one of its members on a link going down: after the link returns, the group stays one
# next hop short while zebra believes it complete (seen in this lab after fail/restore).
# Without kernel nexthop groups zebra installs plain multipath routes, which it repairs
# correctly. This is how routes are stored in the kernel, not what they are.
PLATFORM_LINES = ("no zebra nexthop kernel enable",)


def run_dir(pathspace: str) -> Path:
    return FRR_RUN / pathspace


def frr_user() -> pwd.struct_passwd:
    """The daemons drop to the `frr` user the Debian package creates."""
    try:
        return pwd.getpwnam("frr")
    except KeyError:
        raise LabError("user `frr` does not exist; install Debian's frr package") from None


def start(namespace: str, pathspace: str, workdir: Path, daemons: tuple[str, ...] = DAEMONS) -> None:
    """Start the daemons of one switch inside its namespace, with no routing config.

    zebra first, because the others connect to its zserv socket at startup; it starts
    with the lab's platform lines only. ``-P 0`` disables the TCP vty: only the
    pathspace's unix sockets are used. ``daemons`` narrows the set, as SONiC's bgp
    container does (it starts bfdd only in one mode, aiinfra/lab/sonic.py).
    """
    user = frr_user()
    for path in (run_dir(pathspace), workdir):
        path.mkdir(parents=True, exist_ok=True)
        shutil.chown(path, user.pw_uid, user.pw_gid)
    for daemon in DAEMONS:  # a stale pid file of a daemon not started now must not be killed later
        (workdir / f"{daemon}.pid").unlink(missing_ok=True)
    for daemon in (d for d in DAEMONS if d in daemons):
        startup = workdir / f"{daemon}.startup.conf"
        startup.write_text(
            "".join(f"{line}\n" for line in PLATFORM_LINES) if daemon == "zebra" else "", encoding="utf-8"
        )
        shutil.chown(startup, user.pw_uid, user.pw_gid)
        pidfile = workdir / f"{daemon}.pid"
        pidfile.unlink(missing_ok=True)
        netns.in_ns(
            namespace,
            [
                str(FRR_BIN / daemon),
                "-d",
                "-N",
                pathspace,
                "-f",
                str(startup),
                "-i",
                str(pidfile),
                "-P",
                "0",
                "--log",
                f"file:{workdir / daemon}.log",
            ],
        )
        _wait_for(pidfile, f"{daemon} of {pathspace}")
        if daemon == "zebra":
            _wait_for(run_dir(pathspace) / "zserv.api", f"zebra socket of {pathspace}")


def _wait_for(path: Path, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not path.exists():
        if time.monotonic() > deadline:
            raise LabError(f"{what} did not start within {START_TIMEOUT:.0f} s; see the logs next to {path}")
        time.sleep(0.02)


def daemon_pids(workdir: Path) -> list[int]:
    out = []
    for daemon in DAEMONS:
        try:
            out.append(int((workdir / f"{daemon}.pid").read_text().strip()))
        except (OSError, ValueError):
            continue
    return out


def stop(workdir: Path) -> None:
    """Stop one switch's daemons cleanly (SIGTERM lets libfrr remove its temp dirs)."""
    netns.kill_all(daemon_pids(workdir))


def vtysh_argv(pathspace: str, confdir: Path, commands: list[str]) -> list[str]:
    argv = ["vtysh", "-N", pathspace, "--config_dir", str(confdir)]
    for command in commands:
        argv += ["-c", command]
    return argv


def show_json(namespace: str, pathspace: str, confdir: Path, command: str) -> Any:
    """A vtysh ``show ... json`` command of one switch, parsed."""
    out = netns.in_ns(namespace, vtysh_argv(pathspace, confdir, [command]), timeout=20)
    try:
        return json.loads(out or "{}")
    except ValueError:
        raise LabError(f"{pathspace}: `{command}` did not return JSON: {out.strip()[:200]}") from None


def lab_rendering(device_name: str, design: Design, kernel_names: dict[str, str]) -> str:
    """The FRR config of a non-SONiC switch, interfaces under their lab kernel names.

    The frr driver's rendering: the same template and intent as SONiC's frr.conf, plus zebra
    addressing, because on these switches nothing else configures addresses, plus the lab's
    platform lines (frr-reload.py would otherwise remove them again).
    """
    device = copy.deepcopy(design.devices[device_name])
    for iface in device.interfaces:
        iface.name = kernel_names.get(iface.name, iface.name)
    if device.bgp is not None:
        for neighbor in device.bgp.neighbors:
            neighbor.interface = kernel_names.get(neighbor.interface, neighbor.interface)
    (text,) = driver("frr").render(device, design).values()
    platform = "".join(f"{line}\n" for line in PLATFORM_LINES)
    head, sep, tail = text.rpartition("\nend")
    return (
        f"{head}\n! aiinfra lab platform setting (aiinfra/lab/frr.py)\n{platform}!{sep}{tail}"
        if sep
        else text + platform
    )

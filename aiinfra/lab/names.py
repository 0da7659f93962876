"""Every name the lab creates, derived deterministically and carrying the lab id.

Two labs can coexist only if nothing they create collides: namespaces, FRR pathspaces,
the lab directory and interface names all embed the lab id. Linux limits interface
names to 15 bytes and forbids ``/`` and ``:``, which design names such as
``Ethernet1/1/1`` or ``et-0/0/1:0`` contain, so they are shortened by fixed rules (and a
hash when the rules are not enough) rather than truncated, keeping them readable and
stable from one run to the next.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from aiinfra.lab.errors import LabError

PREFIX = "aiinfra"
IFNAMSIZ = 15  # usable bytes of a Linux interface name
LAB_ID_RE = re.compile(r"^[a-z0-9]{1,4}$")
# Longest first: "Ethernet" must not be shortened by a rule for a substring of it.
ABBREVIATIONS = (("Management", "Mgmt"), ("Ethernet", "Eth"), ("Loopback", "Lo"))
# Namespace and pathspace names become file names under /run; keep them portable.
DEVICE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")


def lab_id_for(spec: Path, override: str | None = None) -> str:
    """The lab id: the user's ``--id`` if given, else 4 hex digits of the spec's path.

    Derived from the resolved path so that ``up``, ``verify`` and ``down`` on the same
    spec find the same lab without the user repeating an id.
    """
    if override is not None:
        if not LAB_ID_RE.match(override):
            raise LabError(f"lab id {override!r} must be 1-4 characters of a-z and 0-9")
        return override
    return hashlib.sha1(str(spec.resolve()).encode()).hexdigest()[:4]


def check_device_name(name: str) -> str:
    """Refuse device names that cannot become a namespace or pathspace name."""
    if not DEVICE_RE.match(name):
        raise LabError(f"device name {name!r} cannot name a network namespace (letters, digits, - and _ only)")
    return name


def namespace(lab_id: str, device: str) -> str:
    """Network namespace of a switch or node, e.g. ``aiinfra-3fa2-lab-be-spine-01``."""
    return f"{PREFIX}-{lab_id}-{check_device_name(device)}"


def controller_namespace(lab_id: str) -> str:
    """The Ansible controller's namespace; the dot keeps it apart from any device name."""
    return f"{PREFIX}-{lab_id}.controller"


def namespace_prefixes(lab_id: str) -> tuple[str, str]:
    """Prefixes that identify every namespace of one lab (for idempotent teardown)."""
    return (f"{PREFIX}-{lab_id}-", f"{PREFIX}-{lab_id}.")


def pathspace(lab_id: str, device: str) -> str:
    """FRR pathspace (``-N``) of a switch: its sockets live in /var/run/frr/<pathspace>/."""
    return namespace(lab_id, device)


def lab_dir(lab_id: str, root: Path) -> Path:
    """Directory holding every file of one lab."""
    return root / f"lab-{lab_id}"


def sanitize(name: str) -> str:
    """Map characters Linux rejects in interface names to ones it accepts."""
    out = name.replace("/", "-").replace(":", "_")
    return re.sub(r"[^A-Za-z0-9_.-]", "_", out)


def ifname(lab_id: str, design_name: str) -> str:
    """Kernel name of a lab interface: lab id + the design name shortened to fit 15 bytes.

    Rules, applied only while the name is too long: sanitize, abbreviate well-known
    words (Ethernet1/1/1 -> Eth1-1-1), then keep a readable head plus 4 hex digits of a
    hash of the full design name so different long names stay different.
    """
    budget = IFNAMSIZ - len(lab_id)
    short = sanitize(design_name)
    for long, abbr in ABBREVIATIONS:
        if len(short) <= budget:
            break
        short = short.replace(long, abbr)
    if len(short) > budget:
        digest = hashlib.sha1(design_name.encode()).hexdigest()[:4]
        short = short[: budget - 4] + digest
    return f"{lab_id}{short}"

"""FRR configs checked by FRR itself: ``vtysh -C -f FILE`` (dry run, FRR 8.4).

``-C`` parses the file with vtysh's own command tree and exits: no daemon is
contacted, nothing is applied, and a command FRR does not know (or knows in another
node) fails with ``line N: % Unknown command``. It runs offline as any user.

Files checked: every ``*.frr.conf`` in the set (SONiC's split-unified frr.conf), and
whatever the caller adds with :func:`lab_files` (the FRR rendering the emulated lab
loads for every non-SONiC switch). One vtysh reads one file, so files run in
parallel; identical texts are checked once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiinfra.design.model import Design
from aiinfra.lab.frr import lab_rendering

SUFFIX = ".frr.conf"
LAB_PREFIX = "lab-frr/"  # where lab_files puts the lab's renderings (not an output path)
TIMEOUT_S = 60


def vtysh() -> str:
    path = shutil.which("vtysh")
    if path is None:
        raise RuntimeError("vtysh not found: install FRR (Debian's frr package) to validate FRR configs")
    return path


def _check(binary: str, path: Path) -> str:
    """vtysh's complaint about one file, or '' when it parses."""
    run = subprocess.run(
        [binary, "-C", "-f", str(path)], capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    if run.returncode == 0:
        return ""
    said = " | ".join(line.strip() for line in (run.stdout + run.stderr).splitlines() if line.strip())
    return f"vtysh -C exit {run.returncode}: {said or 'no message'}"


def text_problems(texts: Mapping[str, str]) -> list[str]:
    """``name: message`` for every text FRR refuses."""
    binary = vtysh()
    by_text: dict[str, list[str]] = {}
    for name in sorted(texts):
        by_text.setdefault(texts[name], []).append(name)
    with tempfile.TemporaryDirectory(prefix="aiinfra-vtysh-") as tmp:
        paths = []
        for n, text in enumerate(by_text):
            path = Path(tmp) / f"{n}.conf"
            path.write_text(text)
            paths.append(path)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            verdicts = list(pool.map(lambda p: _check(binary, p), paths))
    out = []
    for names, verdict in zip(by_text.values(), verdicts, strict=True):
        if verdict:
            out += [f"{name}: {verdict}" for name in names]
    return sorted(out)


def problems(files: Mapping[str, bytes]) -> list[str]:
    """Every ``*.frr.conf`` in ``files`` through ``vtysh -C``."""
    texts = {}
    for path, data in files.items():
        if path.endswith(SUFFIX):
            texts[path] = data.decode("utf-8") if isinstance(data, bytes) else data
    return text_problems(texts) if texts else []


def lab_files(design: Design) -> dict[str, bytes]:
    """The FRR config the lab loads for each non-SONiC switch (aiinfra/lab/up.py), as ``lab-frr/<name>.frr.conf``.

    Interface names stay the Design's (the lab maps them to kernel names; FRR's
    parser does not care which).
    """
    return {
        f"{LAB_PREFIX}{name}{SUFFIX}": lab_rendering(name, design, {}).encode()
        for name, device in sorted(design.devices.items())
        if device.os != "sonic"
    }

"""A render that is killed (kill -9, SIGTERM, Ctrl-C) leaves no workers, no mixed tree and no debris.

The slow test kills a large render (inventories/ai-factory-32k cut to 8 SU, 5.5k
files; AIINFRA_KILL_SU=64 for all 44k) at random points: each time the previous
output still verifies against its manifest, no process of the render's process
group survives, and the next start's sweep leaves nothing beside the output folder.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from aiinfra.render.output import prepare
from tests.conftest import EXAMPLES, ROOT, write_spec

PYTHON = [sys.executable, "-c"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# The lab render with one job per switch and node, on every core, each job first marking
# that a worker runs it and then sleeping: the parent is mid-render for as long as we like.
SLOW_RENDER = textwrap.dedent(
    """
    import faulthandler, os, signal, sys, time
    from aiinfra.render import pipeline
    from aiinfra.cli import main

    pipeline.PARALLEL_MIN_ITEMS, pipeline.SWITCH_CHUNK, pipeline.NODE_CHUNK = 0, 1, 1
    real = pipeline._write_job

    def slow(job):
        open(os.path.join(sys.argv[2], f"worker-{os.getpid()}"), "w").close()
        time.sleep(30)
        return real(job)

    pipeline._write_job = slow
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # the test's post-mortem of a hang
    # Ctrl-C as a terminal's foreground job gets it: a suite started in the background (`&`,
    # nohup) hands its children SIGINT ignored, and the render then rightly ignores Ctrl-C.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main(["render", "inventories/lab/cluster.yaml", "-o", sys.argv[1]]))
    """
)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is ``pgid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry))
    return found


def wait_gone(pgid: int, seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def verifies(out: Path) -> bool:
    """Every file the manifest lists has its digest, and nothing else is there."""
    lines = (out / "MANIFEST.sha256").read_text().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"MANIFEST.sha256"}
    if present != set(listed):
        return False
    return all(hashlib.sha256((out / p).read_bytes()).hexdigest() == d for p, d in listed.items())


def leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def start_slow_render(out: Path, marks: Path) -> subprocess.Popen[str]:
    marks.mkdir()
    proc = subprocess.Popen(
        [*PYTHON, SLOW_RENDER, str(out), str(marks)],
        cwd=ROOT,
        env=ENV,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while len(list(marks.iterdir())) < 2:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.05)
    return proc


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    proc = start_slow_render(tmp_path / "out", tmp_path / "marks")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert wait_gone(proc.pid) == [], "render workers outlived their killed parent"
    prepare(tmp_path / "out")
    assert leftovers(tmp_path, "out") == []


@pytest.mark.parametrize("how", ["SIGTERM to the render", "Ctrl-C to the terminal's process group"])
def test_sigterm_and_ctrl_c_clean_up(how: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "aiinfra", "render", "inventories/lab/cluster.yaml", "-o", str(out)],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        check=True,
    )
    assert done.returncode == 0 and verifies(out)
    proc = start_slow_render(out, tmp_path / "marks")
    if how.startswith("SIGTERM"):
        os.kill(proc.pid, signal.SIGTERM)
        expected, name = 128 + signal.SIGTERM, "SIGTERM"
    else:
        os.killpg(proc.pid, signal.SIGINT)
        expected, name = 128 + signal.SIGINT, "SIGINT"
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # say where it hangs: every thread's stack, then kill it
        os.killpg(proc.pid, signal.SIGUSR1)
        time.sleep(1)
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        raise AssertionError(f"the render did not exit 30 s after {name}:\n{err}") from None
    assert proc.returncode == expected, err
    assert err.strip().splitlines() == [f"aiinfra: {name}: interrupted; nothing was written"]
    assert wait_gone(proc.pid) == []
    assert leftovers(tmp_path, "out") == [] and verifies(out)


def mid_size_spec(directory: Path) -> Path:
    """ai-factory-32k cut to 8 of its 64 scalable units: 512 nodes, 5.5k files, a few seconds on 2 cores.

    ``AIINFRA_KILL_SU=64`` runs the full 32k-GPU render instead.
    """
    data = yaml.safe_load((EXAMPLES / "ai-factory-32k" / "cluster.yaml").read_text())
    data["compute"]["scalable_units"] = int(os.environ.get("AIINFRA_KILL_SU", "8"))
    data.pop("workloads", None)  # sized for the full cluster
    return write_spec(directory, data)


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A folder in RAM (/dev/shm) where there is one: the test then times the render, not the disk.

    What kill -9 may leave is decided by the kernel's rename and exit, the same on tmpfs;
    deleting 11k files on a loaded disk mounted with ``discard`` took a minute here.
    """
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="aiinfra-kill-", dir="/dev/shm"))
        yield folder
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path


@pytest.mark.slow
def test_kill_9_at_random_points_of_a_large_render(scratch: Path) -> None:
    tmp_path = scratch
    (tmp_path / "spec").mkdir()
    out = tmp_path / "build"
    cmd = [sys.executable, "-m", "aiinfra", "render", str(mid_size_spec(tmp_path / "spec")), "-o", str(out)]
    started = time.monotonic()
    subprocess.run(cmd, env=ENV, check=True, capture_output=True)
    duration = time.monotonic() - started
    assert verifies(out)
    rng = random.Random(int(os.environ.get("AIINFRA_KILL_SEED", "17")))
    report = []
    for _ in range(int(os.environ.get("AIINFRA_KILL_TRIALS", "6"))):
        delay = duration * rng.uniform(0.3, 1.1)
        proc = subprocess.Popen(
            cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        survivors = wait_gone(proc.pid)
        debris = leftovers(tmp_path, "build")
        debris_mb = sum(f.stat().st_size for d in debris for f in (tmp_path / d).rglob("*") if f.is_file()) / 1e6
        assert survivors == [], f"killed at {delay:.1f}s: {survivors} survived"
        assert verifies(out), f"killed at {delay:.1f}s: the output no longer matches its manifest"
        prepare(out)  # what the next start does first
        assert leftovers(tmp_path, "build") == [], f"killed at {delay:.1f}s: the sweep left debris"
        report.append(f"{delay:.1f}s rc {proc.returncode}, swept {len(debris)} folder(s) {debris_mb:.0f} MB")
    print(f"render {duration:.1f}s; kill -9 at: " + "; ".join(report))

"""DIR read by a child during the design stage (aiinfra.render.presurvey).

The child's Target is the parent's own reading of DIR, or none at all; a spec that fails
validation leaves DIR untouched; the child never outlives the command, whether the command
fails, is interrupted, or is killed with SIGKILL while it designs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from aiinfra.cli import main
from aiinfra.render import presurvey
from aiinfra.render.output import prepare
from aiinfra.render.ownership import read_target
from aiinfra.render.presurvey import Presurvey
from tests.conftest import ROOT, lab_data, write_spec
from tests.render.test_kill import ENV, PYTHON, leftovers, verifies, wait_gone

pytestmark = pytest.mark.skipif(presurvey._PRCTL is None, reason="no prctl: no child is started")


def rendered(tmp_path: Path) -> Path:
    """The lab rendered into ``tmp_path/out``, with user files beside the render's."""
    out = tmp_path / "out"
    assert main(["render", "inventories/lab/cluster.yaml", "-o", str(out)]) == 0
    (out / "notes.txt").write_text("mine\n")
    (out / "configs" / "mine").mkdir()
    (out / "configs" / "mine" / "a.txt").write_text("mine\n")
    (out / "empty").mkdir()
    return out


def children() -> list[int]:
    """Processes (zombies included) whose parent is this one."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.append(int(entry))
    return found


def test_the_child_reads_what_the_parent_would(tmp_path: Path) -> None:
    out = rendered(tmp_path)
    early = Presurvey.start(out, False)
    assert early is not None
    target = early.take(out)
    assert target is not None and target == read_target(out, False, survey=True)
    assert target.foreign == (("configs/mine/a.txt", False), ("empty", True), ("notes.txt", False))
    assert children() == []


def test_no_child_where_there_is_no_manifest(tmp_path: Path) -> None:
    assert Presurvey.start(tmp_path / "missing", False) is None
    assert Presurvey.start(tmp_path, False) is None


@pytest.mark.parametrize("change", ["manifest rewritten", "folder replaced"])
def test_a_folder_changed_since_the_walk_is_read_again(change: str, tmp_path: Path) -> None:
    out = rendered(tmp_path)
    early = Presurvey.start(out, False)
    assert early is not None
    os.waitpid(early.pid, os.WNOHANG)  # nothing: the child may still run; take() waits for it
    time.sleep(0.3)
    if change == "manifest rewritten":
        manifest = out / "MANIFEST.sha256"
        lines = manifest.read_text().splitlines(keepends=True)
        manifest.write_text("".join(lines[1:]))  # one file fewer is ours now
    else:
        shutil.copytree(out, tmp_path / "other", symlinks=True)
        shutil.rmtree(out)
        (tmp_path / "other").rename(out)
    assert early.take(out) is None
    early = Presurvey.start(out, False)
    assert early is not None
    assert prepare(out, early=early) == read_target(out, False, survey=True)
    assert children() == []


def test_a_spec_that_fails_validation_touches_nothing_and_leaves_no_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = rendered(tmp_path)
    (tmp_path / ".out.new-abcdefgh").mkdir()  # a killed render's leftover: only the sweep removes it
    before = {p: (s.st_ino, s.st_mtime_ns, s.st_ctime_ns) for p in out.rglob("*") for s in [p.lstat()]}
    data = lab_data()
    data["compute"]["scalable_units"] = 0
    spec = write_spec(tmp_path, data)
    started: list[Presurvey | None] = []
    real_start = Presurvey.start

    def start(real: Path, force: bool) -> Presurvey | None:
        started.append(real_start(real, force))
        return started[-1]

    monkeypatch.setattr(Presurvey, "start", start)
    assert main(["render", str(spec), "-o", str(out)]) == 2
    assert started and started[0] is not None, "the test needs a child to have been started"
    assert children() == []
    assert {p: (s.st_ino, s.st_mtime_ns, s.st_ctime_ns) for p in out.rglob("*") for s in [p.lstat()]} == before
    assert leftovers(tmp_path, "out") == [".out.new-abcdefgh"]


# A render whose design stage takes as long as the test likes, started on a folder an earlier
# render wrote: the child is walking (or done) while the parent designs. The child's own walk
# is made slow too, so a child without a death signal would still be alive when looked for.
SLOW_DESIGN = textwrap.dedent(
    """
    import os, signal, sys, time
    from aiinfra import pipeline
    from aiinfra.render import presurvey
    from aiinfra.cli import main

    real_read, real_design = presurvey.read_target, pipeline.design_from_file

    def slow_read(*args, **kw):
        time.sleep(30)
        return real_read(*args, **kw)

    def slow_design(*args, **kw):
        open(sys.argv[2], "w").close()
        time.sleep(30)
        return real_design(*args, **kw)

    presurvey.read_target, pipeline.design_from_file = slow_read, slow_design
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main(["render", "inventories/lab/cluster.yaml", "-o", sys.argv[1]]))
    """
)


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGINT to the process group"])
def test_the_child_dies_with_the_command(how: str, tmp_path: Path) -> None:
    out = rendered(tmp_path)
    mark, log = tmp_path / "designing", tmp_path / "stderr"
    with log.open("w") as stderr:  # a file, not a pipe: reading a pipe to its end would wait for the child
        proc = subprocess.Popen(
            [*PYTHON, SLOW_DESIGN, str(out), str(mark)], cwd=ROOT, env=ENV, stderr=stderr, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while not mark.exists() or len(wait_gone(proc.pid, 0)) < 2:
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the render never reached its design stage with a child"
        time.sleep(0.05)
    if how == "SIGKILL":
        os.kill(proc.pid, signal.SIGKILL)
    elif how == "SIGTERM":
        os.kill(proc.pid, signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=30)
    err = log.read_text()
    if how != "SIGKILL":
        assert err.strip().splitlines()[-1].endswith("interrupted; nothing was written"), err
    assert wait_gone(proc.pid) == [], "the child outlived the command"
    assert leftovers(tmp_path, "out") == [] and verifies_but_user_files(out)


def verifies_but_user_files(out: Path) -> bool:
    for extra in ("notes.txt", "configs/mine", "empty"):
        shutil.move(out / extra, out.parent / extra.replace("/", "-"))
    return verifies(out)


def test_a_render_into_an_existing_folder_uses_the_child_and_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = rendered(tmp_path)
    taken: list[object] = []
    real_take = Presurvey.take

    def take(self: Presurvey, real: Path) -> object:
        taken.append(real_take(self, real))
        return taken[-1]

    monkeypatch.setattr(Presurvey, "take", take)
    assert main(["render", "inventories/lab/cluster.yaml", "-o", str(out)]) == 0
    assert len(taken) == 1 and taken[0] is not None
    assert children() == []
    assert (out / "notes.txt").read_text() == "mine\n" and (out / "empty").is_dir()
    assert verifies_but_user_files(out)

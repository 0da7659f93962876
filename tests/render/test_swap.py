"""The swap that puts a render in place: atomic at every step, and swept up after a crash.

A forked child writes a new tree over an old one and dies (``os._exit``, as kill -9
would leave it) before or after each filesystem step in turn; after every crash DIR
is the old or the new tree, or the next start recovers the old one, and the next
start leaves no debris. Run once with ``renameat2(RENAME_EXCHANGE)`` and once with
the two-rename fallback the module uses where the filesystem lacks it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from aiinfra.render import output, swap
from aiinfra.render.output import OutputSet, prepare


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def files(version: str) -> OutputSet:
    out = OutputSet()
    for i in range(20):
        out.add(f"configs/sw{i}.cfg", f"{version} {i}\n")
    out.add("design.yaml", f"version: {version}\n")
    return out.with_manifest()


def debris(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".out."))


def exchange_supported(tmp_path: Path) -> bool:
    """Whether this filesystem has RENAME_EXCHANGE; where it has, the two folders really traded places."""
    a, b = tmp_path / "probe-a", tmp_path / "probe-b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "y").write_text("b")
    try:
        swap.renameat2(a, b, swap.RENAME_EXCHANGE)
    except swap.SwapUnsupported:
        return False
    else:
        assert (b / "x").read_text() == "a" and (a / "y").read_text() == "b"
    finally:
        shutil.rmtree(a)
        shutil.rmtree(b)
    return True


def test_the_exchange_is_what_replaces_the_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not exchange_supported(tmp_path):
        pytest.skip("this filesystem has no RENAME_EXCHANGE")
    calls: list[int] = []
    real = swap.renameat2

    def spy(src: Path, dst: Path, flags: int) -> None:
        calls.append(flags)
        real(src, dst, flags)

    def no_plain_rename(*args: Any) -> None:
        raise AssertionError("the two-rename fallback ran although RENAME_EXCHANGE works here")

    monkeypatch.setattr(swap, "renameat2", spy)
    out = tmp_path / "out"
    files("v1").write_atomic(out)
    monkeypatch.setattr(swap.os, "rename", no_plain_rename)
    files("v2").write_atomic(out)
    monkeypatch.undo()
    assert calls == [swap.RENAME_NOREPLACE, swap.RENAME_EXCHANGE]
    assert tree(out) == files("v2").files and debris(tmp_path) == []


class Crash:
    """Counts filesystem steps in the child and dies at step ``at``, before or after it runs."""

    def __init__(self, at: int, after: bool) -> None:
        self.at, self.after, self.n = at, after, 0

    def wrap(self, func: Any) -> Any:
        def step(*args: Any, **kwargs: Any) -> Any:
            self.n += 1
            if self.n == self.at and not self.after:
                os._exit(137)
            result = func(*args, **kwargs)
            if self.n == self.at:
                os._exit(137)
            return result

        return step


def crash_run(out: Path, at: int, after: bool, fallback: bool) -> bool:
    """Write v2 over v1 in a forked child that dies at step ``at``; True if it ran to the end."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            crash = Crash(at, after)
            if fallback:

                def unsupported(src: Path, dst: Path, flags: int) -> None:
                    raise swap.SwapUnsupported(errno.EINVAL, "no exchange here")

                swap.renameat2 = crash.wrap(unsupported)
            else:
                swap.renameat2 = crash.wrap(swap.renameat2)
            os.rename = crash.wrap(os.rename)
            swap.sync_tree = crash.wrap(swap.sync_tree)
            swap.fsync_dir = crash.wrap(swap.fsync_dir)
            output.shutil.rmtree = crash.wrap(shutil.rmtree)  # type: ignore[assignment]
            files("v2").write_atomic(out)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status)
    assert os.WEXITSTATUS(status) in (0, 137)
    return os.WEXITSTATUS(status) == 0


@pytest.mark.parametrize("fallback", [False, True], ids=["exchange", "two-renames"])
def test_a_crash_at_any_step_leaves_old_or_new(tmp_path: Path, fallback: bool) -> None:
    if not fallback and not exchange_supported(tmp_path):
        pytest.skip("this filesystem has no RENAME_EXCHANGE")
    old, new = files("v1").files, files("v2").files
    seen: set[str] = set()
    for after in (False, True):
        at = 1
        while True:
            work = tmp_path / f"{int(after)}-{at}"
            work.mkdir()
            out = work / "out"
            files("v1").write_atomic(out)
            finished = crash_run(out, at, after, fallback)
            if out.exists():
                state = tree(out)
                assert state in (old, new), f"crash at step {at} left a mixed tree"
                seen.add("old" if state == old else "new")
            else:
                assert fallback, "with RENAME_EXCHANGE there is no moment without DIR"
                seen.add("missing")
            target = prepare(out)  # the next start: sweep, recover
            assert tree(target.path) in (old, new)
            assert debris(work) == [], f"crash at step {at} left {debris(work)}"
            if finished:
                break
            at += 1
    assert {"old", "new"} <= seen
    if fallback:
        assert "missing" in seen  # the window exists, and the next start closed it


def test_sweep_leaves_what_is_not_ours(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files("v1").write_atomic(out)
    for name in (".out.new-abcdefgh", ".out.old-12345678", ".out.new-mine", ".other.new-abcdefgh"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f").write_text("x")
    (tmp_path / ".out.new-zzzzzzzz").write_text("a file, not a folder")
    (tmp_path / ".out.new-linklink").symlink_to(tmp_path / ".other.new-abcdefgh")
    busy = tmp_path / ".out.new-busy0000"
    busy.mkdir()
    fd = os.open(busy, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_SH)  # a render in progress holds its staging folder
    try:
        prepare(out)
    finally:
        os.close(fd)
    assert debris(tmp_path) == [".out.new-busy0000", ".out.new-linklink", ".out.new-mine", ".out.new-zzzzzzzz"]
    assert (tmp_path / ".other.new-abcdefgh" / "f").exists()
    assert tree(out) == files("v1").files


def test_failed_swap_keeps_the_old_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback's second rename fails: the first is undone, and nothing is left beside DIR."""
    out = tmp_path / "out"
    files("v1").write_atomic(out)
    real_rename = os.rename

    def unsupported(src: Path, dst: Path, flags: int) -> None:
        raise swap.SwapUnsupported(errno.EINVAL, "no exchange here")

    def rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(src).name.startswith(".out.new-"):
            raise OSError(errno.EIO, "simulated failure")
        real_rename(src, dst)

    monkeypatch.setattr(swap, "renameat2", unsupported)
    monkeypatch.setattr(swap.os, "rename", rename)
    with pytest.raises(OSError):
        files("v2").write_atomic(out)
    monkeypatch.undo()
    assert tree(out) == files("v1").files and debris(tmp_path) == []


def test_a_tree_parked_by_aiinfra_0_1_0_is_recovered(tmp_path: Path) -> None:
    """0.1.0 moved DIR to .NAME.old-XXXXXXXX/tree before its second rename; a kill there lost DIR."""
    parked = tmp_path / ".out.old-k2j4h5g6" / "tree"
    files("v1").write_atomic(tmp_path / "staging-for-the-test")
    parked.parent.mkdir()
    os.rename(tmp_path / "staging-for-the-test", parked)
    (tmp_path / ".out.new-a1b2c3d4").mkdir()  # the new tree it was about to rename in
    target = prepare(tmp_path / "out")
    assert tree(target.path) == files("v1").files and debris(tmp_path) == []

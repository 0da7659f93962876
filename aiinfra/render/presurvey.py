"""Reading DIR on the idle core while the parent validates and designs.

A re-render's preparation of DIR (:func:`aiinfra.render.ownership.read_target`: the
manifest, the folders above its paths, one walk of the old tree for the user's files) only
reads, and at 131k GPUs it is 1.7 s that used to start after the design stage, which runs
on one core while the second is idle. :class:`Presurvey` forks a child before the design
that makes that same ``read_target(DIR, force, survey=True)`` and hands back its result
(pickled, through a pipe); the parent takes it in :func:`aiinfra.render.output.prepare`,
after validation and after the sweep, where it used to make the call itself.

Why each rule is there:

* **Validation still comes first where it decides anything.** The child writes nothing,
  creates nothing, removes nothing: it lists folders and reads the manifest (which may
  update their access times, as any reader does). The sweep (which may remove a killed
  render's leftovers or recover DIR) and everything that writes stay in the parent, after
  the design, in the order they had. A spec that fails validation kills the child and no
  folder was touched.
* **The same answer as the call it replaces.** The child's Target is a snapshot of DIR
  taken a few seconds earlier than before, which every later step already allows for:
  user files that appear after the walk are moved into the new tree after the swap, those
  that go away are skipped. It is not used (the parent reads DIR itself, as before) when
  the sweep recovered DIR, when DIR now resolves elsewhere or is another folder (its
  device and inode differ: another render swapped in meanwhile), when the manifest is not
  the one the child read (device, inode, size, mtime, ctime), or when the child failed or
  refused DIR in any way (the parent's own call then raises the same refusal, in the order
  it always did).
* **No child outlives the command.** It asks the kernel for SIGKILL when the parent dies
  (``PR_SET_PDEATHSIG``; without ``prctl``, as off Linux, no child is started at all), it
  dies on SIGINT and SIGTERM (the defaults, restored after the fork), holds none of the
  command's standard streams (``/dev/null`` instead: ``aiinfra render ... | cat`` never
  waits for it), leaves by ``os._exit`` (no exit handlers, no stdio flush), and the parent
  kills and reaps it on
  every way out (:meth:`Presurvey.close`, a context manager). It holds no lock and no
  file of DIR's open past its walk, so a kill at any instant leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import pickle
import signal
from pathlib import Path
from types import TracebackType

from aiinfra.render.ownership import MANIFEST, Target, read_target

PR_SET_PDEATHSIG = 1
Stamp = tuple[tuple[int, int], tuple[int, int, int, int, int] | None]


def _prctl() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (AttributeError, OSError):
        return None


_PRCTL = _prctl() if hasattr(os, "fork") else None


def stamp(real: Path) -> Stamp | None:
    """DIR's identity and its manifest's (None when DIR is no folder): what must not change
    between the child's walk and the parent's use of it."""
    try:
        folder = os.lstat(real)
    except OSError:
        return None
    try:
        m = os.lstat(real / MANIFEST)
        manifest = (m.st_dev, m.st_ino, m.st_size, m.st_mtime_ns, m.st_ctime_ns)
    except OSError:
        manifest = None
    return (folder.st_dev, folder.st_ino), manifest


class Presurvey:
    """``read_target(real, force, survey=True)`` running in a forked child; :meth:`take` its result.

    ``start`` returns None where there is nothing worth walking (no manifest in DIR: the
    parent's call is then cheap) or no safe way to fork.
    """

    def __init__(self, pid: int, fd: int, real: Path, force: bool) -> None:
        self.pid, self.fd, self.real, self.force = pid, fd, real, force

    @classmethod
    def start(cls, real: Path, force: bool) -> Presurvey | None:
        if _PRCTL is None or not os.path.isfile(real / MANIFEST):
            return None
        parent = os.getpid()
        r, w = os.pipe()  # both O_CLOEXEC; the workers forked later never see them (take closes r)
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return None
        if pid == 0:  # pragma: no cover - the child; its effects are tested
            os.close(r)
            _child(w, real, force, parent)
        os.close(w)
        return cls(pid, r, real, force)

    def take(self, real: Path) -> Target | None:
        """The child's Target if it still describes ``real`` as it is now; else None. Reaps the child."""
        chunks: list[bytes] = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        except OSError:
            chunks = []
        status = self._reap()
        if status != 0 or not chunks or real != self.real:
            return None
        try:
            seen, target = pickle.loads(b"".join(chunks))
        except Exception:  # a cut-off result is no result: the parent reads DIR itself
            return None
        if not isinstance(target, Target) or target.path != real or target.force != self.force:
            return None
        return target if seen is not None and seen == stamp(real) else None

    def _reap(self) -> int | None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self.pid <= 0:
            return None
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        return os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        """Kill the child if it still runs and reap it (every way out of the command; idempotent)."""
        if self.pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self._reap()

    def __enter__(self) -> Presurvey:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _child(w: int, real: Path, force: bool, parent: int) -> None:  # pragma: no cover - runs in the child
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        assert _PRCTL is not None
        if _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0 or os.getppid() != parent:
            os._exit(1)  # no death signal, or the parent is already gone
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # hold none of the command's pipes: a reader of its output waits for no child
            os.dup2(null, fd)
        gc.disable()  # a short-lived reader: nothing to collect
        seen = stamp(real)  # before the reads: a change during them shows as a different stamp
        data = pickle.dumps((seen, read_target(real, force, survey=True)), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(w, view) :]
        code = 0
    except BaseException:  # refused, failed or interrupted: the parent reads DIR itself
        code = 1
    finally:
        os._exit(code)

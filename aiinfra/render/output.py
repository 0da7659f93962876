"""Rendered files: held in memory (``OutputSet``) or streamed into a staging folder,
then swapped in atomically; or compared for ``--check``.

Rendering never touches the destination until everything rendered: files go to a
staging folder beside DIR, the user's own files in DIR are carried over
(:mod:`aiinfra.render.ownership`), and the folder is swapped in
(:mod:`aiinfra.render.swap`). A failure or a kill at any point leaves DIR as it was,
or recovers it at the next start.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiinfra.gcpause import gc_paused
from aiinfra.render.ownership import (
    MANIFEST,
    OutputRefused,
    Target,
    carry,
    foreign_entries,
    read_target,
    resolve_location,
)
from aiinfra.render.presurvey import Presurvey
from aiinfra.render.retire import prune
from aiinfra.render.swap import hold, swap_in, sweep

Notify = Callable[[str], None]

__all__ = ["MANIFEST", "OutputRefused", "OutputSet", "Target", "prepare", "staged", "write_files"]


def check_path(relpath: str) -> None:
    """Refuse an absolute path or one with a ``..`` component (string test: 44k paths per render)."""
    if relpath.startswith("/") or ".." in relpath.split("/"):
        raise ValueError(f"unsafe output path {relpath!r}")


def manifest_text(digests: Mapping[str, str]) -> str:
    """One ``sha256  path`` line per file, sorted by path."""
    return "".join(f"{digests[p]}  {p}\n" for p in sorted(digests) if p != MANIFEST)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC  # staging is fresh; never through a kept link


def write_file(target: str, data: bytes) -> None:
    """Create ``target`` (0666 less the umask, as ``open`` does) and write ``data``.

    O_EXCL: staging folders are fresh, and a path that exists there is a file kept from the
    old tree (a hard link); writing through it would change the old tree before the swap.
    """
    fd = os.open(target, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def write_streamed(target: str, fill: Callable[[Callable[[bytes], None]], None]) -> str:
    """Create ``target`` and let ``fill`` write it piece by piece; return its SHA-256 digest.

    For the outputs of hundreds of MB (design.json, the CSV reports): no whole text in
    memory, each piece hashed as it is written so nothing reads the file back. Created
    ``O_EXCL`` as :func:`write_file` creates every staging file, so nothing is ever written
    through a link kept from the old tree; its folder is made if missing. An OSError names
    the file.
    """
    digest = hashlib.sha256()
    try:
        os.makedirs(target.rpartition("/")[0], exist_ok=True)
        fd = os.open(target, _CREATE, 0o666)
        try:

            def write(piece: bytes) -> None:
                digest.update(piece)
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view) :]

            fill(write)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.filename is None:
            exc.filename = target
        raise
    return digest.hexdigest()


def write_pieces(root: Path, path: str, pieces: Iterable[str]) -> str:
    """Write one file under ``root`` from pieces of its text (:func:`write_streamed`); return
    its digest. The bytes, the checks and the errors are :func:`write_files`' for the joined text."""
    check_path(path)

    def fill(write: Callable[[bytes], None]) -> None:
        for piece in pieces:
            write(piece.encode("utf-8"))

    return write_streamed(f"{os.fspath(root)}/{path}", fill)


def write_files(root: Path, files: Mapping[str, bytes | str], made: set[str] | None = None) -> dict[str, str]:
    """Write files under ``root``; return their SHA-256 digests by path.

    Plain ``os.open``/``os.write`` on string paths: a 32k-GPU render writes 44k files, and
    pathlib plus buffered file objects cost half the write time. No per-file fsync (the
    swap flushes the staging tree once, :mod:`aiinfra.render.swap`). An OSError always
    names the file (a failed ``write`` alone does not), so the CLI can say which path hit
    the full disk or the read-only filesystem.

    ``made``: folders known to exist under a ``root`` that exists, shared by the calls of one
    process (a render job calls once per unit, and a node's seven files sit in six folders
    of their own under two shared ones): each missing folder is then one ``mkdir``, where
    ``os.makedirs`` asked the kernel about every folder above it again, on every call.
    """
    digests: dict[str, str] = {}
    base = os.fspath(root)
    if made is None:
        os.makedirs(base, exist_ok=True)
        made = set()
    made.add(base)
    sha256 = hashlib.sha256
    for path, content in files.items():
        check_path(path)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = f"{base}/{path}"
        try:
            parent = target.rpartition("/")[0]
            if parent not in made:
                make_folder(parent, made)
            write_file(target, data)
        except OSError as exc:
            if exc.filename is None:
                exc.filename = target
            raise
        digests[path] = sha256(data).hexdigest()
    return digests


def make_folder(path: str, made: set[str]) -> None:
    """``os.makedirs(path, exist_ok=True)`` with one ``mkdir`` per folder and no ``stat``.

    The folders above ``path`` are looked up in ``made`` (this process's staging folders,
    the staging root among them) and made first where missing, so each folder costs one
    system call. One that exists already (a rendered unit's, or another worker's) is fine;
    anything there but a folder fails the write of the file below it.
    """
    parent = path.rpartition("/")[0]
    if parent and parent not in made:
        make_folder(parent, made)
    with contextlib.suppress(FileExistsError):
        os.mkdir(path)
    made.add(path)


def prepare(
    directory: Path,
    spec: Path | None = None,
    *,
    force: bool = False,
    notify: Notify | None = None,
    early: Presurvey | None = None,
) -> Target:
    """Check that render may own ``directory``, clear leftovers of killed renders, read what it owns.

    ``early``: the same reading of DIR, made by a child during the design stage
    (:mod:`aiinfra.render.presurvey`); taken here, after the sweep, when it still describes
    DIR (not when the sweep recovered DIR), else DIR is read now. Under
    :func:`~aiinfra.gcpause.gc_paused`: at 131k GPUs the manifest and the walk of DIR
    make half a million strings, enough to start a full collection over the Design.
    """
    real = resolve_location(directory, spec)
    recovered = sweep(real)
    if recovered and notify:
        notify(f"recovered {real} from an interrupted render")
    with gc_paused():
        target = None
        if early is not None:
            target = None if recovered else early.take(real)
            early.close()
        return target if target is not None else read_target(real, force, survey=True)


@contextmanager
def staged(
    target: Target | Path, notify: Notify | None = None, seconds: dict[str, float] | None = None
) -> Iterator[Path]:
    """A staging folder beside the target; on a clean exit it replaces the target folder.

    Foreign files are carried over after the render wrote its own (hard links, so the
    old tree stays whole until the swap): those :func:`prepare`'s walk of DIR found
    (``Target.foreign``), or, for a target nothing walked, those a walk here finds. Files
    that appeared in the old tree after that walk are moved over after the swap. Files
    are 0644 and folders 0755 whatever the caller's umask. ``seconds``: the wall time of
    carrying, swapping and retiring, for benchmarks.
    """
    timed = seconds if seconds is not None else {}
    if isinstance(target, Path):
        target = prepare(target, notify=notify)
    real = target.path
    real.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{real.name}.new-", dir=real.parent))
    locks = [hold(staging)]
    previous_umask = os.umask(0o022)
    try:
        try:
            os.chmod(staging, 0o755)  # mkdtemp creates it 0700
            yield staging
            started = time.perf_counter()
            carried: set[str] = set()
            if real.is_dir():
                locks.append(hold(real))
                entries = target.foreign if target.foreign is not None else foreign_entries(real, target.owned)
                blocked = carry(real, staging, entries, move=False, done=carried)
                if blocked and not target.force:
                    raise OutputRefused(
                        f"refusing to replace {real / blocked[0]}: aiinfra did not write it (not in {MANIFEST})"
                        + (f", nor {len(blocked) - 1} more" if len(blocked) > 1 else "")
                        + "; move it away or use --force"
                    )
                if blocked and notify:
                    notify(f"--force: replaced {len(blocked)} file(s) aiinfra did not write, e.g. {blocked[0]}")
                carried.update(blocked)  # replaced, as --force asked: the old tree's copy goes with it
            timed["carry"] = time.perf_counter() - started
            started = time.perf_counter()
            old = swap_in(staging, real)
            timed["swap"] = time.perf_counter() - started
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        started = time.perf_counter()
        if old is not None:
            _retire(old, real, target, carried, notify)
        timed["retire"] = time.perf_counter() - started
    finally:
        os.umask(previous_umask)
        for fd in locks:
            os.close(fd)


def _retire(old: Path, real: Path, target: Target, carried: set[str], notify: Notify | None) -> None:
    """Remove the replaced tree, moving over user files that appeared in it after DIR was walked.

    One walk removes what was owned or carried and finds the rest (:func:`prune`); what
    is left once those are moved (the folders that held them) goes with ``rmtree``.
    """
    late = prune(old, target.owned, carried)
    if late and carry(old, real, late, move=True):
        kept = real.parent / f"{real.name}.kept-{os.getpid()}"
        os.rename(old, kept)
        if notify:
            notify(f"files that appeared in {real} during the render clash with new files; kept in {kept}")
        return
    shutil.rmtree(old, ignore_errors=True)


def _digest(path: Path) -> str | None:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError):
        return None


def changed_paths(new: Mapping[str, str], target: Target) -> list[str]:
    """Owned paths a render would change: new or different files, then owned files it would drop.

    Files the previous manifest does not list are the user's and are not reported,
    unless the render would write over one.
    """
    root = target.path
    changed = [p for p in sorted(new) if _digest(root / p) != new[p]]
    return changed + sorted(p for p in target.owned - set(new) if os.path.lexists(root / p))


@dataclass
class OutputSet:
    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, relpath: str, content: str | bytes) -> None:
        if relpath in self.files:
            raise ValueError(f"two renderers wrote {relpath}")
        check_path(relpath)
        self.files[relpath] = content.encode("utf-8") if isinstance(content, str) else content

    def digests(self) -> dict[str, str]:
        return {path: hashlib.sha256(data).hexdigest() for path, data in self.files.items()}

    def with_manifest(self) -> OutputSet:
        """Add MANIFEST.sha256: one ``sha256  path`` line per file, sorted by path."""
        out = OutputSet(dict(self.files))
        out.files[MANIFEST] = manifest_text(self.digests()).encode()
        return out

    def changes_against(self, target: Target) -> list[str]:
        return changed_paths(self.digests(), target)

    def write_atomic(self, target: Target | Path, notify: Notify | None = None) -> None:
        with staged(target, notify) as staging:
            write_files(staging, self.files)

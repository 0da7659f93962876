"""Crash-safe replacement of an output folder.

A render is written into a staging folder ``.NAME.new-XXXXXXXX`` beside ``NAME`` and
then swapped in. Why each step is there:

* The staged tree is flushed with one ``syncfs`` (no per-file fsync: one call flushes
  the whole filesystem's dirty data far faster) before it replaces anything, so a power
  loss after the swap never exposes empty files.
* Where the kernel and filesystem offer it, the swap is one
  ``renameat2(RENAME_EXCHANGE)``: DIR holds the old tree or the new one at every
  instant, whatever kills the process. The old tree then sits under the staging name
  and is removed.
* Elsewhere (``EINVAL``/``ENOSYS``: NFS, old kernels) it takes two renames: DIR becomes
  ``.NAME.old-XXXXXXXX``, then the staging folder becomes DIR. A crash between them
  leaves no DIR but the old tree under the ``old`` name; :func:`sweep`, run at the
  start of every render, renames it back. So after a crash at any point DIR is the old
  tree, the new tree, or (fallback only) recovered to the old tree on the next start.
* The parent folder is fsynced after the swap so the new name survives a power loss.

Every folder this module creates or is about to rename is held with a shared
``flock`` for the life of the process (forked workers share it; the kernel drops it
when the last holder dies, kill -9 included). :func:`sweep` removes only folders that
are named like ours, are real folders owned by this user, and whose lock it can take
exclusively, so it never deletes the staging folder of a render still running.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import re
import secrets
import shutil
import string
from pathlib import Path

AT_FDCWD = -100
RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2
_SUFFIX = string.ascii_lowercase + string.digits + "_"  # tempfile.mkdtemp's alphabet

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


class SwapUnsupported(OSError):
    """renameat2 or the flag asked for is not available on this kernel/filesystem."""


def renameat2(src: Path, dst: Path, flags: int) -> None:
    """``renameat2(AT_FDCWD, src, AT_FDCWD, dst, flags)``; :class:`SwapUnsupported` where missing."""
    func = getattr(_libc, "renameat2", None)
    if func is None:
        raise SwapUnsupported(errno.ENOSYS, "renameat2 is not in this C library", str(src))
    if func(AT_FDCWD, os.fsencode(src), AT_FDCWD, os.fsencode(dst), ctypes.c_uint(flags)) == 0:
        return
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        raise SwapUnsupported(err, os.strerror(err), str(src), None, str(dst))
    raise OSError(err, os.strerror(err), str(src), None, str(dst))


def sync_tree(path: Path) -> None:
    """Flush the filesystem holding ``path`` (``syncfs``; ``sync`` where it is missing)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        func = getattr(_libc, "syncfs", None)
        if func is None or func(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def hold(path: Path) -> int:
    """A shared flock on folder ``path``, kept until the returned fd is closed (or the process dies)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def leftover_name(directory: Path, kind: str) -> Path:
    """A fresh ``.NAME.<kind>-XXXXXXXX`` beside ``directory``."""
    suffix = "".join(secrets.choice(_SUFFIX) for _ in range(8))
    return directory.parent / f".{directory.name}.{kind}-{suffix}"


def _ours(directory: Path) -> re.Pattern[str]:
    return re.compile(re.escape(f".{directory.name}.") + r"(new|old)-[a-z0-9_]{8}")


def sweep(directory: Path) -> bool:
    """Remove leftovers of interrupted renders into ``directory``; restore DIR if a crash lost it.

    Returns True when DIR was recovered from an ``old`` folder (the fallback swap's
    crash window). Only folders named like ours, owned by us and not locked by a live
    render are touched.
    """
    pattern = _ours(directory)
    parent = directory.parent
    try:
        names = [n for n in os.listdir(parent) if pattern.fullmatch(n)]
    except FileNotFoundError:
        return False
    locked: list[tuple[int, Path, str]] = []
    try:
        for name in sorted(names):
            path = parent / name
            try:
                if os.lstat(path).st_uid != os.geteuid() or os.path.islink(path) or not os.path.isdir(path):
                    continue
                fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            except (FileNotFoundError, NotADirectoryError):  # gone, or swapped for a file, meanwhile
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)  # a render in progress holds it
                continue
            locked.append((fd, path, pattern.fullmatch(name).group(1)))  # type: ignore[union-attr]
        recovered = False
        olds = [(os.lstat(p).st_ctime_ns, p) for _, p, kind in locked if kind == "old"]
        if olds and not os.path.lexists(directory):
            newest = max(olds)[1]
            legacy = newest / "tree"  # aiinfra 0.1.0 parked the old tree one level down, in .NAME.old-*/tree
            os.rename(legacy if os.listdir(newest) == ["tree"] else newest, directory)
            fsync_dir(parent)
            recovered = True
        for _, path, _ in locked:
            if path.exists():  # debris: what cannot go now is tried again at the next start
                shutil.rmtree(path, ignore_errors=True)
        return recovered
    finally:
        for fd, _, _ in locked:
            os.close(fd)


def swap_in(staging: Path, directory: Path) -> Path | None:
    """Make ``staging`` be ``directory``; return where the old tree now is (None if there was none).

    The caller holds locks on both trees (:func:`hold`) and removes the old tree.
    """
    sync_tree(staging)
    if not os.path.lexists(directory):
        try:
            renameat2(staging, directory, RENAME_NOREPLACE)
        except SwapUnsupported:
            os.rename(staging, directory)
        fsync_dir(directory.parent)
        return None
    try:
        renameat2(staging, directory, RENAME_EXCHANGE)
        old = staging
    except SwapUnsupported:
        old = leftover_name(directory, "old")
        os.rename(directory, old)
        try:
            os.rename(staging, directory)
        except BaseException:
            os.rename(old, directory)
            raise
    fsync_dir(directory.parent)
    return old

"""Removing the tree a render replaced, in one walk.

After the swap the old tree sits under the staging folder's name (:mod:`aiinfra.render.swap`)
and holds three kinds of entry: what the previous render owned (its manifest's files), the
user's files that were carried into the new tree (hard links: the new tree has them), and
user files that appeared after DIR was walked, which must be moved into the new tree, not
removed. The old way walked the tree for the last kind and then removed it with
``shutil.rmtree``, a second walk: two listings of every folder and, for rmtree, a ``stat``,
an ``open`` and an ``fstat`` more per folder (150k folders at 131k GPUs). :func:`prune` does
both in one walk: it removes what was owned or carried and leaves, and reports, the rest.

Every removal is relative to a folder descriptor opened with ``O_NOFOLLOW``, as rmtree's
own safe path does, so a folder swapped for a symlink meanwhile never leads a removal out of
the tree. An entry that cannot be classified or removed (it changed meanwhile) is left in
place: the caller's final ``rmtree`` of the remainder, or a sweep of the next render, takes
it, as before.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from aiinfra.render.ownership import MANIFEST, Entry, owned_folders

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def prune(old: Path, owned: frozenset[str], carried: Collection[str]) -> list[Entry]:
    """Remove from ``old`` what the previous render owned and what was carried; return what is left.

    What is left is exactly what :func:`aiinfra.render.ownership.foreign_entries` reports
    there less ``carried``: the files, links and empty folders that appeared after DIR was
    walked, in the same order. Folders emptied on the way are removed; those still holding
    such an entry stay, for the caller to move the entries out and remove them.
    """
    try:
        fd = os.open(old, _DIR)
    except OSError:
        return []
    late: list[Entry] = []
    try:
        _Pruner(owned, owned_folders(owned), carried, late).folder(fd, "")
    finally:
        os.close(fd)
    late.sort(key=lambda e: e[0].split("/"))
    return late


class _Pruner:
    """The walk's fixed arguments, so the recursion passes only the folder and its path."""

    def __init__(self, owned: frozenset[str], folders: frozenset[str], carried: Collection[str], late: list[Entry]):
        self.owned, self.folders, self.carried, self.late = owned, folders, carried, late

    def ours(self, rel: str) -> bool:
        return rel in self.owned or rel in self.carried or rel == MANIFEST

    def folder(self, fd: int, prefix: str) -> bool:
        """Prune the folder open as ``fd`` (at ``prefix``); True when it is now empty."""
        with os.scandir(fd) as it:
            entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
        if not entries:
            rel = prefix[:-1]
            if rel and rel not in self.folders and rel not in self.carried:  # an empty folder of the user's
                self.late.append((rel, True))
                return False
            return True
        empty = True
        for name, is_dir in entries:
            rel = f"{prefix}{name}"
            if is_dir:
                empty = self.subfolder(fd, name, rel) and empty
            elif self.ours(rel):
                try:
                    os.unlink(name, dir_fd=fd)
                except FileNotFoundError:
                    pass
                except OSError:
                    empty = False
            else:
                self.late.append((rel, False))
                empty = False
        return empty

    def subfolder(self, fd: int, name: str, rel: str) -> bool:
        """Prune folder ``name`` of the folder open as ``fd`` and remove it if that emptied it."""
        try:
            sub = os.open(name, _DIR, dir_fd=fd)
        except FileNotFoundError:
            return True
        except OSError:  # swapped for a link or a file meanwhile: left to the caller's rmtree
            return False
        try:
            emptied = self.folder(sub, f"{rel}/")
        finally:
            os.close(sub)
        if not emptied:
            return False
        try:
            os.rmdir(name, dir_fd=fd)
        except FileNotFoundError:
            pass
        except OSError:  # something appeared in it meanwhile
            return False
        return True

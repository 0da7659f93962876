"""Rendered files: held in memory (``OutputSet``) or streamed into a staging folder,
then swapped in atomically; or compared for ``--check``.

Rendering never touches the destination until everything rendered: files go to a
temporary folder beside DIR, then the folder is swapped in with two renames. A
failure at any point leaves DIR exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "MANIFEST.sha256"


def check_path(relpath: str) -> None:
    if relpath.startswith("/") or ".." in Path(relpath).parts:
        raise ValueError(f"unsafe output path {relpath!r}")


def manifest_text(digests: Mapping[str, str]) -> str:
    """One ``sha256  path`` line per file, sorted by path."""
    return "".join(f"{digests[p]}  {p}\n" for p in sorted(digests) if p != MANIFEST)


def write_files(root: Path, files: Mapping[str, bytes | str]) -> dict[str, str]:
    """Write files under ``root``; return their SHA-256 digests by path."""
    made: set[Path] = set()
    digests: dict[str, str] = {}
    for path, content in files.items():
        check_path(path)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = root / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
        digests[path] = hashlib.sha256(data).hexdigest()
    return digests


@contextmanager
def staged(directory: Path) -> Iterator[Path]:
    """A staging folder beside ``directory``; on a clean exit it replaces ``directory``.

    The swap is two renames on one filesystem. If the second fails, the first is
    undone, so DIR is either the old tree or the new one, never a mix or nothing.
    Files are 0644 and folders 0755 whatever the caller's umask.
    """
    directory = directory.resolve()
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.new-", dir=directory.parent))
    previous_umask = os.umask(0o022)
    old: Path | None = None
    try:
        os.chmod(staging, 0o755)  # mkdtemp creates it 0700
        yield staging
        if directory.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old-", dir=directory.parent))
            os.rename(directory, old / "tree")
        try:
            os.rename(staging, directory)
        except BaseException:
            if old is not None:
                os.rename(old / "tree", directory)
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.umask(previous_umask)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def existing_digests(directory: Path) -> dict[str, str]:
    if not directory.is_dir():
        return {}
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in directory.rglob("*")
        if p.is_file()
    }


def changed_paths(new: Mapping[str, str], directory: Path) -> list[str]:
    """Paths whose digest differs from, or that are missing in or extra to, ``directory``."""
    old = existing_digests(directory)
    changed = [p for p in sorted(new) if old.get(p) != new[p]]
    return changed + sorted(set(old) - set(new))


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

    def changes_against(self, directory: Path) -> list[str]:
        return changed_paths(self.digests(), directory)

    def write_atomic(self, directory: Path) -> None:
        with staged(directory) as staging:
            write_files(staging, self.files)

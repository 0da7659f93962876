"""An in-memory set of rendered files, written atomically or compared for ``--check``.

Rendering never touches the destination until everything rendered: files go to
a temporary folder beside DIR, then the folder is swapped in with two renames.
A failure at any point leaves DIR exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "MANIFEST.sha256"


@dataclass
class OutputSet:
    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, relpath: str, content: str | bytes) -> None:
        if relpath in self.files:
            raise ValueError(f"two renderers wrote {relpath}")
        if relpath.startswith("/") or ".." in Path(relpath).parts:
            raise ValueError(f"unsafe output path {relpath!r}")
        self.files[relpath] = content.encode("utf-8") if isinstance(content, str) else content

    def with_manifest(self) -> OutputSet:
        """Add MANIFEST.sha256: one ``sha256  path`` line per file, sorted by path."""
        lines = [
            f"{hashlib.sha256(data).hexdigest()}  {path}"
            for path, data in sorted(self.files.items())
            if path != MANIFEST
        ]
        out = OutputSet(dict(self.files))
        out.files[MANIFEST] = ("\n".join(lines) + "\n").encode()
        return out

    def changes_against(self, directory: Path) -> list[str]:
        """Paths that differ from, are missing in, or are extra in ``directory``."""
        changed = []
        existing: set[str] = set()
        if directory.is_dir():
            for p in directory.rglob("*"):
                if p.is_file():
                    existing.add(p.relative_to(directory).as_posix())
        for path, data in sorted(self.files.items()):
            target = directory / path
            if path not in existing or target.read_bytes() != data:
                changed.append(path)
        changed.extend(sorted(existing - set(self.files)))
        return changed

    def write_atomic(self, directory: Path) -> None:
        """Write every file into a sibling staging folder, then swap it in.

        The swap is two renames on one filesystem. If the second fails, the first is
        undone, so DIR is either the old tree or the new one, never a mix or nothing.
        """
        directory = directory.resolve()
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.new-", dir=directory.parent))
        old: Path | None = None
        previous_umask = os.umask(0o022)  # files 0644, folders 0755, whatever the caller's umask
        try:
            made: set[Path] = set()
            for path, data in self.files.items():
                target = staging / path
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                target.write_bytes(data)
            os.chmod(staging, 0o755)  # mkdtemp creates it 0700
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

"""What ``aiinfra render -o DIR`` may replace, and what it must keep.

A render owns exactly the files its previous ``MANIFEST.sha256`` lists (and the
manifest). Everything else in DIR is the user's: it is carried into the new tree
untouched (hard-linked, so the old tree stays whole until the swap), and ``--check``
ignores it. The rules, each a refusal with one line and exit code 2:

* DIR may not be ``/``, ``$HOME``, the working directory, the spec's folder, or an
  ancestor of any of them (the swap replaces DIR as a whole), nor a mount point, nor
  anything but a folder. A symlink is followed: the rules apply to the folder it
  names, the link itself stays.
* A non-empty DIR without a manifest is refused unless ``force``; even then its files
  are kept, since none of them is ours.
* A manifest line must be ``<sha256>  <path>`` with a relative, normalised path that
  stays inside DIR (no ``..``, no absolute path, no symlinked folder leading out).
* A file the user put where the new render writes one is refused unless ``force``,
  which lets the render replace it (named in a notice).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

MANIFEST = "MANIFEST.sha256"
_LINE = re.compile(r"([0-9a-f]{64})  (.+)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class OutputRefused(Exception):
    """The output folder is not one render may replace; the message is one line for the user."""


Entry = tuple[str, bool]  # (relative path, is a folder)


@dataclass(frozen=True)
class Target:
    """A checked output folder: its real path and the files a previous render owns there,
    with the SHA-256 its manifest gives each (an incremental render keeps only files that
    still have it).

    ``foreign``: what of DIR's is the user's (:func:`foreign_entries`), found by the walk
    that also checked the manifest's folders (``read_target(..., survey=True)``); None
    when nothing walked DIR yet, and the render walks it before carrying.
    """

    path: Path
    owned: frozenset[str]
    force: bool = False
    digests: Mapping[str, str] = field(default_factory=dict)
    foreign: tuple[Entry, ...] | None = None


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def resolve_location(directory: Path, spec: Path | None = None) -> Path:
    """The real folder ``directory`` names, or :class:`OutputRefused` if render may not own it."""
    real = Path(os.path.realpath(directory))
    shown = str(directory)
    protected: list[tuple[Path, str]] = [(Path(os.path.realpath(os.getcwd())), "the working directory")]
    if os.environ.get("HOME"):
        protected.append((Path(os.path.realpath(os.environ["HOME"])), "your home folder"))
    if spec is not None:
        what = f"the folder of {spec.name}" if spec.suffix == ".json" else "the spec's folder"  # --from-design
        protected.append((Path(os.path.realpath(spec)).parent, what))
    if real == Path(real.anchor):
        raise OutputRefused(f"refusing to render into {shown}: it is the filesystem root")
    for folder, what in protected:
        if _within(folder, real):
            relation = "is" if folder == real else "contains"
            raise OutputRefused(f"refusing to render into {shown}: it {relation} {what} ({folder}); pick a new folder")
    if os.path.lexists(real) and not os.path.isdir(real):
        raise OutputRefused(f"refusing to render into {shown}: it exists and is not a folder")
    if os.path.isdir(real) and os.path.ismount(real):
        raise OutputRefused(f"refusing to render into {shown}: it is a mount point; render into a folder inside it")
    return real


def check_manifest_path(relpath: str) -> bool:
    """A manifest path is relative, normalised (no empty, ``.`` or ``..`` component) and free of
    control characters. String tests, not pathlib: a 131k-GPU manifest has 177k lines."""
    return (
        bool(relpath)
        and relpath != MANIFEST
        and not relpath.startswith("/")
        and _CONTROL.search(relpath) is None
        and all(part not in ("", ".", "..") for part in relpath.split("/"))
    )


def read_manifest(folder: Path) -> frozenset[str] | None:
    """Paths the manifest in ``folder`` lists; None when there is none; OutputRefused when it is unsafe."""
    digests = read_manifest_digests(folder)
    return None if digests is None else frozenset(digests)


def read_manifest_digests(folder: Path, *, leading: bool = True) -> dict[str, str] | None:
    """Path -> SHA-256 from the manifest in ``folder``; None when there is none; OutputRefused when unsafe.

    ``leading=False``: the caller checks the folders the paths lead through itself (the
    survey of :func:`read_target` does, in the walk it makes anyway).
    """
    path = folder / MANIFEST
    if not os.path.lexists(path):
        return None
    if path.is_symlink() or not path.is_file():
        raise OutputRefused(f"refusing to render into {folder}: its {MANIFEST} is not a regular file")
    text = path.read_text(encoding="utf-8", errors="replace")
    owned = parse_manifest_fast(text)
    if owned is None:
        owned = parse_manifest(text, folder)
    if leading:
        _refuse_leading_out(folder, {p.rpartition("/")[0] or "." for p in owned})
    return owned


def parse_manifest(text: str, folder: Path) -> dict[str, str]:
    """Path -> SHA-256, line by line; OutputRefused naming the first line that breaks the rules."""
    owned: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = _LINE.fullmatch(line)
        if not m or not check_manifest_path(m.group(2)):
            raise OutputRefused(
                f"refusing to render into {folder}: {MANIFEST} line {number} is not '<sha256>  <relative path "
                f"inside the folder>': {line[:80]!r}"
            )
        owned[m.group(2)] = m.group(1)
    return owned


# Every line '<sha256>  <path>\n', no control character in a path and none of the other line
# breaks str.splitlines knows (so splitting at '\n' gives the same lines).
_WHOLE = re.compile(r"(?:[0-9a-f]{64}  [^\x00-\x1f\x7f\x85\u2028\u2029]+\n)*")
# In the paths joined by '\n' (one before the first, one after the last), what a path that is the
# manifest, or has an empty, '.' or '..' component (a leading '/' is an empty one) must contain.
_BAD = tuple(f"{a}{part}{b}" for part in ("", ".", "..") for a in "\n/" for b in "\n/" if part or a + b != "\n\n")
_BAD += (f"\n{MANIFEST}\n",)


def parse_manifest_fast(text: str) -> dict[str, str] | None:
    """What :func:`parse_manifest` returns, from whole-text scans in C; None when any line may
    break a rule (the line-by-line parse then names it).

    A line-by-line parse was 0.13 CPU s for a 32k-GPU manifest (37k lines), mostly
    ``check_manifest_path`` called per line; this is 0.06.
    """
    if _WHOLE.fullmatch(text) is None:
        return None
    lines = text.split("\n")
    lines.pop()  # after the last '\n'
    owned = {line[66:]: line[:64] for line in lines}  # 64 hex digits, two spaces, the path
    joined = "\n".join(owned)
    if any(bad in f"\n{joined}\n" for bad in _BAD):
        return None
    return owned


def _refuse_leading_out(folder: Path, parents: Iterable[str]) -> None:
    outside = _leading_out(folder, parents)
    if outside is not None:
        raise OutputRefused(f"refusing to render into {folder}: {MANIFEST} lists files under {outside}, outside it")


def _leading_out(folder: Path, parents: Iterable[str]) -> str | None:
    """The first folder of ``parents`` whose real path is outside ``folder`` (through a symlink), or None.

    A path resolves inside ``folder`` exactly when every symlink among its leading folders
    does, so each distinct leading folder is tested once: one lstat, and a realpath only for
    a symlink (a realpath per folder was 6 CPU s for the 28k node folders of a 32k-GPU tree).
    """
    base = os.fspath(folder)
    inside: set[str] = set()
    for parent in sorted(parents):
        if parent == ".":
            continue
        prefix = ""
        for part in parent.split("/"):
            prefix = f"{prefix}/{part}" if prefix else part
            if prefix in inside:
                continue
            path = f"{base}/{prefix}"
            if os.path.islink(path) and not _within(Path(os.path.realpath(path)), folder):
                return parent
            inside.add(prefix)
    return None


def read_target(real: Path, force: bool, *, survey: bool = False) -> Target:
    """Ownership of the (already located, swept) folder ``real``.

    ``survey`` (a render, not ``--check``): also walk DIR once for the user's files
    (``Target.foreign``), and check the manifest's folders for symlinks in that walk: it
    sees every folder's entries anyway, so only a symlink found where an owned folder
    stands needs the test of :func:`_leading_out` (one ``lstat`` per folder was as dear
    as the walk itself: 150k folders at 131k GPUs).
    """
    if not os.path.isdir(real):
        return Target(real, frozenset(), force, foreign=() if survey else None)
    digests = read_manifest_digests(real, leading=not survey)
    if digests is None:
        if any(os.scandir(real)) and not force:
            raise OutputRefused(
                f"refusing to render into {real}: it is not empty and holds no {MANIFEST} from an earlier render "
                "(--force renders into it and keeps its files)"
            )
        digests = {}
    owned = frozenset(digests)
    if not survey:
        return Target(real, owned, force, digests)
    found, links = _survey(real, owned)
    if links:  # every folder a symlink leads out through has one of these among its leading folders
        under = tuple(f"{link}/" for link in links)
        _refuse_leading_out(
            real, {p for p in (q.rpartition("/")[0] for q in owned) if p in links or p.startswith(under)}
        )
    return Target(real, owned, force, digests, tuple(found))


@lru_cache(maxsize=2)
def owned_folders(owned: frozenset[str]) -> frozenset[str]:
    """Every folder above an owned path, computed once per manifest (the walks of the old tree
    before and after the swap both ask; a test per folder against every owned path took
    minutes on a 44k-file tree)."""
    folders: set[str] = set()
    for path in owned:
        while "/" in path:
            path = path.rpartition("/")[0]
            if path in folders:
                break
            folders.add(path)
    return frozenset(folders)


def foreign_entries(root: Path, owned: frozenset[str]) -> Iterator[Entry]:
    """``(relpath, is_folder)`` for what in ``root`` a render does not own: files, links, and empty folders.

    A folder is reported only when it holds nothing reported and no owned path lies under
    it. In path order (each folder's entries by name, depth first).
    """
    return iter(_survey(root, owned)[0])


def _survey(root: Path, owned: frozenset[str]) -> tuple[list[Entry], set[str]]:
    """One walk of ``root``: its foreign entries (:func:`foreign_entries`) and the symlinks
    standing where a folder above an owned path would be.

    String paths and one sort of what was found at the end, not pathlib and a sort per folder:
    those were two thirds of the walk's CPU for the 37k folders of a 32k-GPU tree.
    """
    folders = owned_folders(owned)
    found: list[Entry] = []
    links: set[str] = set()
    base = os.fspath(root)

    def walk(prefix: str) -> bool:
        reported = False
        with os.scandir(f"{base}/{prefix}" if prefix else base) as it:
            entries = [(e.name, e.is_dir(follow_symlinks=False), e) for e in it]
        for name, is_dir, entry in entries:
            rel = f"{prefix}{name}"
            if is_dir:
                if walk(f"{rel}/"):
                    reported = True
                elif rel not in folders:
                    found.append((rel, True))
                    reported = True
                continue
            if rel in folders and entry.is_symlink():
                links.add(rel)
            if rel not in owned and rel != MANIFEST:
                found.append((rel, False))
                reported = True
        return reported

    walk("")
    found.sort(key=lambda e: e[0].split("/"))
    return found, links


def _blocked(dst_root: Path, rel: str) -> bool:
    """True when ``rel`` (or a folder above it) is already taken in ``dst_root`` by something else."""
    parts = PurePosixPath(rel).parts
    for i in range(1, len(parts)):
        above = dst_root.joinpath(*parts[:i])
        if os.path.lexists(above) and (above.is_symlink() or not above.is_dir()):
            return True
    return os.path.lexists(dst_root / rel)


def carry(
    src_root: Path, dst_root: Path, entries: Iterable[Entry], *, move: bool, done: set[str] | None = None
) -> list[str]:
    """Put each foreign entry of ``src_root`` at the same path in ``dst_root``; return those in the way.

    ``move=False`` hard-links (copies where links fail), so ``src_root`` stays whole;
    ``move=True`` renames (used once the swap is done, for files that appeared meanwhile).
    An entry the user removed since DIR was walked (before the render) is skipped; ``done``
    collects the paths put (the old tree's names of those may go with it).
    """
    blocked: list[str] = []
    for rel, is_folder in entries:
        src, dst = src_root / rel, dst_root / rel
        if not os.path.lexists(src):
            continue
        if _blocked(dst_root, rel):
            if not (is_folder and dst.is_dir() and not dst.is_symlink()):
                blocked.append(rel)
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            _put(src, dst, is_folder, move)
        except FileNotFoundError:
            if os.path.lexists(src):
                raise
            continue  # gone meanwhile: as if it had been removed before the walk
        if done is not None:
            done.add(rel)
    return blocked


def _put(src: Path, dst: Path, is_folder: bool, move: bool) -> None:
    if move:
        os.rename(src, dst)
    elif is_folder:
        dst.mkdir()
        try:
            shutil.copystat(src, dst, follow_symlinks=False)
        except FileNotFoundError:
            dst.rmdir()
            raise
    else:
        try:
            os.link(src, dst, follow_symlinks=False)
        except FileNotFoundError:
            raise
        except OSError:  # no hard links here (or protected_hardlinks): copy, links as links
            shutil.copy2(src, dst, follow_symlinks=False)

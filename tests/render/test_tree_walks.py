"""The walks of DIR around a render: the survey before it (the user's files, symlinked folders)
and the pruning of the replaced tree after the swap.

Both are held to a plain statement of the rules (:func:`expected_foreign`, written with
``os.walk``), on trees Hypothesis draws with files, links and empty folders where a render
owns files and where it does not; and through the render itself, for files the user adds or
removes while it runs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiinfra.cli import main
from aiinfra.render.output import OutputSet, prepare, staged, write_files
from aiinfra.render.ownership import (
    MANIFEST,
    OutputRefused,
    foreign_entries,
    parse_manifest,
    parse_manifest_fast,
    read_target,
)
from aiinfra.render.retire import prune
from tests.conftest import EXAMPLES


def expected_foreign(root: Path, owned: frozenset[str]) -> list[tuple[str, bool]]:
    """The rules: every file or link not owned (nor the manifest), and every folder holding
    nothing but folders, none of them above an owned path; in path order."""
    above = {p.rsplit("/", i)[0] for p in owned for i in range(1, p.count("/") + 1)}
    out: list[tuple[str, bool]] = []
    holds: set[str] = set()  # folders with something reported under them
    for folder, dirs, files in os.walk(root, topdown=False):
        rel = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel == "." else f"{rel}/"
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            if f"{prefix}{name}" not in owned and f"{prefix}{name}" != MANIFEST:
                out.append((f"{prefix}{name}", False))
                holds.add(rel)
        for name in dirs:
            path = f"{prefix}{name}"
            if os.path.islink(os.path.join(folder, name)):
                continue
            if path in holds:
                holds.add(rel)
            elif path not in above:
                out.append((path, True))
                holds.add(rel)
    return sorted(out, key=lambda e: e[0].split("/"))


NAMES = st.sampled_from(["a", "b", "a.x", "c-1"])
PATHS = st.lists(NAMES, min_size=1, max_size=3).map("/".join)
KINDS = st.sampled_from(["file", "folder", "link-in", "link-out"])


def build(root: Path, outside: Path, entries: list[tuple[str, str]]) -> list[str]:
    """Make the drawn entries under ``root`` (skipping those a file is in the way of); the files made."""
    made: list[str] = []
    for rel, kind in entries:
        path = root / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind == "folder":
                path.mkdir()
            elif kind == "file":
                path.write_text(rel)
                made.append(rel)
            else:
                path.symlink_to(outside if kind == "link-out" else root)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            continue
    return made


@settings(
    max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entries=st.lists(st.tuples(PATHS, KINDS), max_size=14),
    owned_extra=st.lists(PATHS, max_size=3),
    pick=st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_survey_and_prune_follow_the_rules(
    tmp_path_factory: pytest.TempPathFactory, entries: list[tuple[str, str]], owned_extra: list[str], pick: list[bool]
) -> None:
    work = tmp_path_factory.mktemp("walk")
    root, outside = work / "out", work / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "precious").write_text("not ours")
    files = build(root, outside, entries)
    owned = frozenset([f for i, f in enumerate(files) if pick[i % 30]] + owned_extra) - {MANIFEST}
    (root / MANIFEST).write_text("".join(f"{'0' * 64}  {p}\n" for p in sorted(owned)))
    want = expected_foreign(root, owned)
    assert list(foreign_entries(root, owned)) == want
    try:
        target = read_target(root, False, survey=True)
    except OutputRefused as refused:  # a drawn link where an owned folder stands, leading out
        assert "outside it" in str(refused)
    else:
        assert target.foreign == tuple(want)
    carried = {rel for i, (rel, _) in enumerate(want) if pick[-1 - i % 30]}
    late = prune(root, owned, carried)
    assert late == [e for e in want if e[0] not in carried]
    left = {p.relative_to(root).as_posix() for p in root.rglob("*")}
    above = {rel.rsplit("/", i)[0] for rel, _ in late for i in range(1, rel.count("/") + 1)}
    assert left == {rel for rel, _ in late} | above
    assert (outside / "precious").read_text() == "not ours"


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "site" / "cluster.yaml"
    path.parent.mkdir(parents=True)
    shutil.copy(EXAMPLES / "lab" / "cluster.yaml", path)
    return path


def files(version: str) -> OutputSet:
    out = OutputSet()
    for i in range(5):
        out.add(f"configs/sw{i}.cfg", f"{version} {i}\n")
    out.add("design.yaml", f"version: {version}\n")
    return out.with_manifest()


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".out."))


def test_files_the_user_adds_or_removes_during_a_render_are_respected(tmp_path: Path) -> None:
    """Added after DIR was walked: moved into the new tree after the swap. Removed: not an error."""
    out = tmp_path / "out"
    files("v1").write_atomic(out)
    (out / "configs" / "notes.txt").write_text("walked, then removed")
    (out / "gone").mkdir()
    notices: list[str] = []
    target = prepare(out)
    assert target.foreign == (("configs/notes.txt", False), ("gone", True))
    with staged(target, notices.append) as staging:
        write_files(staging, files("v2").files)
        (out / "configs" / "notes.txt").unlink()
        (out / "gone").rmdir()
        (out / "configs" / "late.txt").write_text("added while it ran")
        (out / "new-folder").mkdir()
    assert (out / "configs" / "late.txt").read_text() == "added while it ran"
    assert (out / "new-folder").is_dir() and not (out / "gone").exists()
    assert not (out / "configs" / "notes.txt").exists()
    assert (out / "design.yaml").read_text() == "version: v2\n" and notices == []
    assert leftovers(tmp_path) == []


def test_a_late_file_where_the_render_writes_one_is_kept_aside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files("v1").write_atomic(out)
    notices: list[str] = []
    with staged(prepare(out), notices.append) as staging:
        write_files(staging, files("v2").files)
        (out / "configs" / "sw9.cfg").write_text("the user's")
        write_files(staging, {"configs/sw9.cfg": "the render's"})
    assert (out / "configs" / "sw9.cfg").read_text() == "the render's"
    kept = tmp_path / f"out.kept-{os.getpid()}"
    assert len(notices) == 1 and str(kept) in notices[0]
    assert {p.relative_to(kept).as_posix() for p in kept.rglob("*")} == {"configs", "configs/sw9.cfg"}
    assert (kept / "configs" / "sw9.cfg").read_text() == "the user's"
    assert leftovers(tmp_path) == []


def test_a_folder_linked_inside_that_leads_out_through_another_link_is_refused(
    spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``a`` -> ``b`` (inside), ``b/c`` -> outside: only the walk's symlink at ``a`` is where an
    owned folder stands, and the path through both links is still found leading out."""
    out = tmp_path / "out"
    assert main(["render", str(spec), "-o", str(out)]) == 0
    (out / "b").mkdir()
    (out / "b" / "c").symlink_to(spec.parent)
    (out / "a").symlink_to(out / "b")
    with (out / MANIFEST).open("a") as f:
        f.write(f"{'0' * 64}  a/c/cluster.yaml\n")
    capsys.readouterr()
    for extra in ([], ["--check"]):
        assert main(["render", str(spec), "-o", str(out), *extra]) == 2
        assert "outside it" in capsys.readouterr().err
    assert (spec.parent / "cluster.yaml").read_text() == (EXAMPLES / "lab" / "cluster.yaml").read_text()


PIECES = st.sampled_from(["a", "b.yml", "/", ".", "..", " ", "MANIFEST.sha256", "\r", "\x00", "\x1f", "\x7f", "\x85"])
PIECES |= st.sampled_from(["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\ufffd", "é", "\n"])
LINES = st.tuples(
    st.sampled_from(["0" * 64, "ab" * 32, "A" * 64, "0" * 63, "0" * 65, ""]),
    st.sampled_from(["  ", " ", "   ", "\t"]),
    st.lists(PIECES, max_size=6).map("".join),
).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(lines=st.lists(LINES, max_size=6), end=st.sampled_from(["\n", "", "\r\n", "\n\n"]))
def test_the_fast_manifest_parse_accepts_only_what_the_line_parse_accepts(lines: list[str], end: str) -> None:
    text = "\n".join(lines) + end if lines else end
    fast = parse_manifest_fast(text)
    try:
        slow = parse_manifest(text, Path("out"))
    except OutputRefused:
        assert fast is None
    else:
        assert fast is None or fast == slow
        if text.endswith("\n") and not any(c in text for c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
            assert fast == slow  # the fast path gives up only where splitlines and '\n' disagree


def test_the_fast_manifest_parse_reads_a_real_manifest(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["render", str(spec), "-o", str(out)]) == 0
    text = (out / MANIFEST).read_text()
    assert parse_manifest_fast(text) == parse_manifest(text, out) and len(parse_manifest(text, out)) > 100


@pytest.mark.parametrize(
    "path",
    [
        *("..", ".", "../x", "a/..", "a/../b", "./a", "a/./b", "a/.", "/a", "a//b", "a/", "MANIFEST.sha256", "a\x85b"),
        *("a\u2028b", "a\rb", "a\x00b", "a\x7fb", ""),
    ],
)
def test_every_path_the_rules_refuse_leaves_the_fast_parse(path: str) -> None:
    text = f"{'0' * 64}  ok/file\n{'0' * 64}  {path}\n"
    assert parse_manifest_fast(text) is None
    with pytest.raises(OutputRefused, match=r"line [23] "):  # a line break splitlines knows splits line 2
        parse_manifest(text, Path("out"))
    assert parse_manifest_fast(f"{'0' * 64}  ok/file\n{'0' * 64}  ok/..x\n") == {
        "ok/file": "0" * 64,
        "ok/..x": "0" * 64,
    }

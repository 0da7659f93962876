"""``templates: DIR``: the user's Jinja2 templates, read at validate into the Design.

``DIR/<os>/<name>.j2`` replaces the driver's template ``<name>.j2`` for every device of
that OS (:meth:`aiinfra.nos.base.Driver.render_template` looks in ``Design.user_templates``
first). The files are read here, once, and their text goes into the Design, so
``design.json`` is self-contained and ``render --from-design`` renders the same bytes
without the folder.

What is refused, positioned on ``templates``: a path that is not a folder; an entry that is
not a switch OS folder; a file that is not a regular file, over :data:`MAX_TEMPLATE_BYTES`,
not UTF-8, or holding a control or bidi character other than LF and tab (a reviewer must
read what runs) or linking outside the folder; a name the driver has no template of (a typo would otherwise be silently
ignored, the built-in rendering instead); an OS whose driver has no templates at all
(structured outputs are built as data); and a template Jinja2 cannot parse.
"""

from __future__ import annotations

import difflib
import os
import stat
from pathlib import Path

import jinja2

from aiinfra import nos
from aiinfra.errors import SpecError
from aiinfra.spec.loader import read_bounded
from aiinfra.spec.text import forbidden_char

MAX_TEMPLATE_BYTES = 256 * 1024
MAX_TEMPLATES = 256


def driver_templates(os_name: str) -> list[str]:
    """Every template name the OS's driver resolves: its own folder's, then its parents'."""
    names: set[str] = set()
    for d in nos.driver(os_name).lineage():
        folder = d.folder / "templates"
        if folder.is_dir():
            names.update(p.relative_to(folder).as_posix() for p in folder.rglob("*.j2") if p.is_file())
    return sorted(names)


def load_user_templates(folder: Path, used: set[str], problems: list[str]) -> dict[str, dict[str, str]]:
    """``{os: {name: text}}`` from ``folder``; what is refused goes to ``problems``, one message each
    (the caller positions them on ``templates``)."""
    try:
        mode = os.stat(folder).st_mode
    except OSError as exc:
        problems.append(f"cannot read the templates folder {folder}: {exc.strerror}")
        return {}
    if not stat.S_ISDIR(mode):
        problems.append(f"{folder} is not a folder; templates: names a folder of <os>/<name>.j2 files")
        return {}
    out: dict[str, dict[str, str]] = {}
    count = 0
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.name not in nos.names() or not entry.is_dir():
            problems.append(
                f"{entry}: the templates folder holds one folder per switch OS ({', '.join(nos.names())}); "
                f"{entry.name!r} is not one",
            )
            continue
        if entry.name not in used:
            problems.append(f"{entry}: no device runs {entry.name}; remove the folder or fix its name")
            continue
        known = driver_templates(entry.name)
        for file in sorted(entry.rglob("*")):
            if file.name.startswith(".") or file.is_dir():
                continue
            count += 1
            if count > MAX_TEMPLATES:
                problems.append(f"more than {MAX_TEMPLATES} templates in {folder}")
                return out
            name = file.relative_to(entry).as_posix()
            if not file.resolve().is_relative_to(folder.resolve()):
                problems.append(f"{file}: links outside {folder}; the templates must live in the folder")
                continue
            text = _read(file, name, entry.name, known, problems)
            if text is not None:
                out.setdefault(entry.name, {})[name] = text
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def _read(file: Path, name: str, os_name: str, known: list[str], problems: list[str]) -> str | None:
    if not known:
        problems.append(
            f"{file}: {nos.profile(os_name).name} is rendered as structured data and has no templates; "
            "use overrides (docs/escape-hatches.md)",
        )
        return None
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}? " if close else ""
        problems.append(f"{file}: {os_name} has no template {name!r}; {hint}its templates: {', '.join(known)}")
        return None
    try:
        info = os.stat(file)
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_TEMPLATE_BYTES:
            problems.append(f"{file}: over {MAX_TEMPLATE_BYTES:,} bytes; no template needs that much")
            return None
        text = read_bounded(file, str(file))
    except SpecError as exc:
        problems.append("; ".join(f"{file}: {d.message}" for d in exc.diagnostics))
        return None
    except OSError as exc:
        problems.append(f"{file}: cannot read file: {exc.strerror}")
        return None
    for i, ch in enumerate(text):
        if ch not in "\n\t" and forbidden_char(ch):
            line = text.count("\n", 0, i) + 1
            problems.append(
                f"{file}:{line}: U+{ord(ch):04X} is not allowed in a template (only LF and tab among control "
                "characters; no bidi controls, which make a reviewer read other text than what runs)",
            )
            return None
    try:
        jinja2.Environment().parse(text)
    except jinja2.TemplateSyntaxError as exc:
        problems.append(f"{file}:{exc.lineno}: not a valid Jinja2 template: {exc.message}")
        return None
    return text

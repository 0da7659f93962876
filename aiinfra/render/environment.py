"""The Jinja2 environment shared by every renderer.

Templates live in the top-level ``templates/<target>/`` folder; a wheel ships
them as ``aiinfra/_templates``. StrictUndefined turns a typo in a template into
an error instead of an empty string in a switch config.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Path:
    """``templates`` or ``playbooks``: installed copy first, then the source tree."""
    installed = PACKAGE_DIR / f"_{name}"
    if installed.is_dir():
        return installed
    source = PACKAGE_DIR.parent / name
    if source.is_dir():
        return source
    raise FileNotFoundError(f"aiinfra cannot find its {name}/ folder (looked in {installed} and {source})")


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return env


def render_template(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)

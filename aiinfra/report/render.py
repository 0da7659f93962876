"""ReportModel -> the report's files: one self-contained ``index.html``.

Jinja2 with autoescape: every text from the model is escaped; the SVGs (escaped when
they were written, :mod:`aiinfra.report.svg`) and the JSON blob (no ``<`` in it) go in as
they are. The CSS and the script are inlined, so the page needs nothing else: it is
opened from disk in air-gapped sites, and its Content-Security-Policy forbids any fetch.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import jinja2

from aiinfra.report.model import ReportModel

INDEX = "index.html"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("aiinfra.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _asset(name: str) -> str:
    return (files("aiinfra.report") / "templates" / name).read_text(encoding="utf-8")


def report_files(model: ReportModel) -> dict[str, str]:
    """``{relative path: text}``: what a report folder holds."""
    html = (
        _environment().get_template("index.html.j2").render(m=model, css=_asset("report.css"), js=_asset("report.js"))
    )
    return {INDEX: html}

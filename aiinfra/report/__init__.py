"""``aiinfra report``: one static, offline HTML report of a cluster, computed from its Design.

build.py turns the Design (plus the spec and catalog for sizing, and a plan file) into a
:class:`~aiinfra.report.model.ReportModel`; render.py lays it out with Jinja2 into one
self-contained ``index.html`` (inline CSS, script, SVG and data; no fetch). docs/report.md
says what each view shows and why the pictures are drawn in Python.
"""

from __future__ import annotations

from aiinfra.report.build import ReportInputs, build_report
from aiinfra.report.render import report_files

__all__ = ["ReportInputs", "build_report", "report_files"]

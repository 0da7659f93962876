"""Machine-readable diagnostics: ``aiinfra validate --format json|sarif``.

The text form (``file:line:col: field: message``) suits a terminal; CI systems want
structure. JSON is aiinfra's own shape, stable for scripts. SARIF 2.1.0 is the OASIS
format GitHub code scanning, GitLab and Azure DevOps read to annotate the spec's lines
in a pull request, so a reviewer sees the refusal on the line that caused it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiinfra import __version__
from aiinfra.errors import Diagnostic

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/aiinfra/aiinfra"

# One rule per kind of finding: SARIF viewers group and filter results by rule.
RULES = {
    "error": ("invalid-spec", "The spec cannot be designed and rendered as written."),
    "warning": ("design-advice", "The spec is valid, but the design it gives is probably not what was meant."),
}


def _record(d: Diagnostic) -> dict[str, Any]:
    return {
        "severity": d.severity,
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "field": d.path,
        "message": d.message,
    }


def as_json(spec: Path, diagnostics: Sequence[Diagnostic], summary: dict[str, int] | None = None) -> str:
    """``{"spec", "valid", "errors", "warnings", "diagnostics": [...], "summary"}``; summary only when valid."""
    errors = sum(d.severity == "error" for d in diagnostics)
    doc: dict[str, Any] = {
        "spec": str(spec),
        "valid": errors == 0,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "diagnostics": [_record(d) for d in diagnostics],
    }
    if summary is not None:
        doc["summary"] = summary
    return json.dumps(doc, indent=2) + "\n"


def _uri(file: str, root: Path) -> tuple[str, bool]:
    """A URI reference relative to ``root`` (the repository a CI job checks out) where the file
    lies inside it, else a ``file:`` URI. SARIF requires valid URIs (RFC 3986), so a space or
    a ``#`` in a folder name is percent-encoded rather than breaking the annotation."""
    path = Path(file)
    try:
        return quote(path.resolve().relative_to(root.resolve()).as_posix()), True
    except (ValueError, OSError):
        return path.resolve().as_uri(), False


def _result(d: Diagnostic, root: Path) -> dict[str, Any]:
    rule_id = RULES[d.severity][0]
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": list(RULES).index(d.severity),
        "level": d.severity,
        "message": {"text": f"{d.path}: {d.message}" if d.path else d.message},
    }
    if d.file:
        uri, relative = _uri(d.file, root)
        artifact: dict[str, Any] = {"uri": uri}
        if relative:
            artifact["uriBaseId"] = "%SRCROOT%"
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if d.line:
            physical["region"] = {"startLine": d.line, "startColumn": max(d.column, 1)}
        location: dict[str, Any] = {"physicalLocation": physical}
        if d.path:
            location["logicalLocations"] = [{"fullyQualifiedName": d.path, "kind": "member"}]
        result["locations"] = [location]
    return result


def as_sarif(diagnostics: Sequence[Diagnostic], root: Path | None = None) -> str:
    """One SARIF 2.1.0 run; locations relative to ``root`` (default: the working directory)."""
    base = root or Path.cwd()
    rules = [
        {"id": rule_id, "shortDescription": {"text": text}, "defaultConfiguration": {"level": level}}
        for level, (rule_id, text) in RULES.items()
    ]
    run = {
        "tool": {
            "driver": {"name": "aiinfra", "version": __version__, "informationUri": INFORMATION_URI, "rules": rules}
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": base.resolve().as_uri() + "/"}},
        "results": [_result(d, base) for d in diagnostics],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"

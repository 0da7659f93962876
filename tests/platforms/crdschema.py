"""Validate custom resources against the upstream CRDs in ``../shared/schemas/crds``.

A CRD's ``openAPIV3Schema`` is almost JSON Schema; the differences that matter are
``nullable``, ``x-kubernetes-int-or-string`` and that the API server prunes (and with
strict field validation rejects) keys the schema does not list. Closing every object
that lists properties and does not preserve unknown fields makes a misspelt key fail
here as it would fail ``oc apply --validate=strict``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CRDS = SHARED / "schemas" / "crds"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the CRDs are large (seconds each in pure Python)


def available() -> bool:
    return CRDS.is_dir()


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v) for k, v in node.items() if not k.startswith("x-kubernetes")}
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    out.pop("nullable", None)
    if "properties" in out and not node.get("x-kubernetes-preserve-unknown-fields"):
        out.setdefault("additionalProperties", False)
    return out


@cache
def validator(kind: str) -> jsonschema.Draft7Validator:
    """The storage version's schema of the CRD whose kind is ``kind``."""
    for path in sorted(CRDS.glob("*.yaml")):
        crd = yaml.load(path.read_text(), Loader=LOADER)
        if crd["spec"]["names"]["kind"] != kind:
            continue
        version = next(v for v in crd["spec"]["versions"] if v.get("storage"))
        schema = _convert(version["schema"]["openAPIV3Schema"])
        # metadata is validated by the API server, not the CRD schema
        schema["properties"]["metadata"] = {"type": "object"}
        return jsonschema.Draft7Validator(schema)
    raise LookupError(f"no CRD for kind {kind} in {CRDS}")


def errors(obj: dict[str, Any]) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in validator(obj["kind"]).iter_errors(obj)
    ]

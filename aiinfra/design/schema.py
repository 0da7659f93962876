"""The JSON Schema of design.json, generated from the Design's type hints.

The same type tree (:mod:`aiinfra.design.serialize_types`) drives the writer, the reader
and this schema, so the published ``schema/design.schema.json`` cannot drift from what
``aiinfra render`` writes (a test regenerates it and compares; another validates every
example's design.json against it with ``jsonschema``).

Each dataclass is one ``$defs`` entry: an object with exactly its fields (a field with a
default may be left out by a hand-written file; aiinfra always writes all of them).
"""

from __future__ import annotations

import json

from aiinfra.design.model import Design
from aiinfra.design.serialize import FORMAT, VERSION
from aiinfra.design.serialize_types import (
    Enum,
    Fixed,
    Map,
    Prim,
    Record,
    Ref,
    Seq,
    TypeNode,
    record_fields,
    records,
    shared_records,
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://aiinfra.dev/schema/design.schema.json"

_PRIM = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}

JsonObject = dict[str, object]


def design_schema() -> JsonObject:
    """The schema of the design.json envelope, with one definition per Design dataclass."""
    defs: JsonObject = {}
    tables = shared_records(Design)
    for cls in records(Design):
        defs[cls.__name__] = _record(cls)
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "aiinfra design.json",
        "description": "The complete vendor-neutral Design that `aiinfra render` wrote; "
        "`aiinfra render --from-design` renders from it alone.",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            **{
                table: {
                    "description": f"Each distinct {cls.__name__} once; a field of that type holds its key here.",
                    "type": "object",
                    "additionalProperties": {"$ref": f"#/$defs/{cls.__name__}"},
                }
                for table, cls in tables.items()
            },
            "design": {"$ref": "#/$defs/Design"},
        },
        "required": ["format", "version", *tables, "design"],
        "additionalProperties": False,
        "$defs": defs,
    }


def design_schema_text() -> str:
    """The committed form: two-space indent, keys in the generated (declaration) order."""
    return json.dumps(design_schema(), indent=2) + "\n"


def _record(cls: type) -> JsonObject:
    fields = record_fields(cls)
    out: JsonObject = {"type": "object"}
    doc = (cls.__doc__ or "").strip()
    if doc and not doc.startswith(f"{cls.__name__}("):  # dataclass's generated signature is no doc
        out["description"] = " ".join(doc.split("\n\n")[0].split())
    out["properties"] = {f.name: _node(f.node) for f in fields}
    out["required"] = [f.name for f in fields if f.required]
    out["additionalProperties"] = False
    return out


def _node(node: TypeNode) -> JsonObject:
    if isinstance(node, Prim):
        return {"type": _PRIM[node.cls]}
    if isinstance(node, Enum):
        return {"type": "string", "enum": [m.value for m in node.cls]}
    if isinstance(node, Seq):
        return {"type": "array", "items": _node(node.item)}
    if isinstance(node, Fixed):
        n = len(node.items)
        return {"type": "array", "prefixItems": [_node(i) for i in node.items], "minItems": n, "maxItems": n}
    if isinstance(node, Map):
        return {"type": "object", "additionalProperties": _node(node.value)}
    if isinstance(node, Record):
        return {"$ref": f"#/$defs/{node.cls.__name__}"}
    if isinstance(node, Ref):
        return {"type": "string", "description": f"A key of {node.table} (a {node.record.cls.__name__})."}
    return {"anyOf": [_node(o) for o in node.options]}

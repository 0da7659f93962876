"""JSON Schema of cluster.yaml, for editors (yaml-language-server) and CI."""

from __future__ import annotations

from typing import Any

from aiinfra.spec.model import ClusterSpec


def json_schema() -> dict[str, Any]:
    schema = ClusterSpec.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "aiinfra cluster.yaml"
    return schema

"""Built-in YAML data files (the catalog, the OS drivers' capability tables) read like a spec.

They go through the same bounded, positioned loader as ``cluster.yaml``, so a typo in a
data file is reported as ``file:line:col field: message`` rather than a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from aiinfra.errors import Diagnostic, SpecError
from aiinfra.spec.errors import translate_validation_error
from aiinfra.spec.loader import SourceMap, load_yaml

M = TypeVar("M", bound=BaseModel)


def validate_data(model: type[M], data: Any, source: SourceMap) -> M:
    """Validate data like a spec: every problem as ``file:line:col field: message``."""
    if not isinstance(data, dict):
        raise SpecError([source.diagnostic((), "the top level must be a mapping")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SpecError([source.diagnostic(p, m) for p, m in translate_validation_error(exc, root=model)]) from None


def load_data_file(file: Path) -> tuple[dict[str, Any], SourceMap]:
    """One data file through the spec's bounded, positioned loader.

    Keys starting with ``_`` hold YAML anchors shared by entries and are dropped.
    """
    data, source = load_yaml(file, display_name=str(file))
    if not isinstance(data, dict):
        raise SpecError([Diagnostic("the top level must be a mapping", file=str(file), line=1, column=1)])
    return {k: v for k, v in data.items() if not str(k).startswith("_")}, source

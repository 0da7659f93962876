"""Turn pydantic's validation errors into ``(path, message)`` pairs users can act on.

Pydantic puts discriminator tags and validator names into ``loc``; users never
wrote those, so we walk the model alongside the location and drop them. For an
unknown key we list the keys that are valid at that place.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from aiinfra.errors import Path


def _unwrap(tp: Any) -> list[Any]:
    """Concrete candidate types behind Optional/Union/Annotated."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(tp):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [tp]


def _models(tp: Any) -> list[type[BaseModel]]:
    return [t for t in _unwrap(tp) if isinstance(t, type) and issubclass(t, BaseModel)]


def _walk(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Path, list[type[BaseModel]]]:
    """Clean the location and find the model(s) that own its last element's parent."""
    clean: list[str | int] = []
    current: list[Any] = [root]
    i = 0
    while i < len(loc):
        part = loc[i]
        models = [m for t in current for m in _models(t)]
        if len(models) > 1 and isinstance(part, str):
            # discriminated union: pydantic inserts the tag; skip it if it names no field
            tagged = [m for m in models if part not in m.model_fields]
            if len(tagged) == len(models):
                i += 1
                continue
        if isinstance(part, str) and "[" in part and part.endswith("]"):
            i += 1  # validator/function labels such as 'function-after[...]'
            continue
        clean.append(part)
        nxt: list[Any] = []
        for t in current:
            for cand in _unwrap(t):
                if isinstance(cand, type) and issubclass(cand, BaseModel):
                    field = cand.model_fields.get(str(part))
                    if field is not None:
                        nxt.append(field.annotation)
                else:
                    origin = typing.get_origin(cand)
                    args = typing.get_args(cand)
                    if origin in (list, tuple, set) and args:
                        nxt.append(args[0])
                    elif origin is dict and len(args) == 2:
                        nxt.append(args[1])
        current = nxt
        i += 1
    parents = [m for t in current for m in _models(t)]
    return tuple(clean), parents


def _parent_models(root: type[BaseModel], path: Path) -> list[type[BaseModel]]:
    _, models = _walk(root, tuple(path[:-1]))
    return models


def translate_validation_error(exc: ValidationError, root: type[BaseModel] | None = None) -> list[tuple[Path, str]]:
    from aiinfra.spec.model import ClusterSpec

    root = root or ClusterSpec
    out: list[tuple[Path, str]] = []
    seen: set[tuple[Path, str]] = set()
    for err in exc.errors(include_url=False):
        path, _ = _walk(root, tuple(err["loc"]))
        kind = err["type"]
        if kind == "extra_forbidden":
            parents = _parent_models(root, path)
            valid = sorted({k for m in parents for k in m.model_fields})
            message = f"unknown key {path[-1]!r}" + (f"; valid keys here: {', '.join(valid)}" if valid else "")
        elif kind == "missing":
            message = f"required key {path[-1]!r} is missing" if path else "required key is missing"
        elif kind == "union_tag_invalid":
            ctx = err.get("ctx", {})
            field = str(ctx.get("discriminator", "type")).strip("'")
            message = f"unknown {field} {ctx.get('tag')!r}; valid: {ctx.get('expected_tags')}"
        elif kind == "union_tag_not_found":
            message = f"missing {err.get('ctx', {}).get('discriminator', 'type')!s}"
        else:
            message = err["msg"]
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            if message.startswith("Assertion failed, "):
                message = message[len("Assertion failed, ") :]
            if kind not in ("value_error", "assertion_error") and "input" in err:
                shown = err["input"]
                if isinstance(shown, str | int | float | bool):
                    message += f" (got {shown!r})"
        key = (path, message)
        if key in seen:
            continue
        seen.add(key)
        out.append(key)
    return out

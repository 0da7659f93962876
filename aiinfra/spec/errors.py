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
from pydantic_core import InitErrorDetails, PydanticCustomError

from aiinfra.errors import Path

FieldProblem = tuple[Path, str, Any]
"""``(location inside the model, message, offending value)``."""


def raise_field_problems(model: type[BaseModel], problems: list[FieldProblem]) -> None:
    """Report cross-field problems at the field to change, not at the model.

    A ``ValueError`` from a model validator is located at the model itself
    (``fabrics.backend.roce``); raising a ``ValidationError`` whose errors carry
    their own locations lets pydantic prefix them with the model's path, so the
    user is pointed at ``fabrics.backend.roce.cnp_priority``. Does nothing when
    ``problems`` is empty.
    """
    if not problems:
        return
    details = [
        InitErrorDetails(
            type=PydanticCustomError("value_error", "{message}", {"message": message}),
            loc=tuple(loc),
            input=value,
        )
        for loc, message, value in problems
    ]
    raise ValidationError.from_exception_data(model.__name__, details)


def _tagged(models: list[type[BaseModel]], tag: str) -> list[type[BaseModel]]:
    """The union members a pydantic location label names: a discriminator value
    (``'baremetal'``) or, for a smart union, the member's class name."""
    named = []
    for m in models:
        if m.__name__ == tag or tag.endswith(f", {m.__name__}]"):
            named.append(m)
            continue
        for f in m.model_fields.values():
            if typing.get_origin(f.annotation) is typing.Literal and tag in typing.get_args(f.annotation):
                named.append(m)
                break
    return named


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
        if len(models) > 1 and isinstance(part, str) and all(part not in m.model_fields for m in models):
            # a union: pydantic inserts the member's tag, which names no field. Skip it, and
            # follow only the member it names, so hints list that member's keys alone.
            current = _tagged(models, part) or current
            i += 1
            continue
        if isinstance(part, str) and "[" in part and part.endswith("]"):
            # validator/function labels such as 'function-after[_ordered(), EcnThresholds]'
            current = _tagged(models, part) or current
            i += 1
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


def _other_branch(path: Path, err: Any, errors: list[tuple[Path, Any]]) -> bool:
    """Whether ``err`` is a union member's type mismatch for a mapping or list that
    another member accepted far enough to report problems inside it.

    ``ecn: {min_kbytes: 1, foo: 2}`` fails both ``'auto'`` and the thresholds model;
    "Input should be 'auto'" beside "unknown key 'foo'" only tells the user to
    abandon what they meant, so the mismatch is dropped.
    """
    if not isinstance(err.get("input"), dict | list) or err["type"] in ("value_error", "missing"):
        return False
    return any(len(other) > len(path) and other[: len(path)] == path for other, _ in errors)


def translate_validation_error(exc: ValidationError, root: type[BaseModel] | None = None) -> list[tuple[Path, str]]:
    from aiinfra.spec.model import ClusterSpec

    root = root or ClusterSpec
    out: list[tuple[Path, str]] = []
    seen: set[tuple[Path, str]] = set()
    errors = [(_walk(root, tuple(err["loc"]))[0], err) for err in exc.errors(include_url=False)]
    for path, err in errors:
        kind = err["type"]
        if _other_branch(path, err, errors):
            continue
        if kind == "extra_forbidden":
            # walk the raw location: its union tags say which member the key was checked against
            parents = _walk(root, tuple(err["loc"][:-1]))[1]
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

"""Cumulus Linux 5.14 NVUE startup files checked against NVIDIA's own object model, strictly.

The ``nvueschema`` package carries pydantic models generated from NVUE's OpenAPI spec
(``nvueschema.models.v5_14``). As shipped they are lenient: unknown keys are silently
ignored, ``"5"`` passes for an integer and every field accepts null. NVUE itself
refuses all three (``nv config replace`` fails on an unknown key or a wrong type), so
this module walks the model classes itself, without touching the installed package:

- every key of a mapping must be a field (by its NVUE name, the alias) of its model;
- a value must have the JSON type the field declares (no str -> int coercion, no bool
  for an int or for ``on``/``off``), enums must list the value, and constraints
  (ranges, patterns, lengths) are checked by pydantic on that scalar alone;
- null is never a value: a startup file that means "none" omits the key. (The
  generated ``Optional`` marks "may be absent", not "may be null".)

The file is read the way NVUE reads it, as YAML 1.2 core: ``on`` is the string ``on``
(NVUE's 5.14 enum), not YAML 1.1's boolean. The Go-backed ``nvueschema.Validator`` is
not used: it downloads the OpenAPI spec at run time.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, time
from functools import cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import Any

import pydantic
import yaml
from nvueschema.models import v5_14

ROOT = v5_14.NvueConfig
HEADER = v5_14.NvueConfigHeader
NVUE_FILE = re.compile(r"^configs/[^/]+\.yaml$")  # capabilities.yaml: Cumulus is the only OS whose config file is .yaml
# Scalars whose JSON form is a string that pydantic turns into an object (lax mode only).
STRING_TYPES = (IPv4Address, IPv6Address, IPv4Network, IPv6Network, pydantic.AnyUrl, date, datetime, time)


BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present


class Yaml12Loader(BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader with YAML 1.2 core booleans: only true/false, so ``on`` stays a string."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in BaseLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load(text: str) -> Any:
    return yaml.load(text, Loader=Yaml12Loader)  # a SafeLoader subclass


@cache
def _fields(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    """NVUE key (the alias where there is one) -> the field's annotation."""
    return {(f.alias or name): f.annotation for name, f in model.model_fields.items()}


@cache
def _adapter(annotation: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(annotation)


def _strip(annotation: Any) -> Any:
    """The Annotated base type (constraints are checked by pydantic on the whole annotation)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _scalar(annotation: Any, value: Any) -> str | None:
    base = _strip(annotation)
    if base is Any:
        return None
    if base is pydantic.SecretStr:
        base = str
    if isinstance(base, type) and issubclass(base, STRING_TYPES):
        if not isinstance(value, str):
            return f"expected a string ({base.__name__}), got {type(value).__name__} {value!r}"
        strict = False
    else:
        strict = True
        if base is int and (isinstance(value, bool) or not isinstance(value, int)):
            return f"expected an integer, got {type(value).__name__} {value!r}"
        if base is float and (isinstance(value, bool) or not isinstance(value, int | float)):
            return f"expected a number, got {type(value).__name__} {value!r}"
        if base is float:
            value = float(value)
    try:
        _adapter(annotation).validate_python(value, strict=strict)
    except pydantic.ValidationError as exc:
        return "; ".join(e["msg"] for e in exc.errors())
    return None


def check(annotation: Any, value: Any, path: str, out: list[str]) -> None:
    """Append ``path: message`` for everything in ``value`` the annotation does not allow."""
    origin = typing.get_origin(annotation)
    if value is None:
        out.append(f"{path}: null is not a value in NVUE (omit the key instead)")
        return
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(arms) == 1:
            check(arms[0], value, path, out)
            return
        tries: list[list[str]] = []
        for arm in arms:
            found: list[str] = []
            check(arm, value, path, found)
            if not found:
                return
            tries.append(found)
        out.append(f"{path}: {value!r} matches none of the allowed forms: " + " | ".join(t[0] for t in tries))
        return
    if origin is typing.Literal:
        allowed = typing.get_args(annotation)
        if not any(type(value) is type(a) and value == a for a in allowed):
            shown = ", ".join(repr(a) for a in allowed[:12]) + (", ..." if len(allowed) > 12 else "")
            out.append(f"{path}: {value!r} is not one of {shown}")
        return
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        _model(annotation, value, path, out)
        return
    if origin in (dict, Mapping):
        _, item = typing.get_args(annotation) or (str, Any)
        if not isinstance(value, dict):
            out.append(f"{path}: expected a map, got {type(value).__name__} {value!r}")
            return
        for key, v in value.items():
            if not isinstance(key, str):
                out.append(f"{path}: key {key!r} must be a string")
            check(item, v, f"{path}.{key}", out)
        return
    if origin is list:
        (item,) = typing.get_args(annotation) or (Any,)
        if not isinstance(value, list):
            out.append(f"{path}: expected a list, got {type(value).__name__} {value!r}")
            return
        for n, v in enumerate(value):
            check(item, v, f"{path}[{n}]", out)
        return
    if annotation is Any:
        return
    problem = _scalar(annotation, value)
    if problem:
        out.append(f"{path}: {problem}")


def _model(model: type[pydantic.BaseModel], value: Any, path: str, out: list[str]) -> None:
    if not isinstance(value, dict):
        out.append(f"{path}: expected a map ({model.__name__}), got {type(value).__name__} {value!r}")
        return
    fields = _fields(model)
    for key, v in value.items():
        if key not in fields:
            near = ", ".join(sorted(fields)[:40])
            out.append(f"{path}.{key}: unknown key (NVUE 5.14 allows here: {near})")
            continue
        check(fields[key], v, f"{path}.{key}", out)


def document_problems(doc: Any) -> list[str]:
    """Problems of one parsed startup file: a list of ``- set:`` (and ``- header:``) items."""
    if not isinstance(doc, list) or not doc:
        return ["an NVUE startup file is a non-empty YAML list of '- set:' / '- header:' items"]
    out: list[str] = []
    for n, item in enumerate(doc):
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in ("set", "header"):
            out.append(f"[{n}]: each item is a map with the single key 'set' or 'header'")
            continue
        ((key, body),) = item.items()
        check(ROOT if key == "set" else HEADER, body, f"[{n}].{key}", out)
    return out


def text_problems(text: str) -> list[str]:
    try:
        doc = load(text)
    except yaml.YAMLError as exc:
        return [f"not YAML: {exc}"]
    return document_problems(doc)


def problems(files: Mapping[str, bytes]) -> list[str]:
    """Every NVUE startup file (``configs/*.yaml``) against the strict 5.14 model."""
    out: list[str] = []
    for path in sorted(p for p in files if NVUE_FILE.match(p)):
        data = files[path]
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        out += [f"{path}: {m}" for m in text_problems(text)]
    return out

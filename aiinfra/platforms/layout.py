"""YAML layouts: the text ``dump()`` writes for one shape of document, made once, filled per node.

Every node's netplan has the same few shapes (so many rails, so many uplinks per fabric);
writing each with the generic emitter walks about a hundred containers per node, 16,384
times at 131k GPUs. A :class:`Layout` is the emitter's own output for the document the
*same builder* makes from placeholder inputs, each placeholder turned into a ``str.format``
field; filling it formats only the scalars, each exactly as ``dump()`` writes it. So the
builder stays the one description of the document, and the bytes are ``dump()``'s.

The builder must be data assembly only: it may read attributes of its inputs and place them
in the document, never branch on or compute with a value (a placeholder is a string, not
the value). :func:`layout` refuses a builder that reads an attribute without placing it, or
one whose placeholder the emitter did not write plain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiinfra.render.yamlout import dump

_TAG = "aiinfra.slot."  # written plain by dump() (a letter first, then letters, digits and dots)
_FIELD = re.compile(re.escape(_TAG) + r"(\d+)\.")


class Slots:
    """Hands out placeholders while a layout is made and records what each stands for."""

    def __init__(self) -> None:
        self.reads: list[tuple[str, str | None]] = []  # (input key, attribute or None for the input itself)

    def _placeholder(self, key: str, attribute: str | None) -> str:
        self.reads.append((key, attribute))
        return f"{_TAG}{len(self.reads) - 1}."

    def value(self, key: str) -> str:
        """A placeholder for the input ``key`` itself (a string or a number); the builder may leave it out."""
        return self._placeholder(key, None)

    def obj(self, key: str, **children: object) -> Any:
        """A stand-in for the input object ``key``: each attribute read is a placeholder for that
        attribute, except ``children``, which are returned as given (nested stand-ins)."""
        return _Stand(self, key, children)


class _Stand:
    def __init__(self, slots: Slots, key: str, children: dict[str, object]) -> None:
        self._slots, self._key, self._children = slots, key, children

    def __getattr__(self, name: str) -> object:
        if name in self._children:
            return self._children[name]
        return self._slots._placeholder(self._key, name)


def scalars(values: list[Any]) -> list[str]:
    """Each value as ``dump()`` writes it after a key or a dash: an int as its digits, anything
    else through one ``dump()`` of the list of them, one ``- value`` line per item (the emitter
    writes a scalar the same after a key and after a dash)."""
    rest = [v for v in values if type(v) is not int]
    lines = dump(rest).split("\n") if rest else [""]
    if len(lines) != len(rest) + 1:
        raise TypeError("a layout slot holds a scalar, not a container")
    texts = iter(lines)
    return [str(v) if type(v) is int else next(texts)[2:] for v in values]


@dataclass(frozen=True)
class Layout:
    text: str  # a str.format template: field i is reads[i]
    reads: tuple[tuple[str, str | None], ...]

    def fill(self, inputs: Mapping[str, Any]) -> str:
        """The document's YAML for these inputs (the keys the builder's stand-ins had)."""
        return self.text.format(
            *scalars([inputs[key] if attr is None else getattr(inputs[key], attr) for key, attr in self.reads])
        )


def layout(build: Callable[[Slots], Any]) -> Layout:
    """The layout of ``build(slots)``'s document: ``dump()`` of it, its placeholders made fields."""
    slots = Slots()
    text = dump(build(slots))
    if f'"{_TAG}' in text:
        raise ValueError("the YAML emitter quoted a placeholder; a layout needs them plain")
    unplaced = set(range(len(slots.reads))) - {int(i) for i in _FIELD.findall(text)}
    if any(slots.reads[i][1] is not None for i in unplaced):
        raise ValueError("the builder read an attribute it did not place in the document")
    template = _FIELD.sub(r"{\1}", text.replace("{", "{{").replace("}", "}}"))
    return Layout(template, tuple(slots.reads))


__all__ = ["Layout", "Slots", "layout", "scalars"]

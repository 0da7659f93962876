"""YAML layouts: the text ``dump()`` writes for one shape of document, made once, filled per node.

Every node's netplan has the same few shapes (so many rails, so many uplinks per fabric);
writing each with the generic emitter walks about a hundred containers per node, 16,384
times at 131k GPUs. A :class:`Layout` is the emitter's own output for the document the
*same builder* makes from placeholder inputs, each placeholder turned into a ``str.format``
field; filling it formats only the scalars, each exactly as ``dump()`` writes it. So the
builder stays the one description of the document, and the bytes are ``dump()``'s. The
inventory's node host_vars use it too, made with ``dump()``'s ``!unsafe`` tag: every slot
is then a tagged value, filled as that dump writes it.

The builder must be data assembly only: it may read attributes of its inputs and place them
in the document, never branch on or compute with a value (a placeholder is a string, not
the value). :func:`layout` refuses a builder that reads an attribute without placing it, or
one whose placeholder the emitter did not write plain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any

from aiinfra.render.yamlout import dump, scalars

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


Plan = tuple[tuple[str, Callable[[Any], Any] | None, bool], ...]


@dataclass(frozen=True)
class Layout:
    """A document's ``dump()`` text cut at its slots: ``parts`` is the text between them (even
    places) and, at each odd place, the number i of the slot there, whose value is ``reads[i]``.

    ``tag`` and ``untagged`` are the ``dump()`` arguments it was made with (the inventory's
    ``!unsafe``): a slot is filled as that dump writes the value. ``plan`` is ``reads`` in runs
    of one input, the attributes of each run read by one ``attrgetter``. Filling joins the
    parts with the slots' texts put in place (``str.format`` parsed the template again on
    every call: twice the time).
    """

    parts: tuple[str, ...]
    reads: tuple[tuple[str, str | None], ...]
    tag: str | None
    untagged: tuple[type, ...]
    plan: Plan
    pick: Callable[[list[str]], Sequence[str]]  # the slot texts in the order of parts' odd places

    def fill(self, inputs: Mapping[str, Any]) -> str:
        """The document's YAML for these inputs (the keys the builder's stand-ins had)."""
        values: list[Any] = []
        for key, get, many in self.plan:
            item = inputs[key]
            if get is None:
                values.append(item)
            elif many:
                values.extend(get(item))
            else:
                values.append(get(item))
        parts = list(self.parts)
        parts[1::2] = self.pick(scalars(values, self.tag, self.untagged))
        return "".join(parts)


def _plan(reads: tuple[tuple[str, str | None], ...]) -> Plan:
    """``reads`` in runs of consecutive attributes of one input, in order (so slot i stays reads[i])."""
    plan: list[tuple[str, Callable[[Any], Any] | None, bool]] = []
    for (key, whole), run in groupby(reads, key=lambda read: (read[0], read[1] is None)):
        names = [str(attribute) for _, attribute in run]
        if whole:  # the input itself, once per read
            plan += [(key, None, False)] * len(names)
        else:
            plan.append((key, attrgetter(*names), len(names) > 1))
    return tuple(plan)


def _picker(slots: list[int]) -> Callable[[list[str]], Sequence[str]]:
    """``texts[i]`` for each i of ``slots``, as one C call (``itemgetter`` of one index returns the item alone)."""
    if len(slots) == 1:
        (only,) = slots
        return lambda texts: (texts[only],)
    if not slots:
        return lambda texts: ()
    return itemgetter(*slots)


def layout(build: Callable[[Slots], Any], *, tag: str | None = None, untagged: tuple[type, ...] = ()) -> Layout:
    """The layout of ``build(slots)``'s document: ``dump()`` of it, cut at its placeholders.

    With a ``tag``, each placeholder is a tagged string (``!unsafe "aiinfra.slot.3."``) and the
    whole of it is the slot; a placeholder written any other way (a key, or a value
    of ``untagged``) is refused, since its slot would be filled as a tagged value.
    """
    slots = Slots()
    text = dump(build(slots), tag=tag, untagged=untagged)
    if tag is not None:
        tagged = re.compile(re.escape(f'{tag} "{_TAG}') + r'(\d+)\."')
        if len(tagged.findall(text)) != text.count(_TAG):
            raise ValueError("a tagged layout places its inputs as tagged values only")
        text = tagged.sub(rf"{_TAG}\1.", text)
    elif f'"{_TAG}' in text:
        raise ValueError("the YAML emitter quoted a placeholder; a layout needs them plain")
    parts = _FIELD.split(text)  # text, slot number, text, ..., text
    placed = [int(i) for i in parts[1::2]]
    if any(slots.reads[i][1] is not None for i in set(range(len(slots.reads))) - set(placed)):
        raise ValueError("the builder read an attribute it did not place in the document")
    reads = tuple(slots.reads)
    return Layout(tuple(parts), reads, tag, untagged, _plan(reads), _picker(placed))


__all__ = ["Layout", "Slots", "layout", "scalars"]

"""Fast constructors for the frozen dataclasses a design builds by the hundred thousand.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (its own
``__setattr__`` refuses), several times slower than a plain attribute store: at 131,072
GPUs the build makes half a million cables (:class:`~aiinfra.design.model.Link`) and
131k rail NIC intents, and their ``__init__`` alone cost about a second.

:func:`builder` returns a constructor taking every field positionally, in declaration
order, that fills a twin class with the same slots by plain stores and then gives the
object its real class (``__class__`` assignment, allowed between classes of one layout).
The result is an ordinary instance of the frozen class: same type, same equality and
hash, still frozen. Only the build uses it; anything else constructs the classes as usual.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def builder(cls: type[T]) -> Callable[..., T]:
    """A positional constructor for the frozen, slotted dataclass ``cls`` (every field, in order)."""
    params = dataclasses.fields(cls)  # type: ignore[arg-type]
    names = [f.name for f in params]
    slots = tuple(getattr(cls, "__slots__", ()))
    if not dataclasses.is_dataclass(cls) or slots != tuple(names) or not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__name__}: builder() is for frozen slotted dataclasses without init-less fields")
    if any(not f.init for f in params) or "__post_init__" in vars(cls):
        raise TypeError(f"{cls.__name__}: builder() cannot run __post_init__ or skip a field")
    body = "".join(f"    self.{n} = {n}\n" for n in names)
    namespace: dict[str, Any] = {"_cls": cls}
    # the names are the dataclass fields; the last store gives the object its real class
    exec(f"def __init__(self, {', '.join(names)}):\n{body}    self.__class__ = _cls\n", namespace)
    twin = type(f"_{cls.__name__}Builder", (), {"__slots__": slots, "__init__": namespace["__init__"]})
    twin.__doc__ = f"{cls.__name__}({', '.join(names)}), positionally."
    return twin  # calling it makes an instance of cls: its __init__ ends by reassigning __class__

"""Let the ``aiinfra.design`` and ``aiinfra.render`` packages be called as the public API's functions.

``aiinfra.design(spec)`` and ``aiinfra.render(design)`` are the public API (aiinfra/api.py), but
``aiinfra.design`` and ``aiinfra.render`` are also the stages' packages, and Python binds a package's
attribute to its submodule whenever the submodule is first imported, so a plain function of the same
name in ``aiinfra/__init__.py`` would be replaced by the module at the first ``import aiinfra.design.x``.
The package module itself is made callable instead, forwarding to the API function: both spellings
then mean what they say, whatever was imported first.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


def callable_stage(module_name: str, function: str) -> None:
    """Make the module ``module_name`` callable as ``aiinfra.api.<function>``."""

    class Stage(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return getattr(importlib.import_module("aiinfra.api"), function)(*args, **kwargs)

    Stage.__name__ = Stage.__qualname__ = f"{function}_stage"
    sys.modules[module_name].__class__ = Stage

"""aiinfra: one cluster.yaml in, a deployable on-prem AI cluster out.

The pipeline is one-way: ``spec`` (validated input) -> ``design`` (vendor-neutral
decisions) -> ``render`` (text artefacts). Each stage lives in its own sub-package.

The public API is the three stages as functions (docs/ecosystem.md)::

    import aiinfra
    loaded = aiinfra.load("cluster.yaml")        # SpecError with positioned diagnostics if invalid
    design = aiinfra.design(loaded)              # aiinfra.design.model.Design
    files = aiinfra.render(design)               # {"configs/lab-be-spine-01.cfg": b"...", ...}

They are imported on first use, so ``import aiinfra`` stays as cheap as the command line needs.
``aiinfra.design`` and ``aiinfra.render`` are also the stages' packages, made callable as these
functions (aiinfra/stage.py explains why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["SpecError", "__version__", "design", "load", "render"]

if TYPE_CHECKING:
    from aiinfra.api import design, load, render
    from aiinfra.errors import SpecError


def __getattr__(name: str) -> Any:
    if name == "load":
        from aiinfra.api import load

        return load
    if name in {"design", "render"}:  # the packages, callable as the API functions
        import importlib

        return importlib.import_module(f"aiinfra.{name}")
    if name == "SpecError":
        from aiinfra.errors import SpecError

        return SpecError
    raise AttributeError(f"module 'aiinfra' has no attribute {name!r}")

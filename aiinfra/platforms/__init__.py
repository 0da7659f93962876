"""The platform driver registry: one folder per ``platform.type`` under ``aiinfra/platforms/``.

Each folder holds the platform's renderer, its templates and its validation, like
the OS drivers under :mod:`aiinfra.nos`, with ``DRIVER = PlatformDriver(...)`` in its
``__init__.py`` (:mod:`aiinfra.platforms.base`). The shared Linux host artefacts
(netplan, the RoCE QoS scripts, sysctls, NCCL) are :mod:`aiinfra.platforms.host`,
whose templates live with the baremetal driver; OpenShift and Nutanix reuse them.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiinfra.platforms.base import PlatformDriver

FOLDER = Path(__file__).resolve().parent


@cache
def names() -> tuple[str, ...]:
    """Every platform type: the folders here that are packages."""
    return tuple(sorted(p.name for p in FOLDER.iterdir() if (p / "__init__.py").is_file()))


@cache
def driver(name: str) -> PlatformDriver:
    if name not in names():
        raise KeyError(f"no platform driver {name!r}; there are {', '.join(names())}")
    found: PlatformDriver = importlib.import_module(f"aiinfra.platforms.{name}").DRIVER
    return found


__all__ = ["FOLDER", "driver", "names"]

"""Switch configuration renderers, one small module per OS.

Each module ``aiinfra.render.switches.<os>`` exposes
``render(device, design, catalog) -> dict[str, str]`` mapping output paths
(``configs/<file>``) to text. Adding an OS means one module here, one template
folder ``templates/<os>/`` and one row in ``catalog/data/os.yaml``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

from aiinfra.catalog import Catalog
from aiinfra.design.model import Design, Device

Renderer = Callable[[Device, Design, Catalog], dict[str, str]]


@cache
def renderer_for(os: str) -> Renderer:
    module = importlib.import_module(f"aiinfra.render.switches.{os}")
    return module.render  # type: ignore[no-any-return]

"""Network OS drivers, one folder per OS, and the registry that finds them.

``aiinfra/nos/<name>/`` holds everything one OS needs, so adding an OS is one new folder:

* ``capabilities.yaml``: what the release aiinfra targets can do (:mod:`aiinfra.nos.capabilities`);
  validate refuses, positioned on the spec, whatever the row says the OS cannot state;
* ``__init__.py``: ``DRIVER``, an :class:`aiinfra.nos.base.Driver` naming the renderer,
  any OS-specific validation beyond the row, and a template parent;
* ``units.py`` (where needed): the Design's SI numbers in the OS's own units;
* ``templates/``: Jinja2 for CLI-text OSes (structured outputs are built as data);
* ``tasks/``: ``deploy.yml``, ``confirm.yml`` and ``bgp-state.yml`` for the rollout playbook;
* ``parser.py``: the parse-back the tests read rendered files with.

A folder with ``capabilities.yaml`` is a switch OS a spec may choose; one without (``frr``)
is a deploy target only (the emulated lab's FRR boxes). The spec's OS choices, the
playbooks' deploy-mechanism table and the tests' OS tables all come from here, so they
cannot drift apart.

Only names are read at import: the spec model needs the OS list, and importing a driver
(renderer, templates) costs more than a validate needs.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiinfra.nos.base import Driver
    from aiinfra.nos.capabilities import OsProfile

FOLDER = Path(__file__).resolve().parent
CAPABILITIES = "capabilities.yaml"


@cache
def driver_names() -> tuple[str, ...]:
    """Every driver folder, switch OS or deploy target, in name order."""
    return tuple(sorted(p.name for p in FOLDER.iterdir() if (p / "__init__.py").is_file()))


@cache
def names() -> tuple[str, ...]:
    """The switch OSes a spec may choose: the driver folders with a capability table."""
    return tuple(n for n in driver_names() if (FOLDER / n / CAPABILITIES).is_file())


@cache
def driver(name: str) -> Driver:
    """The driver of one OS; KeyError for a name no folder holds."""
    if name not in driver_names():
        raise KeyError(name)
    module = importlib.import_module(f"aiinfra.nos.{name}")
    found: Driver = module.DRIVER
    return found


@cache
def profiles() -> dict[str, OsProfile]:
    """Every switch OS's capability table, validated with positioned errors."""
    from aiinfra.nos.capabilities import OsProfile
    from aiinfra.spec.datafile import load_data_file, validate_data

    out: dict[str, OsProfile] = {}
    for name in names():
        data, source = load_data_file(FOLDER / name / CAPABILITIES)
        out[name] = validate_data(OsProfile, data, source)
    return out


def profile(name: str) -> OsProfile:
    """One switch OS's capability table; KeyError for a deploy-only driver such as ``frr``."""
    return profiles()[name]

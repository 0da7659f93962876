"""Wheel build hook: ship the Ansible collection tarball ``aiinfra/_collection/aiinfra-fabric-<v>.tar.gz``.

It is built by aiinfra's own builder (:mod:`aiinfra.collection.build`, standard library only), loaded from
its file so that the build needs neither Ansible nor aiinfra's dependencies.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("_aiinfra_collection_build", ROOT / "aiinfra/collection/build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


class CollectionBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        build = _builder()
        self._tmp = tempfile.mkdtemp(prefix="aiinfra-collection-")
        package = ROOT / "aiinfra"
        tarball = build.build_tarball(Path(self._tmp), build.Sources.find(package), build.version(package))
        build_data["force_include"][str(tarball)] = f"aiinfra/_collection/{tarball.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if getattr(self, "_tmp", None):
            shutil.rmtree(self._tmp, ignore_errors=True)

"""Linux on the metal: per-node files laid out like ``/`` for the ``aiinfra_node`` role."""

from aiinfra.platforms.baremetal.render import render, shared_files
from aiinfra.platforms.base import PlatformDriver

# Every node file depends on one node only, so the render pipeline may split nodes across
# workers; the QoS scripts and unit every node shares are rendered once (``shared``).
DRIVER = PlatformDriver(name="baremetal", render=render, per_node=True, shared=shared_files)

"""Linux on the metal: per-node files laid out like ``/`` for the ``aiinfra_node`` role."""

from aiinfra.platforms.baremetal.render import render
from aiinfra.platforms.base import PlatformDriver

# Every file depends on one node only, so the render pipeline may split nodes across workers.
DRIVER = PlatformDriver(name="baremetal", render=render, per_node=True)

"""The sonic driver (capabilities.yaml beside this file)."""

from aiinfra.nos.base import Driver
from aiinfra.render.switches.sonic import render

DRIVER = Driver(name="sonic", render=render, gate="frr")

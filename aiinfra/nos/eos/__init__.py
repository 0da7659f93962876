"""The eos driver (capabilities.yaml beside this file)."""

from aiinfra.nos.base import Driver
from aiinfra.render.switches.eos import render

DRIVER = Driver(name="eos", render=render)

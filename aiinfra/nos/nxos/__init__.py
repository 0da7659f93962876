"""The nxos driver (capabilities.yaml beside this file)."""

from aiinfra.nos.base import Driver
from aiinfra.render.switches.nxos import render

DRIVER = Driver(name="nxos", render=render)

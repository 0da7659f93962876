"""The junos driver (capabilities.yaml beside this file)."""

from aiinfra.nos.base import Driver
from aiinfra.render.switches.junos import render

DRIVER = Driver(name="junos", render=render)

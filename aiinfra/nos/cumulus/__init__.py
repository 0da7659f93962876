"""The cumulus driver (capabilities.yaml beside this file)."""

from aiinfra.nos.base import Driver
from aiinfra.render.switches.cumulus import render

DRIVER = Driver(name="cumulus", render=render, gate="frr")

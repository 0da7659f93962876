"""The Cisco NX-OS driver: capabilities.yaml, render.py (+ units.py, templates/), tasks/, parser.py (tests only).

NX-OS needs no validation beyond its capability row, so ``check`` is unset.
"""

from aiinfra.nos.base import Driver
from aiinfra.nos.nxos import render

DRIVER = Driver(name="nxos", render=render.render)

"""The Arista EOS driver: capabilities.yaml, render.py (+ units.py, templates/), tasks/, parser.py (tests only).

EOS needs no validation beyond its capability row, so ``check`` is unset.
"""

from aiinfra.nos.base import Driver
from aiinfra.nos.eos import render

DRIVER = Driver(name="eos", render=render.render)

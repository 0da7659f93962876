"""The junos driver: Juniper Junos OS Evolved 23.4 (capabilities.yaml beside this file).

``render`` builds the template context (render.py, units.py) and renders
``templates/config.conf.j2``; ``parser.py`` is the tests' parse-back. Everything Junos
cannot state is refused from the capability row at validate, so there is no ``check``.
"""

from aiinfra.nos.base import Driver
from aiinfra.nos.junos import render

DRIVER = Driver(name="junos", render=render.render)

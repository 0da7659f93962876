"""The cumulus driver: NVIDIA Cumulus Linux 5.14 through NVUE (capabilities.yaml beside this file).

``render`` builds the NVUE object tree as data (render.py: system and services;
fabric.py: ports, ACL, bridge, QoS, routing; units.py: NVUE's units) and dumps it as
one startup.yaml; no text templates. ``parser.py`` is the tests' parse-back. The
session gate reads FRR, which NVUE runs underneath (tasks/bgp-state.yml imports the frr
driver's; tasks/verify.yml adds NVUE's own JSON to FRR's). Everything NVUE
cannot state is refused from the capability row at validate, so there is no ``check``.
"""

from aiinfra.nos.base import Driver
from aiinfra.nos.cumulus import render

DRIVER = Driver(name="cumulus", render=render.render)

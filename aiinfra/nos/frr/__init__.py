"""The frr driver: FRR on plain Linux, a deploy target rather than a switch OS.

No ``capabilities.yaml``, so no spec may choose it: the emulated lab deploys the routing
intent of its non-SONiC switches to FRR boxes with this driver's render and tasks, and
SONiC's ``frr.conf`` is rendered from the same ``templates/frr.conf.j2`` (SONiC's
template parent).
"""

from aiinfra.nos.base import Driver
from aiinfra.nos.frr import render

DRIVER = Driver(name="frr", render=render.render)

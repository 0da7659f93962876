"""The sonic driver (capabilities.yaml beside this file).

CONFIG_DB is built as data (render.py, qos.py, management.py, buffers.py); ``frr.conf``
comes from the frr driver's templates, SONiC's template parent, with SONiC's own header.
The session gate is FRR's (tasks/bgp-state.yml imports the frr driver's); tasks/verify.yml
adds SONiC's databases (CONFIG_DB, portstat, STATE_DB) to FRR's acceptance commands.
"""

from aiinfra.nos.base import Driver
from aiinfra.nos.sonic import render

DRIVER = Driver(name="sonic", render=render.render, parent="frr")

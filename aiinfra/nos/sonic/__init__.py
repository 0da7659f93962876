"""The sonic driver (capabilities.yaml beside this file).

CONFIG_DB is built as data (render.py, qos.py, management.py, buffers.py); ``frr.conf``
comes from the frr driver's templates, SONiC's template parent, with SONiC's own header.
"""

from aiinfra.nos.base import Driver
from aiinfra.nos.sonic import render

DRIVER = Driver(name="sonic", render=render.render, gate="frr", parent="frr")

"""The srlinux driver: Nokia SR Linux 25.3.1 JSON configs (capabilities.yaml beside this file)."""

from aiinfra.nos.base import Driver
from aiinfra.nos.srlinux.checks import check
from aiinfra.nos.srlinux.render import render

DRIVER = Driver(name="srlinux", render=render, check=check)

"""Nutanix AHV: vars and per-VM cloud-init for ``playbooks/nutanix.yml``."""

from aiinfra.platforms.base import PlatformDriver
from aiinfra.platforms.nutanix.checks import check
from aiinfra.platforms.nutanix.render import render

DRIVER = PlatformDriver(name="nutanix", render=render, check=check)

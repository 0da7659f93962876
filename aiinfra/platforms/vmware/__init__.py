"""vSphere: Ansible vars for ``playbooks/vmware.yml`` (ESXi hosts as GPU nodes)."""

from aiinfra.platforms.base import PlatformDriver
from aiinfra.platforms.vmware.checks import check
from aiinfra.platforms.vmware.render import render

DRIVER = PlatformDriver(name="vmware", render=render, check=check)

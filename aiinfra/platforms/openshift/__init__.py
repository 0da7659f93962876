"""OpenShift: agent-based installer inputs and day-2 manifests."""

from aiinfra.platforms.base import PlatformDriver
from aiinfra.platforms.openshift.checks import check
from aiinfra.platforms.openshift.render import render

DRIVER = PlatformDriver(name="openshift", render=render, check=check)

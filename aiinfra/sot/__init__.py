"""A source of truth for the designed cluster: Nautobot (``aiinfra sot export | facts``).

:mod:`aiinfra.sot.plan` turns a Design into the objects a DCIM/IPAM holds (pure, shared by any adapter);
:mod:`aiinfra.sot.nautobot` upserts them through pynautobot; :mod:`aiinfra.sot.facts` reads the site-owned
node facts (serials, MACs, disk hints) back into a facts file. docs/ecosystem.md maps the same objects to NetBox.
"""

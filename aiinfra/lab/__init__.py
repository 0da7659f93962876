"""``aiinfra lab``: a deployment rehearsal of a rendered fabric in network namespaces.

One namespace per switch and per node, one veth pair per cable, FRR per switch, an
sshd per switch on its management address, and the configs applied by the same
``playbooks/site.yml`` users run, from a controller namespace. Nothing is added to
the root namespace; every name carries the lab id so labs can coexist.
"""

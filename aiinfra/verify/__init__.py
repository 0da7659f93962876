"""Post-deploy acceptance of state: what every device should report, from the Design.

``catalog`` turns the Design into one test catalog per device (LLDP neighbours from the
cabling plan, BGP sessions with peer ASN and prefix range, port speed and MTU, PFC and
its watchdog, ECN on the RoCE queue, error counters and optics DOM). ``collect`` turns
each OS's own JSON show output into one neutral state, and ``evaluate`` compares that
state with the catalog, so the CLI, the playbook and the lab share one evaluation path.
"""

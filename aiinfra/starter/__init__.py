"""``aiinfra init``: a commented starter ``cluster.yaml`` that validates as written.

:mod:`choices` picks hardware and address pools from the catalog for the requested size;
:mod:`text` writes them out as YAML with a comment on every decision a site must review.
"""

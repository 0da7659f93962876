"""The cyclic garbage collector paused around work that allocates much and frees little.

Designing and rendering a big cluster makes millions of small objects (records, tuples,
strings, digests) and no cycles worth collecting. With the collector running, each full
collection walks every live object: at 131,072 GPUs the Design alone is about two
million, and one collection costs 1.5 to 1.8 s. It is not enough to move the Design to the
oldest generation after it is built (``gc.freeze`` then ``gc.unfreeze``, as
:func:`aiinfra.design.build.build_design` does): the collector's count of long-lived
objects is only updated by a full collection, so the first few hundred thousand objects
allocated after the build (reading the previous render's manifest and fingerprints)
trigger one. Every stage that holds a big Design and allocates therefore runs under
:func:`gc_paused`; refcounting still frees everything that is not part of a cycle.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cycle collector for the block; restore its earlier state afterwards (nests)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

"""Allocation bursts: pausing the cyclic garbage collector while many acyclic objects are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a burst of allocations that form no cycles.

    Building a snapshot (or a bill) creates hundreds of thousands of small objects; the cyclic
    collector would walk them, and a large catalog document, again and again. Reference counting
    frees them all the same. Whoever disabled the collector enables it again, so overlapping
    uses from several threads never leave it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

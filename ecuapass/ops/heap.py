"""The cyclic garbage collector in the long-running processes (gunicorn's workers, ``run_worker``).

Python's collector walks the objects of a generation whenever enough new ones were allocated,
and its oldest generation's walks cross everything the process loaded at start-up (modules,
models' meta, translations, templates…), which never becomes garbage. ``settle()``, called once
a process has loaded what it serves with, collects the start-up's own garbage and moves every
object left into the permanent generation (``gc.freeze()``): never walked again. Garbage made
while serving is collected as before, with Python's thresholds.

Measured in the bench's submissions run (issue 16; CPU inside the collector read with
``gc.callbacks``, 2,400 DAIs): the two ``run_worker`` processes spent 7.0 % and 8.9 % of their
CPU collecting, 5.7 % and 5.9 % with the start-up frozen; gunicorn's workers 4.4 % → 4.1 %
(what is left is the requests' own young objects: a higher first threshold, 10,000 instead of
700, made a sixth of the collections at the same total cost, so Python's thresholds stay).
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect the start-up's garbage and freeze what remains out of the collector's walks."""
    gc.collect()
    gc.freeze()

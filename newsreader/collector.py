"""How the app uses Python's cycle collector: what lives as long as the app is left out of it,
and the young objects are collected less often, so that no key waits on a collection."""

from __future__ import annotations

import gc

_DEFAULT_THRESHOLDS = gc.get_threshold()


def spare_what_lives() -> None:
    """Leave the objects alive now (the library read in, the widgets) out of collections."""
    # A full collection walks every object that could be in a reference cycle: at 100,000
    # stories some 200,000 of them, 70 ms that fall on whichever key allocates past the
    # threshold. What the app holds from start-up lives as long as it does and needs no
    # walking. Garbage already waiting is kept until `give_back` returns all of it.
    gc.freeze()
    # Every line Textual draws is a Strip in a reference cycle with its own caches. With
    # collections of the young objects every 20,000 allocations rather than 700, those cycles
    # die young, and the older generations (5-8 ms a time at 100,000 stories) are collected
    # some hundred times less often: over 60 opened stories, 85 -> 19 ms of collecting.
    gc.set_threshold(20_000, 20, 10)


def give_back() -> None:
    """Undo `spare_what_lives`: another app in this process (tests, benchmarks) starts afresh."""
    gc.unfreeze()
    gc.set_threshold(*_DEFAULT_THRESHOLDS)

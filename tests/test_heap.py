"""Serve keeps its heap out of the collector's way between rebuilds, and still frees its garbage."""

from __future__ import annotations

import gc
import weakref

from llmnotes import cache


class Node:
    pass


def test_a_rebuild_leaves_its_survivors_frozen_then_frees_its_cycles(monkeypatch):
    # Long enough that the check just after settling runs before the delayed collection even
    # on a loaded machine (with 0.05 s the collection once came first in CI).
    monkeypatch.setattr(cache, "_COLLECTION_DELAY", 1.0)
    try:
        cycle = Node()
        cycle.me = cycle  # garbage only the cycle collector can free
        gone = weakref.ref(cycle)
        del cycle
        gc.disable()  # no collection of its own between here and the settling
        cache.settle_after_rebuild()
        assert gc.get_freeze_count() > 0  # the next rebuild's collections skip the survivors
        assert gone() is not None
        gc.enable()
        cache._collection.join(timeout=30)  # the delayed full collection, done
        assert gone() is None  # it freed the cycle
        assert gc.get_freeze_count() > 0  # and froze what is left
    finally:
        gc.enable()
        gc.unfreeze()

"""Serve keeps its heap out of the collector's way between rebuilds, and still frees its garbage."""

from __future__ import annotations

import gc
import weakref

import pytest

from llmnotes import cache


class Node:
    pass


def _garbage_cycle() -> weakref.ref:
    cycle = Node()
    cycle.me = cycle  # garbage only the cycle collector can free
    return weakref.ref(cycle)


@pytest.fixture
def collector(monkeypatch):
    monkeypatch.setattr(cache, "_uncollected", 0)
    monkeypatch.setattr(cache, "_collection", None)
    yield
    if cache._collection is not None:
        cache._collection.cancel()
    gc.enable()
    gc.unfreeze()


def test_a_rebuild_leaves_its_survivors_frozen_then_frees_its_cycles_when_idle(monkeypatch, collector):
    # Long enough that the check just after settling runs before the delayed collection even
    # on a loaded machine (with 0.05 s the collection once came first in CI).
    monkeypatch.setattr(cache, "_IDLE_BEFORE_COLLECTION", 1.0)
    gone = _garbage_cycle()
    gc.disable()  # no collection of its own between here and the settling
    cache.settle_after_rebuild()
    assert gc.get_freeze_count() > 0  # the next rebuild's collections skip the survivors
    assert gone() is not None
    gc.enable()
    cache._collection.join(timeout=30)  # the delayed full collection, done
    assert gone() is None  # it freed the cycle
    assert gc.get_freeze_count() > 0  # and froze what is left


def test_a_rebuild_that_starts_puts_the_collection_off_until_too_many_went_without(monkeypatch, collector):
    monkeypatch.setattr(cache, "_IDLE_BEFORE_COLLECTION", 30.0)
    monkeypatch.setattr(cache, "_COLLECTION_DELAY", 0.2)
    monkeypatch.setattr(cache, "_REBUILDS_BEFORE_COLLECTION", 3)
    gone = _garbage_cycle()
    gc.disable()
    for _ in range(2):  # rebuilds in a row: each starts before the user pauses
        cache.settle_after_rebuild()
        cache.hold_collection()
        assert cache._collection.finished.is_set()  # called off: it would have stalled the rebuild
    assert gone() is not None  # nothing collected while the user saves and saves
    cache.settle_after_rebuild()  # the third without a collection: it is due, soon, whatever comes
    cache.hold_collection()
    assert not cache._collection.finished.is_set()
    gc.enable()
    cache._collection.join(timeout=30)
    assert gone() is None
    assert cache._uncollected == 0

"""Per-item work spread over forked processes, each item done by the first process to claim it.

Used where a build has independent work per item and a second core with nothing to do:
the extractors' reading of each note (extract/), and the pages of a parallel MkDocs
build (parallel.py). A fork inherits everything the work reads; only results travel
back, pickled. POSIX only; callers fall back to one process without `fork`.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Claims:
    """Which process does each item: the first to reach it.

    Every process walks the items in the same order and claims each one nobody holds yet,
    so a process slowed down (a busy core, a heavy item) simply takes fewer. One byte per
    item, in memory the forks share, under a lock the forks share.
    """

    HERE = 255  # the process that made the claims; forked ones are 1, 2, ...

    def __init__(self, items: list[Hashable]) -> None:
        import mmap
        import multiprocessing

        self._index = {item: i for i, item in enumerate(items)}
        self._owner = mmap.mmap(-1, max(1, len(items)))
        self._lock = multiprocessing.get_context("fork").Lock()

    def claim(self, item: Hashable, who: int) -> int:
        """Claim `item` for `who`; returns who holds it now (`who`, or whoever came first)."""
        i = self._index.get(item)
        if i is None:
            return self.HERE  # not one of the items shared out: the first process does it
        with self._lock:
            owner = self._owner[i]
            if not owner:
                self._owner[i] = owner = who
        return owner


def map_claimed(items: list[K], compute: Callable[[K], Any], processes: int) -> dict[K, Any]:
    """`{item: compute(item)}`, computed on `processes` processes (this one included).

    A forked process that fails or dies leaves its items to this one, which computes them
    again: an error then surfaces here as it would in one process.
    """
    if processes <= 1 or not hasattr(os, "fork") or len(items) < 2:
        return {item: compute(item) for item in items}
    claims = Claims(items)
    readers = []
    sys.stdout.flush()
    sys.stderr.flush()
    for k in range(1, processes):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # a worker: its claims' results in one message, then out
            os.close(read_fd)
            code = 0
            try:
                done = {item: compute(item) for item in items if claims.claim(item, k) == k}
                with os.fdopen(write_fd, "wb") as out:
                    pickle.dump(done, out, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001 - the build process does this worker's items itself
                code = 1
            os._exit(code)
        os.close(write_fd)
        readers.append((pid, os.fdopen(read_fd, "rb")))
    results: dict[K, Any] = {}
    try:
        for item in items:
            if claims.claim(item, Claims.HERE) == Claims.HERE:
                results[item] = compute(item)
    finally:  # read every worker's message (it may be blocked writing it), then reap it
        for pid, reader in readers:
            try:
                results.update(pickle.load(reader))
            except (EOFError, pickle.UnpicklingError):
                pass  # that worker failed: its items are computed below
            finally:
                reader.close()
                os.waitpid(pid, 0)
    for item in items:
        if item not in results:
            results[item] = compute(item)
    return {item: results[item] for item in items}

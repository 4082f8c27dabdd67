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


# Items per message a worker sends: results stream back while the work goes on, so that
# pickling and unpickling them overlap the computing instead of following it.
BATCH = 32


def map_claimed(items: list[K], compute: Callable[[K], Any], processes: int) -> dict[K, Any]:
    """`{item: compute(item)}`, computed on `processes` processes (this one included).

    Each worker sends its results in batches as it goes (`BATCH`), and this process takes
    in what has arrived between its own items: at the end only the last batches remain
    to be read, where one message of all a worker's results used to be pickled, sent and
    unpickled while this process waited (0.11-0.14 s of the extractors' 1.5 s at 2,000 notes).
    A forked process that fails or dies leaves its unsent items to this one, which
    computes them again: an error then surfaces here as it would in one process.
    """
    if processes <= 1 or not hasattr(os, "fork") or len(items) < 2:
        return {item: compute(item) for item in items}
    claims = Claims(items)
    readers = []
    sys.stdout.flush()
    sys.stderr.flush()
    for k in range(1, processes):
        read_fd, write_fd = os.pipe()
        widen_pipe(write_fd)
        pid = os.fork()
        if pid == 0:  # a worker: its claims' results in batches, then out
            os.close(read_fd)
            code = 0
            try:
                with os.fdopen(write_fd, "wb") as out:
                    batch: dict[K, Any] = {}
                    for item in items:
                        if claims.claim(item, k) == k:
                            batch[item] = compute(item)
                            if len(batch) == BATCH:
                                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
                                out.flush()
                                batch = {}
                    pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001 - the build process does this worker's items itself
                code = 1
            os._exit(code)
        os.close(write_fd)
        readers.append((pid, os.fdopen(read_fd, "rb")))
    results: dict[K, Any] = {}
    live = {reader: pid for pid, reader in readers}
    try:
        for item in items:
            if claims.claim(item, Claims.HERE) == Claims.HERE:
                results[item] = compute(item)
                if live:
                    _take_ready(live, results)
    finally:  # read every worker's messages (it may be blocked writing one), then reap it
        for pid, reader in readers:
            if reader in live:
                while _take_one(reader, results):
                    pass
            reader.close()
            os.waitpid(pid, 0)
    for item in items:
        if item not in results:
            results[item] = compute(item)
    return {item: results[item] for item in items}


def _take_one(reader: Any, results: dict) -> bool:
    """One message of a worker into `results`; False at its end (or when it broke off)."""
    try:
        results.update(pickle.load(reader))
    except (EOFError, pickle.UnpicklingError):
        return False  # finished, or that worker failed: its items are computed by the caller
    return True


def _take_ready(live: dict[Any, int], results: dict) -> None:
    """The messages that have arrived, without waiting; a worker whose stream ended leaves `live`."""
    import select

    while live:
        ready, _, _ = select.select(list(live), [], [], 0)
        if not ready:
            return
        for reader in ready:
            if not _take_one(reader, results):
                del live[reader]


def widen_pipe(fd: int) -> None:
    """A pipe of 1 MB (Linux) rather than 64 KB: a worker runs on while its results wait to be read."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass

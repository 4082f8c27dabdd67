"""How `llmnotes serve` notices a saved note: told by the kernel where it can, else by looking.

MkDocs's server looks at every watched file every 0.5 s (watchdog's polling observer).
At 2,000 notes that is a quarter of a second of every edit-to-reload on average, and each
look (~10 µs a file) holds the interpreter the rebuild runs in. Linux tells a process of a
change at once (inotify, watchdog's native observer): the rebuild starts within
milliseconds of the save and nothing polls meanwhile.

The native observer also reports a file opened or read, which MkDocs's callback takes for
a change: the build reading the notes would start the next rebuild, for ever. Only a
write, a new, moved or deleted file counts here, and only outside hidden folders, which
MkDocs never publishes (Obsidian rewrites `.obsidian/workspace.json` whenever a pane
moves). Where the native observer cannot start (a folder on a network share, the kernel's
watch limit reached) or with `--poll`, the server looks, as often as the vault allows.
"""

from __future__ import annotations

import itertools
import logging
import os
from pathlib import Path

from watchdog import events
from watchdog.events import FileSystemEvent, FileSystemEventHandler

log = logging.getLogger("mkdocs.commands.serve")

# Seconds between two looks when polling. MkDocs looks every 0.5 s. A look costs ~10 µs a
# file, so the interval grows with the vault to keep the watcher near 5% of one core:
# 0.2 s at 2,000 files.
POLL_SECONDS_PER_FILE = 1e-4
POLL_BOUNDS = (0.1, 0.5)
# Seconds without a further change before a rebuild starts (MkDocs: 0.1). A save's events
# (write, close, rename) come within a few milliseconds of each other.
BUILD_DELAY = 0.02
CHANGES = frozenset({"created", "modified", "moved", "deleted", "closed", "attrib"})
# The events asked of the kernel. Without a filter it reports every note the build opens
# and closes: 4,000 events at 2,000 notes, turned into Python objects by the observer's
# thread while the build runs (0.2 s of a rebuild).
WRITES = (events.FileCreatedEvent, events.FileModifiedEvent, events.FileMovedEvent,
          events.FileDeletedEvent, events.FileClosedEvent, events.DirCreatedEvent,
          events.DirMovedEvent, events.DirDeletedEvent)


def poll_interval(files: int) -> float:
    low, high = POLL_BOUNDS
    return min(high, max(low, files * POLL_SECONDS_PER_FILE))


def is_change(event: FileSystemEvent, root: str) -> bool:
    """A saved, new, moved or deleted file under `root` that is not in a hidden folder or hidden itself."""
    if event.is_directory or event.event_type not in CHANGES:
        return False
    paths = [event.src_path, getattr(event, "dest_path", "")]
    return any(p and not _hidden_under(os.fsdecode(p), root) for p in paths)


def _hidden_under(path: str, root: str) -> bool:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # another drive (Windows)
        return False
    if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
        return False
    return any(part.startswith(".") for part in Path(rel).parts)


class _Changes(FileSystemEventHandler):
    """Passes MkDocs's handler only the events `is_change` counts."""

    def __init__(self, handler: FileSystemEventHandler, root: str) -> None:
        self.handler, self.root = handler, root

    def dispatch(self, event: FileSystemEvent) -> None:
        if is_change(event, self.root):
            self.handler.dispatch(event)


class Watcher:
    """The observer MkDocs's server drives (schedule, unschedule, start, stop, join): the
    native one, or the polling one when asked or when the native one cannot start."""

    def __init__(self, poll: bool, interval: float | None = None) -> None:
        self.poll = poll
        self.interval = interval  # when polling; None: by how many files the watched folders hold
        self._watches: dict[int, tuple[FileSystemEventHandler, str, bool]] = {}
        self._observer = None
        self._refs: dict[int, object] = {}
        self._keys = itertools.count(1)

    def schedule(self, handler: FileSystemEventHandler, path: str, recursive: bool = False) -> int:
        key = next(self._keys)
        self._watches[key] = (handler, os.path.abspath(os.fsdecode(path)), recursive)
        if self._observer is not None:
            self._refs[key] = self._add(self._observer, key)
        return key

    def unschedule(self, key: int) -> None:
        self._watches.pop(key, None)
        ref = self._refs.pop(key, None)
        if ref is not None and self._observer is not None:
            self._observer.unschedule(ref)

    def start(self) -> None:
        if not self.poll:
            try:
                self._start(native=True)
                return
            except OSError as exc:
                self._observer.stop()
                log.warning(f"llmnotes: the system does not report file changes here ({exc}); "
                            f"looking for them every {self._interval():.1f} s instead")
        self._start(native=False)

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()

    def join(self, timeout: float | None = None) -> None:
        if self._observer is not None and self._observer.is_alive():
            self._observer.join(timeout)

    def _start(self, native: bool) -> None:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        self._observer = Observer() if native else PollingObserver(timeout=self._interval())
        self._refs = {key: self._add(self._observer, key) for key in self._watches}
        self._observer.start()

    def _interval(self) -> float:
        if self.interval is None:
            files = sum(len(names) for _, root, _ in self._watches.values() if os.path.isdir(root)
                        for _, _, names in os.walk(root))
            self.interval = poll_interval(files)
        return self.interval

    def _add(self, observer, key: int):
        handler, root, recursive = self._watches[key]
        return observer.schedule(_Changes(handler, root), root, recursive=recursive, event_filter=list(WRITES))


def install(poll: bool = False) -> None:
    """Make MkDocs's `serve` watch with `Watcher` and start a rebuild sooner after a save."""
    from mkdocs.commands import serve as serve_command
    from mkdocs.livereload import LiveReloadServer

    class Server(LiveReloadServer):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.build_delay = min(self.build_delay, BUILD_DELAY)
            self.observer = Watcher(poll)

    serve_command.LiveReloadServer = Server

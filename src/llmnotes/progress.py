"""Progress of a long build: notes loaded, pages written; one summary line in CI logs.

A 2,000-note build takes long enough that a silent terminal looks hung, but a CI log
with a line per hundred pages is noise. So: at a terminal (stderr is a TTY and `CI`
is not set) report milestones as they happen; otherwise only the final summary.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable


def interactive() -> bool:
    """A person is watching: stderr is a terminal and this is not a CI run."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """Counts pages as they are written; `say` is the logger (MkDocs's plugin logger in the plugin)."""

    def __init__(self, say: Callable[[str], None], live: bool | None = None, steps: int = 10) -> None:
        self.say = say
        self.live = interactive() if live is None else live
        self.steps = steps
        self.started = time.perf_counter()
        self.notes = 0
        self.total = 0
        self.written = 0
        self._next = 0

    def loaded(self, notes: int, pages: int, seconds: float) -> None:
        self.notes, self.total = notes, pages
        self.started = time.perf_counter() - seconds  # the summary counts loading too
        self._next = max(1, pages // self.steps)
        if self.live:
            self.say(f"{notes} notes loaded in {seconds:.1f}s; writing {pages} pages")

    def page_written(self) -> None:
        self.written += 1
        if self.live and self.total and self.written >= self._next and self.written < self.total:
            self.say(f"pages written: {self.written}/{self.total}")
            self._next += max(1, self.total // self.steps)

    def done(self, extra: str = "") -> None:
        seconds = time.perf_counter() - self.started
        self.say(f"{self.notes} notes, {self.written} pages written in {seconds:.1f}s" + (f"; {extra}" if extra else ""))

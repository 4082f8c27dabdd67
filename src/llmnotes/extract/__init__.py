"""Extractors: one module per entry kind, each reading notes and filling the knowledge base.

An extractor never sees MkDocs. Each module exposes `collect(kb)`, which reads
`kb.notes` (and `kb.scans` for resolved links) and sets its own field of the
knowledge base (`kb.events`, `kb.papers`, ...), adding diagnostics to
`kb.diagnostics`. Cross-note work (dedupe) happens inside `collect`.

What an extractor reads from one note alone goes through `per_note`, and the module says
what that is (`note_pass(kb)`): a knowledge base built with a cache (`serve`) keeps it
across rebuilds, so a rebuild redoes only the edited notes, then the cross-note work;
a build on several cores reads the notes in parallel first (`run_all`), each process
running every extractor's pass on the notes it claims (forkmap.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .. import forkmap

if TYPE_CHECKING:
    from ..kb import KnowledgeBase
    from ..model import Note

T = TypeVar("T")

# Order matters only where one extractor reads another's output (roadmap reads tables).
MODULES: list[str] = ["papers", "timeline", "tables", "links", "roadmap"]


class NoteMemo:
    """Results of one per-note pass, kept across builds (`serve`) for the notes that did not change.

    A pass may be remembered only when it reads nothing but its note: cross-note work
    (resolving names, canonical tag spellings, dedupe) is redone on every build. A hit
    needs the very same Note object, text and title: the loader hands back its cached Note
    only for a file whose size and mtime did not change, and a new file means a new Note.
    The value is handed out as it was stored: a caller that mutates it must copy it first.
    """

    def __init__(self) -> None:
        self._store: dict[str, tuple[Note, str, str, Any]] = {}

    def get(self, note: Note, compute: Callable[[Note], T]) -> T:
        hit = self._store.get(note.path)
        if hit is not None and hit[0] is note and hit[1] is note.text and hit[2] == note.title:
            return hit[3]
        value = compute(note)
        self._store[note.path] = (note, note.text, note.title, value)
        return value

    def keep_only(self, paths) -> None:
        """Forget deleted notes."""
        for path in [p for p in self._store if p not in paths]:
            del self._store[path]


def per_note(kb: KnowledgeBase, name: str, note: Note, compute: Callable[[Note], T]) -> T:
    """`compute(note)`, remembered across builds when the knowledge base was built with a cache.

    `name` names the pass; `compute` must read only `note` (see NoteMemo).
    """
    ahead: dict[str, dict[str, Any]] | None = getattr(kb, "_read_ahead", None)
    if ahead is not None and note.path in ahead.get(name, ()):
        return ahead[name].pop(note.path)  # handed out once: the caller may keep or change it
    memos: dict[str, NoteMemo] | None = getattr(kb, "_memos", None)
    if memos is None:
        return compute(note)
    memo = memos.get(name)
    if memo is None:
        memo = memos[name] = NoteMemo()
    return memo.get(note, compute)


def run_all(kb: KnowledgeBase, processes: int = 1) -> None:
    """Every extractor, in order. With `processes` > 1 (and no cache: a one-off build), the
    per-note passes run first on that many processes; `collect` then finds them done."""
    from importlib import import_module

    modules = {name: import_module(f"{__name__}.{name}") for name in MODULES}
    if processes > 1 and getattr(kb, "_memos", None) is None:
        passes = {name: module.note_pass(kb) for name, module in modules.items()}

        def read(path: str) -> dict[str, Any]:
            note = kb.notes[path]
            return {name: compute(note) for name, compute in passes.items()}

        done = forkmap.map_claimed(list(kb.notes), read, processes)
        kb._read_ahead = {name: {path: done[path][name] for path in done} for name in passes}
    try:
        for module in modules.values():
            module.collect(kb)
    finally:
        kb._read_ahead = None

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

    A note read again whose pass gives a value equal to the last one (most edits change
    text no extractor reads) hands out the last value itself, so the cross-note work
    (`remembered`) sees the very same inputs as before.
    """

    def __init__(self) -> None:
        self._store: dict[str, tuple[Note, str, str, Any]] = {}

    def get(self, note: Note, compute: Callable[[Note], T]) -> T:
        hit = self._store.get(note.path)
        if hit is not None and hit[0] is note and hit[1] is note.text and hit[2] == note.title:
            return hit[3]
        value = compute(note)
        if hit is not None and same_value(hit[3], value):
            value = hit[3]
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


def remembered(kb: KnowledgeBase, name: str, inputs: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, an extractor's cross-note work, kept across builds (`serve`) while `inputs`
    are equal to the last build's; then its diagnostics are added again, and the value is the
    last build's own (never changed once made, like a `per_note` value).

    `inputs` must hold everything `compute` reads: the per-note values (`per_note`, which
    hands back the same objects for unchanged notes, so comparing them is quick), the note
    paths, and whatever else of the knowledge base it looks at. After an edit of a note's
    prose, at 2,000 notes, this skips ~0.1 s of every rebuild.
    """
    kept: dict[str, tuple[tuple, Any, list]] | None = getattr(kb, "_collected", None)
    if kept is None:
        return compute()
    hit = kept.get(name)
    if hit is not None and same_value(hit[0], inputs):
        kb.diagnostics.extend(hit[2])
        return hit[1]
    before = len(kb.diagnostics)
    value = compute()
    kept[name] = (inputs, value, kb.diagnostics[before:])
    return value


def same_value(a: Any, b: Any) -> bool:
    """Equal, a dict's items compared in order (its order can reach a page, as in a repr);
    False when comparing fails."""
    try:
        if isinstance(a, dict) or isinstance(b, dict):
            return type(a) is type(b) and list(a.items()) == list(b.items())
        return type(a) is type(b) and bool(a == b)
    except Exception:  # noqa: BLE001 - a value that cannot be compared is taken as changed
        return False


def modules() -> dict[str, Any]:
    """The extractor modules by name, in order; the first call imports them."""
    from importlib import import_module

    return {name: import_module(f"{__name__}.{name}") for name in MODULES}


def run_all(kb: KnowledgeBase, processes: int = 1) -> None:
    """Every extractor, in order. With `processes` > 1 (and no cache: a one-off build), the
    per-note passes run first on that many processes; `collect` then finds them done."""
    extractors = modules()
    if processes > 1 and getattr(kb, "_memos", None) is None:
        passes = {name: module.note_pass(kb) for name, module in extractors.items()}

        def read(path: str) -> dict[str, Any]:
            note = kb.notes[path]
            return {name: compute(note) for name, compute in passes.items()}

        done = forkmap.map_claimed(list(kb.notes), read, processes)
        kb._read_ahead = {name: {path: done[path][name] for path in done} for name in passes}
    try:
        for module in extractors.values():
            module.collect(kb)
    finally:
        kb._read_ahead = None

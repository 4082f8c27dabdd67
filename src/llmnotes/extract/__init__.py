"""Extractors: one module per entry kind, each reading notes and filling the knowledge base.

An extractor never sees MkDocs. Each module exposes `collect(kb)`, which reads
`kb.notes` (and `kb.scans` for resolved links) and sets its own field of the
knowledge base (`kb.events`, `kb.papers`, ...), adding diagnostics to
`kb.diagnostics`. Cross-note work (dedupe) happens inside `collect`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..textutil import mask_code

if TYPE_CHECKING:
    from ..kb import KnowledgeBase
    from ..model import Note

# Order matters only where one extractor reads another's output (roadmap reads tables).
MODULES: list[str] = ["papers", "timeline", "tables", "links", "roadmap"]


# note id → (its text, the text with code blanked): several extractors mask the same note.
_MASKED: dict[int, tuple[str, str]] = {}


def masked(note: Note) -> str:
    """`mask_code(note.text)`, computed once per build whichever extractor asks first."""
    hit = _MASKED.get(id(note))
    if hit is None or hit[0] is not note.text:
        hit = _MASKED[id(note)] = (note.text, mask_code(note.text))
    return hit[1]


def run_all(kb: KnowledgeBase) -> None:
    from importlib import import_module

    try:
        for name in MODULES:
            import_module(f"{__name__}.{name}").collect(kb)
    finally:
        _MASKED.clear()

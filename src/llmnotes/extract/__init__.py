"""Extractors: one module per entry kind, each reading notes and filling the knowledge base.

An extractor never sees MkDocs. Each module exposes `collect(kb)`, which reads
`kb.notes` (and `kb.scans` for resolved links) and sets its own field of the
knowledge base (`kb.events`, `kb.papers`, ...), adding diagnostics to
`kb.diagnostics`. Cross-note work (dedupe) happens inside `collect`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..kb import KnowledgeBase
    from ..model import Note

# Order matters only where one extractor reads another's output (roadmap reads tables).
MODULES: list[str] = ["papers", "timeline", "tables", "links", "roadmap"]


def masked(note: Note) -> str:
    """`mask_code(note.text)`, computed once per note text (kept with the note)."""
    return note.masked


def run_all(kb: KnowledgeBase) -> None:
    from importlib import import_module

    for name in MODULES:
        import_module(f"{__name__}.{name}").collect(kb)

"""The tag index and one listing per tag (Chinese tags included).

A tag's page lists its notes by title, each note an item (`tag_note.html`): in serve, a
retitle renders again the note's own line of each of its tags' pages, and writes those
pages from their last output (`PageContext.segmented`), where a tag of a large vault
lists hundreds of notes.
"""

from __future__ import annotations

from functools import partial

from ..model import Note
from . import GeneratedPage, PageContext, Segments


def key(ctx: PageContext) -> list[str]:
    """What `build`, tags.html and tag.html read: every tag with its notes, note titles and pages."""
    return [ctx.fingerprints.names(), ctx.fingerprints.part("tags")]


def build(ctx: PageContext) -> list[GeneratedPage]:
    kb, L = ctx.kb, ctx.labels
    if not kb.tags:
        return []
    pages = [GeneratedPage("tags/index.md", L["tag_index"],
                           ctx.later("tags.html", "tags/index.md", tags=kb.tags))]
    for tag, paths in kb.tags.items():
        path = kb.tag_page_path(tag)
        notes = sorted((kb.notes[p] for p in paths), key=lambda n: n.title.casefold())
        pages.append(GeneratedPage(path, f"#{tag}", partial(_tag_page, ctx, path, tag, notes)))
    return pages


def _tag_page(ctx: PageContext, path: str, tag: str, notes: list[Note]) -> str | Segments:
    # Each note's line kept across serve rebuilds while what it shows is the same.
    item = ctx.items("tag_note.html", "note", path, lambda n: (n.path, n.title, n.page_path))
    return ctx.segmented("tag.html", path, (tag, len(notes)), notes, "item", item, tag=tag, notes=notes)

"""The tag index and one listing per tag (Chinese tags included)."""

from __future__ import annotations

from . import GeneratedPage, PageContext


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
        shown = tuple((n.path, n.title, n.page_path) for n in notes)  # what tag.html reads of them
        pages.append(GeneratedPage(path, f"#{tag}", ctx.kept("tag.html", path, (tag, shown), tag=tag, notes=notes)))
    return pages

"""Concept pages: a name linked to with no note of its own still leads somewhere useful."""

from __future__ import annotations

from . import GeneratedPage, PageContext


def key(ctx: PageContext) -> list[str]:
    """What `build` and concept.html read: each concept with its mentions, note titles and pages."""
    return [ctx.fingerprints.names(), ctx.fingerprints.part("concepts")]


def build(ctx: PageContext) -> list[GeneratedPage]:
    pages = []
    notes = ctx.kb.notes
    for concept in ctx.kb.concepts.values():
        path = concept.page_path
        mentions = sorted(concept.mentions, key=lambda m: (m.source.note, m.source.line))
        shown = tuple((m.source.note, m.source.line, m.sentence, notes[m.source.note].title,
                       notes[m.source.note].page_path) for m in mentions)  # what concept.html reads of them
        pages.append(GeneratedPage(path, concept.name, ctx.kept("concept.html", path, (concept.name, shown),
                                                                concept=concept, mentions=mentions)))
    return pages

"""Concept pages: a name linked to with no note of its own still leads somewhere useful."""

from __future__ import annotations

from . import GeneratedPage, PageContext


def key(ctx: PageContext) -> list[str]:
    """What `build` and concept.html read: each concept with its mentions, note titles and pages."""
    return [ctx.fingerprints.names(), ctx.fingerprints.part("concepts")]


def build(ctx: PageContext) -> list[GeneratedPage]:
    pages = []
    for concept in ctx.kb.concepts.values():
        path = concept.page_path
        mentions = sorted(concept.mentions, key=lambda m: (m.source.note, m.source.line))
        pages.append(GeneratedPage(path, concept.name,
                                   ctx.later("concept.html", path, concept=concept, mentions=mentions)))
    return pages

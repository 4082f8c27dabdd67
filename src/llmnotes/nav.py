"""Arrange MkDocs's automatic navigation for a knowledge base (MkDocs side of the plugin).

Without this, generated pages sort among the notes by file name, and every concept
and tag page becomes a navigation entry: hundreds of entries carried by every page
of a large vault. Readers want the home page, the overview pages (timeline, papers,
roadmap, links, tags) and their notes; concept and tag pages are reached by links.
"""

from __future__ import annotations

from mkdocs.structure.nav import Navigation, Section, _add_parent_links, _add_previous_and_next_links
from mkdocs.structure.pages import Page

# Overview pages, in the order a reader meets them.
OVERVIEW = ["timeline.md", "papers.md", "roadmap.md", "links.md", "tags/index.md"]
# Listing pages that stay out of the navigation.
LISTING_PREFIXES = ("concepts/", "tags/")
# Most entries a section shows at once. Material writes every entry of the current page's
# section into the page: a folder of 500 notes made each of its pages carry 500 links, so
# a site grew with the square of a folder's size. A bigger section is split, in order, into
# sections of at most this many entries ("1–100", "101–200", ...).
MAX_SECTION_ENTRIES = 100


def arrange(nav: Navigation, generated: set[str], overview_title: str) -> Navigation:
    """Home first, then an overview section, then the notes as MkDocs arranged them."""
    found: dict[str, Page] = {}

    def keep(items: list) -> list:
        kept = []
        for item in items:
            if isinstance(item, Page) and item.file.src_uri in generated:
                found[item.file.src_uri] = item
                item.previous_page = item.next_page = None
                continue
            if isinstance(item, Section):
                item.children = keep(item.children)
                if not item.children:
                    continue
            kept.append(item)
        return kept

    items = split_large(keep(nav.items))
    overview = [found[p] for p in OVERVIEW if p in found]
    head: list = [found["index.md"]] if "index.md" in found else []
    if overview:
        head.append(Section(overview_title, overview))
    items = head + items
    for item in items:  # top-level items have no parent
        item.parent = None
    _add_parent_links(items)
    pages = _pages(items)
    _add_previous_and_next_links(pages)
    return Navigation(items, pages)


def split_large(items: list, limit: int = MAX_SECTION_ENTRIES) -> list:
    """Every section with more than `limit` entries becomes sections of at most `limit` entries."""
    for item in items:
        if isinstance(item, Section):
            item.children = split_large(item.children, limit)
            if len(item.children) > limit:
                item.children = _chunks(item.children, limit)
    return items


def _chunks(children: list, limit: int) -> list:
    """Consecutive runs of `limit` entries, each a section named by its range; nested again if
    there are more runs than `limit` (a folder of over 10,000 notes)."""
    runs = [Section(f"{i + 1}–{min(i + limit, len(children))}", children[i:i + limit])
            for i in range(0, len(children), limit)]
    return _chunks(runs, limit) if len(runs) > limit else runs


def _pages(items: list) -> list[Page]:
    out: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            out.append(item)
        elif isinstance(item, Section):
            out.extend(_pages(item.children))
    return out

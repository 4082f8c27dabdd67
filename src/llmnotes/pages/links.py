"""The links page: every external URL the notes cite, once, grouped by site, filterable.

`kb.links` holds one Link per occurrence; here occurrences with the same `link_key`
become one entry that remembers every citing note. Known sites (GitHub, arXiv, ...)
come first in a fixed order, then the other hosts by number of links.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..extract.links import SITES, link_key, site_of
from ..model import Link
from ..urls import name_slug
from . import GeneratedPage, PageContext, Segments

PAGE = "links.md"
_KNOWN = [name for name, _ in SITES]


@dataclass
class LinkEntry:
    url: str
    text: str
    notes: list[tuple[str, str]] = field(default_factory=list)  # (title, href) of each citing note


@dataclass
class SiteGroup:
    name: str  # display name
    slug: str
    entries: list[LinkEntry] = field(default_factory=list)


def group_links(ctx: PageContext) -> list[SiteGroup]:
    kb, labels = ctx.kb, ctx.labels
    hrefs: dict[str, str] = {}  # one href per note, however many links it holds

    def cited(paths: list[str]) -> list[tuple[str, str]]:
        notes = []
        for path in paths:
            note = kb.notes.get(path)
            if note is None:
                continue
            href = hrefs.get(path)
            if href is None:
                href = hrefs[path] = ctx.note_href(PAGE, path)
            notes.append((note.title, href))
        return notes

    # The grouping reads the links alone: kept across serve rebuilds while they are the same
    # (a retitle changes the titles of the citing notes, added here, not which links there are).
    sites = ctx.derived("links", ["links"], lambda: _sites(kb.links))
    return [SiteGroup(labels.get(s, s), "site-" + name_slug(s), [LinkEntry(url, text, cited(paths))
                                                                  for url, text, paths in entries])
            for s, entries in sites]


def _sites(links: list[Link]) -> list[tuple[str, list[tuple[str, str, list[str]]]]]:
    """The links, one entry per `link_key`, as (site, [(url, text, paths of the citing notes)]):
    known sites first, in a fixed order, then the other hosts by number of links."""
    entries: dict[str, tuple[str, list[str], list[str]]] = {}  # key → url, [text], citing notes
    sites: dict[str, list[str]] = {}
    for link in links:
        key = link_key(link.url)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = (link.url, [link.text], [])
            sites.setdefault(site_of(link.url), []).append(key)
        elif not entry[1][0] and link.text:
            entry[1][0] = link.text
        if link.source.note not in entry[2]:
            entry[2].append(link.source.note)
    order = sorted(sites, key=lambda s: (_KNOWN.index(s) if s in _KNOWN else len(_KNOWN), -len(sites[s]), s))
    return [(s, [(entries[k][0], entries[k][1][0], entries[k][2]) for k in sites[s]]) for s in order]


def key(ctx: PageContext) -> list[str]:
    """What `group_links`, `build` and links.html read: the links, note titles and pages."""
    return [ctx.fingerprints.names(), ctx.fingerprints.part("links")]


def build(ctx: PageContext) -> list[GeneratedPage]:
    if not ctx.kb.links:
        return []

    def body() -> str | Segments:  # grouping too is done when the page is read (on whichever core converts it)
        groups = group_links(ctx)
        # Each entry kept across serve rebuilds while it is the same (its URL, text and citing notes).
        item = ctx.items("links_entry.html", "entry", PAGE, lambda e: (e.url, e.text, tuple(e.notes)))
        total = sum(len(g.entries) for g in groups)
        frame = (total, tuple((g.name, g.slug, len(g.entries)) for g in groups))  # what links.html reads besides items
        entries = [e for g in groups for e in g.entries]
        return ctx.segmented("links.html", PAGE, frame, entries, "item", item, groups=groups, total=total)

    return [GeneratedPage(PAGE, ctx.labels["links"], body)]

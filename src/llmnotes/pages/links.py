"""The links page: every external URL the notes cite, once, grouped by site, filterable.

`kb.links` holds one Link per occurrence; here occurrences with the same `link_key`
become one entry that remembers every citing note. Known sites (GitHub, arXiv, ...)
come first in a fixed order, then the other hosts by number of links.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..extract.links import SITES, link_key, site_of
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
    entries: dict[str, LinkEntry] = {}
    cited: dict[str, set[str]] = {}  # link key → paths of the notes already listed
    hrefs: dict[str, str] = {}
    sites: dict[str, list[LinkEntry]] = {}
    for link in kb.links:
        key = link_key(link.url)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = LinkEntry(link.url, link.text)
            sites.setdefault(site_of(link.url), []).append(entry)
        elif not entry.text and link.text:
            entry.text = link.text
        seen = cited.setdefault(key, set())
        note = kb.notes.get(link.source.note)
        if note is not None and note.path not in seen:
            seen.add(note.path)
            if note.path not in hrefs:  # one href per note, however many links it holds
                hrefs[note.path] = ctx.note_href(PAGE, note.path)
            entry.notes.append((note.title, hrefs[note.path]))
    order = sorted(sites, key=lambda s: (_KNOWN.index(s) if s in _KNOWN else len(_KNOWN), -len(sites[s]), s))
    return [SiteGroup(labels.get(s, s), "site-" + name_slug(s), sites[s]) for s in order]


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

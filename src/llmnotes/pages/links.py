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


@dataclass(frozen=True)
class Cited:
    """One entry of the page as the links alone give it: kept across serve rebuilds while they
    are the same (a retitle changes the titles of the citing notes, not which links there are)."""

    url: str
    text: str
    paths: tuple[str, ...]  # the citing notes


@dataclass
class LinkEntry:
    """An entry as links_entry.html shows it."""

    url: str
    text: str
    notes: list[tuple[str, str]] = field(default_factory=list)  # (title, href) of each citing note


@dataclass
class SiteGroup:
    name: str  # display name
    slug: str
    entries: list[Cited] = field(default_factory=list)


def _arranged(links: list[Link]) -> tuple[list[tuple[str, list[Cited]]], list[Cited]]:
    """The links, one entry per `link_key`, by site: known sites first, in a fixed order, then
    the other hosts by number of links; and every entry in the page's order."""
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
    arranged = [(s, [Cited(entries[k][0], entries[k][1][0], tuple(entries[k][2])) for k in sites[s]]) for s in order]
    return arranged, [e for _, cited in arranged for e in cited]


def key(ctx: PageContext) -> list[str]:
    """What `build` and links.html read: the links, note titles and pages."""
    return [ctx.fingerprints.names(), ctx.fingerprints.part("links")]


def build(ctx: PageContext) -> list[GeneratedPage]:
    kb, labels = ctx.kb, ctx.labels
    if not kb.links:
        return []

    def body() -> str | Segments:  # grouping too is done when the page is read (on whichever core converts it)
        sites, entries = ctx.derived("links", ["links"], lambda: _arranged(kb.links))
        hrefs: dict[str, str] = {}  # one href per note, however many links it holds

        def notes(entry: Cited) -> list[tuple[str, str]]:
            shown = []
            for path in entry.paths:
                note = kb.notes.get(path)
                if note is None:
                    continue
                href = hrefs.get(path)
                if href is None:
                    href = hrefs[path] = ctx.note_href(PAGE, path)
                shown.append((note.title, href))
            return shown

        groups = [SiteGroup(labels.get(s, s), "site-" + name_slug(s), cited) for s, cited in sites]
        # Each entry kept across serve rebuilds while it is the same (its URL, text and citing notes);
        # one whose notes kept their names is taken by its place, unread (KeptItems.many).
        item = ctx.items("links_entry.html", "entry", PAGE, lambda e: (e.url, e.text, tuple(notes(e))),
                         view=lambda e: LinkEntry(e.url, e.text, notes(e)))
        frame = (len(entries), tuple((g.name, g.slug, len(g.entries)) for g in groups))  # what links.html reads besides items
        unchanged = ctx.unchanged_notes()
        return ctx.segmented("links.html", PAGE, frame, entries, "item", item, groups=groups, total=len(entries),
                             unchanged=None if unchanged is None else lambda e: unchanged(e.paths))

    return [GeneratedPage(PAGE, ctx.labels["links"], body)]

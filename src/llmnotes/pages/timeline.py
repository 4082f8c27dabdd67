"""The timeline page: every dated event, grouped by year then month, each linking to its note.

The list is complete and readable without JavaScript (oldest first); `timeline.js`
adds the text filter, the tag filter and the order toggle on top of the same HTML.
Event text is Markdown from notes: we render the few inline forms a timeline needs
(wiki-links, note links, URLs, bold, code) ourselves, escaping everything else.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from markupsafe import Markup

from ..model import TimelineEvent
from ..wikilinks import MDLINK, SCHEME, nearest
from . import GeneratedPage, PageContext, Segments

PAGE = "timeline.md"

_INLINE = re.compile(
    r"(?P<wiki>!?\[\[(?P<wt>[^\[\]\n]+?)\]\])"
    r"|(?P<md>" + MDLINK.pattern + r")"
    r"|(?P<url>https?://[^\s<>()\[\]{}\"'`，。；！？、）》」]+)"
    r"|\*\*(?P<bold>[^*\n]+)\*\*"
    r"|`(?P<code>[^`\n]+)`"
)
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass
class Month:
    key: str  # "2017-06", or "2017" for events dated to the year only
    label: str
    events: list[TimelineEvent] = field(default_factory=list)


@dataclass
class Year:
    year: str
    months: list[Month] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(m.events) for m in self.months)


def group(events: list[TimelineEvent]) -> list[Year]:
    """Years, then months (year-only events first in their year), oldest first."""
    years: dict[str, Year] = {}
    for ev in sorted(events, key=lambda e: (e.date.start, e.date.end or "", e.source.note, e.source.line)):
        y = ev.date.start[:4]
        year = years.setdefault(y, Year(y))
        key = ev.date.start[:7]
        if not year.months or year.months[-1].key != key:
            year.months.append(Month(key, key if len(key) == 7 else ""))
        year.months[-1].events.append(ev)
    return list(years.values())


class InlineRenderer:
    """Event Markdown → escaped HTML whose links point at note, concept and external pages."""

    def __init__(self, ctx: PageContext, page_path: str):
        self.ctx = ctx
        self.kb = ctx.kb
        self.page_path = page_path
        self.resolver = ctx.kb.resolver  # the one its links were resolved with (kept across rebuilds)

    def __call__(self, text: str, note_path: str) -> Markup:
        out: list[str] = []
        pos = 0
        for m in _INLINE.finditer(text):
            out.append(html.escape(text[pos:m.start()], quote=False))
            out.append(self._piece(m, note_path))
            pos = m.end()
        out.append(html.escape(text[pos:], quote=False))
        return Markup("".join(out))

    def _piece(self, m: re.Match[str], note_path: str) -> str:
        if m.group("wiki"):
            inner = m.group("wt")
            target, _, label = inner.partition("|")
            name, _, frag = target.partition("#")
            shown = (label or target).strip()
            if m.group(0).startswith("!"):
                return html.escape(shown, quote=False)
            return self._link(self._note_or_concept(name.strip(), note_path, frag.strip()), shown)
        if m.group("md"):
            inner = MDLINK.match(m.group("md"))
            assert inner is not None
            label, url = inner.group(2), inner.group(3).strip("<>")
            if inner.group(1):  # an image: its alt text
                return html.escape(label, quote=False)
            if url.startswith(_SAFE_SCHEMES):
                return self._link(url, label, external=True)
            if SCHEME.match(url) or url.startswith(("#", "/")):
                return html.escape(label, quote=False)
            path, _, frag = url.partition("#")
            hit = self.resolver.resolve_path(unquote(path), note_path)
            if hit is None:
                found = self.resolver.candidates(posixpath.basename(unquote(path)))
                hit = nearest(found, note_path) if found else None
            if hit is not None:
                return self._link(self.ctx.href(self.page_path, self.kb.notes[hit].page_path, unquote(frag)), label)
            return self._link(self._note_or_concept(posixpath.splitext(posixpath.basename(unquote(path)))[0],
                                                    note_path, ""), label)
        if m.group("url"):
            url = m.group("url").rstrip(".,;:")
            tail = m.group("url")[len(url):]
            return self._link(url, url, external=True) + html.escape(tail, quote=False)
        if m.group("bold"):
            return f"<strong>{html.escape(m.group('bold'), quote=False)}</strong>"
        return f"<code>{html.escape(m.group('code'), quote=False)}</code>"

    def _note_or_concept(self, name: str, note_path: str, frag: str) -> str | None:
        found = self.resolver.candidates(name)
        if found:
            from ..urls import anchor

            target = self.kb.notes[nearest(found, note_path)].page_path
            return self.ctx.href(self.page_path, target, anchor(frag) if frag else "")
        concept = self.kb.concept_for(name)
        if concept is not None and self.ctx.options.get("concepts", True) is not False:
            return self.ctx.href(self.page_path, concept.page_path)
        return None

    @staticmethod
    def _link(href: str | None, label: str, external: bool = False) -> str:
        text = html.escape(label, quote=False)
        if href is None:
            return text
        rel = ' rel="noopener"' if external else ""
        return f'<a href="{html.escape(href, quote=True)}"{rel}>{text}</a>'


def date_label(ev: TimelineEvent, present: str) -> str:
    """"2017-06", "2023 – 至今", "2014 – 2016"."""
    d = ev.date
    if d.end is None:
        return d.start
    return f"{d.start} – {present if d.end == 'present' else d.end}"


def key(ctx: PageContext) -> list[str]:
    """What `build` and timeline.html read: the events; note titles, names and pages (event
    sources, links in event text), concept pages and tag names (`Fingerprints.names`)."""
    return [ctx.fingerprints.names(), ctx.fingerprints.part("events")]


def event_key(ctx: PageContext, tag_pages: bool) -> Callable[[TimelineEvent], tuple]:
    """What the `event` macro of timeline_event.html reads of one event besides labels and
    templates: the event, its note's title and page, whether each of its tags has a page,
    and, for text holding a link (`[`), the names links resolve to (`Fingerprints.names`)."""
    kb = ctx.kb
    names = ctx.fingerprints.names() if ctx.fingerprints is not None else ""
    shown: dict[str, tuple[str, str]] = {}  # note path → its title and page: each note's once, not each event's
    pages: dict[tuple[str, ...], tuple[bool, ...]] = {}  # an event's tags → whether each has a page

    def key(ev: TimelineEvent) -> tuple:
        note = shown.get(ev.source.note)
        if note is None:
            n = kb.notes[ev.source.note]
            note = shown[ev.source.note] = (n.title, n.page_path)
        tags = tuple(ev.tags)
        has_page = ()
        if tag_pages:
            has_page = pages.get(tags)
            if has_page is None:
                has_page = pages[tags] = tuple(t in kb.tags for t in tags)
        return (ev.date.start, ev.date.end, ev.text, tags, ev.source.note, ev.source.line, ev.inferred,
                note, has_page, names if "[" in ev.text else "")

    return key


def unchanged_events(ctx: PageContext, tag_pages: bool) -> Callable[[TimelineEvent], bool] | None:
    """Whether what `event_key` reads of an event besides the event itself is as at the last build
    (KeptItems.many): its note's title and page; its tags' pages (whether each has one); the
    names its text's links resolve by. None when that cannot be told."""
    fp = ctx.fingerprints
    changed = fp.changed_notes() if fp is not None else None
    if changed is None or (tag_pages and not fp.same_as_last("tags")):
        return None
    if fp.same_names_as_last():
        return lambda ev: ev.source.note not in changed
    return lambda ev: ev.source.note not in changed and "[" not in ev.text


def _arranged(events: list[TimelineEvent]) -> tuple[list[Year], list[str], list[TimelineEvent], tuple]:
    """What the page shows of the events as a whole: years and months, every tag, the events in
    the page's order, and the frame (what timeline.html reads besides the events' items)."""
    tags = sorted({t for ev in events for t in ev.tags}, key=str.casefold)
    years = group(events)
    frame = (tuple(tags), len(events), tuple((y.year, y.count, tuple((m.key, m.label, len(m.events))
                                                                   for m in y.months)) for y in years))
    return years, tags, [ev for y in years for m in y.months for ev in m.events], frame


def build(ctx: PageContext) -> list[GeneratedPage]:
    kb, L = ctx.kb, ctx.labels

    def body() -> str | Segments:  # grouping too is done when the page is read (on whichever core converts it)
        years, tags, events, frame = ctx.derived("timeline", ["events"], lambda: _arranged(kb.events))
        tag_pages = ctx.options.get("tags", True) is not False
        parts = {"inline": InlineRenderer(ctx, PAGE), "tag_pages": tag_pages,
                 "date_label": lambda ev: date_label(ev, L["present"])}
        # Each event's item, kept across serve rebuilds while what it shows is the same: an edit of
        # one note, or a retitle, renders that note's events again, not the 8,000 of a large timeline.
        item = ctx.items("timeline_event.html", "event", PAGE, event_key(ctx, tag_pages), **parts)
        return ctx.segmented("timeline.html", PAGE, frame, events, "item", item, years=years, tags=tags,
                             count=len(kb.events), unchanged=unchanged_events(ctx, tag_pages), **parts)

    return [GeneratedPage(PAGE, L["timeline"], body)]

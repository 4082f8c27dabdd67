"""A long generated page whose change reaches only its items: its last output with the items swapped.

A retitle changes the source label of every event, link and paper of the note: the
timeline, the links page and the paper index change in a few items each. Rendering them
again costs far more than that: the three pages are 13 MB of HTML at 2,000 notes, and
every pass over them (reading the page, handing search its indexed part, restoring it,
the theme's template, collapsing the chrome, writing) copies megabytes; together they
took half of a retitle's rebuild. Such a page is rendered in `Segments` (pages/__init__.py):
the template's pieces around the items, the same while everything but the items is.

When a page is rendered, `layout` finds how its output holds those pieces: the theme's
output before the content (`head`) and after it (`tail`), and each piece as the page shows
it (search.py's brackets and data-search-* attributes taken out). The next rebuild whose
Segments have the same pieces writes `head + pieces and new items + tail`: the page the
theme would render, as the theme prints the content as it is and nothing else of it.
The page's search entries are the last build's: every item sits inside an element that
search.py keeps out of the index, so what search indexes is made of the pieces alone.

A page whose output does not hold its pieces so (a piece changed by the restoring, an
item that would be, an item outside the excluded elements) has no layout: it is
rendered as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import search
from .pages import Segments
from .textutil import as_written


@dataclass(frozen=True)
class Layout:
    """How a page's last output holds its Segments."""

    front: str  # the page's front matter (its title and meta) at that build
    static: tuple[str, ...]  # the Segments' pieces, as rendered
    head: str  # the output before the content
    shown: tuple[str, ...]  # each piece as the output holds it
    tail: str  # the output after the content
    # UTF-8 of the pieces and the tail, and of each item last written (by identity, with the
    # item kept alive): a retitle encodes the few items it changed, not 13 MB of page again.
    # Shared by the layouts `dataclasses.replace` makes of this one (a new head).
    encoded: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def output(self, items: Sequence[str], head: str | None = None) -> bytes:
        """The page, as written (UTF-8), with `items` in place of the last build's (and `head`, when given)."""
        if "pieces" not in self.encoded:
            self.encoded["pieces"] = (tuple(as_written(s) for s in self.shown), as_written(self.tail))
        shown, tail = self.encoded["pieces"]
        last: dict[int, tuple[str, bytes]] = self.encoded.get("items", {})
        now: dict[int, tuple[str, bytes]] = {}
        written: list[bytes] = []
        for item in items:
            known = last.get(id(item))
            if known is None or known[0] is not item:
                known = (item, as_written(item))
            now[id(item)] = known
            written.append(known[1])
        self.encoded["items"] = now
        return Segments(shown, written).joined(as_written(self.head if head is None else head), tail)



def layout(output: str, content: str, front: str, segments: Segments) -> Layout | None:
    """How `output`, a page's HTML as written, holds `segments`, or None where it does not as
    `Layout.output` needs. `content`: the page's HTML as the theme printed it (page.content)."""
    if not splicable(segments.items) or not _items_excluded(segments.static):
        return None
    shown = [search.without_search_attributes(_unbracketed(s)) for s in segments.static]
    joined = Segments(tuple(shown), segments.items).joined()
    lead = len(joined) - len(joined.lstrip())
    trail = len(joined) - len(joined.rstrip())
    if lead > len(shown[0]) or trail > len(shown[-1]) or (len(shown) == 1 and lead + trail > len(shown[0])):
        return None  # the page's stripping reached an item
    shown[0] = shown[0][lead:]
    shown[-1] = shown[-1][:len(shown[-1]) - trail]
    at = output.find(content)
    if at < 0 or joined[lead:len(joined) - trail] != content:
        return None
    return Layout(front, segments.static, output[:at], tuple(shown), output[at + len(content):])


def splicable(items: Sequence[str]) -> bool:
    """Whether no item holds what restoring a page takes out (search.py): each shows as it is."""
    return not any("data-search-" in s or "llmnotes-search-exclude" in s for s in items)


def _unbracketed(piece: str) -> str:
    """search.unbracketed of a piece, which may hold one bracket of a pair."""
    return piece.replace(search.EXCLUDED_START, "").replace(search.EXCLUDED_END, "")


def _items_excluded(static: tuple[str, ...]) -> bool:
    """Whether each item sits inside one of the elements search.py keeps out of the index."""
    depth = 0
    for piece in static[:-1]:
        depth += piece.count(search.EXCLUDED_START) - piece.count(search.EXCLUDED_END)
        if depth != 1:
            return False
    return True

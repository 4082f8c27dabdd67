"""What Material's pruned navigation shows on each page: which pages a change of the navigation reaches.

With `navigation.prune`, a page's navigation holds every top-level entry, the sections
on its own path opened (each child's title and link), and every other section pruned
to its title and a link to its first page; its footer links the previous and next
pages by title. So retitling or adding a note in one folder changes the pages of that
folder, its neighbours and, when it becomes a section's first page, the links to that
section: not the other 1,900 pages of a 2,000-note vault. `views` gives each page a
digest of what its navigation and footer show; a page whose digest is the same as at
the last build shows the same navigation.

Other navigation features (tabs, sections, expand, indexes, breadcrumbs) open more of
the navigation on every page; without prune every page shows all of it. For those
`supported` says no, and a change of the navigation re-renders every page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

# Features that show more of the navigation than prune's model holds.
_WIDER = ("navigation.tabs", "navigation.sections", "navigation.expand", "navigation.indexes", "navigation.path")


def supported(config: Any) -> bool:
    """Whether `views` models the navigation this site's theme renders."""
    theme = config.theme
    if getattr(theme, "name", None) != "material":
        return False
    features = list(theme.get("features") or ())
    return "navigation.prune" in features and not any(f in features for f in _WIDER)


def _is_section(item: Any) -> bool:
    return getattr(item, "children", None) is not None and not hasattr(item, "file")


def _first_url(section: Any) -> str:
    """Where a pruned section links: its first page, looked for through its first sections."""
    item = section
    while _is_section(item) and item.children:
        item = item.children[0]
    return "" if _is_section(item) else str(getattr(item, "url", ""))


def views(items: list, pages: Iterable[Any], shown: Mapping[str, str]) -> dict[str, str]:
    """src_uri → digest of what the navigation and the footer show on that page.

    `items`: the navigation's top-level entries; `pages`: every documentation page (those
    out of the navigation too); `shown[src_uri]`: what the navigation shows of a page as
    its title (a changed title must change the digest of the pages that show it).
    """

    def entry(item: Any) -> str:
        file = getattr(item, "file", None)
        if file is not None:
            return f"P\t{item.url}\t{shown.get(file.src_uri, '')}"
        return f"L\t{getattr(item, 'url', '')}\t{getattr(item, 'title', '')}"

    opened: dict[tuple[int, ...], str] = {}  # ids of the open sections → digest of the navigation

    def navigation(path: tuple[int, ...]) -> str:
        done = opened.get(path)
        if done is None:
            h = hashlib.blake2b(digest_size=16)
            for part in _walk(items, set(path), entry):
                h.update(part.encode("utf-8", "surrogatepass"))
                h.update(b"\0")
            done = opened[path] = h.hexdigest()
        return done

    out: dict[str, str] = {}
    for page in pages:
        path: list[int] = []
        parent = getattr(page, "parent", None)
        while parent is not None:
            path.append(id(parent))
            parent = getattr(parent, "parent", None)
        around = [entry(p) if p is not None else "-" for p in (page.previous_page, page.next_page)]
        out[page.file.src_uri] = hashlib.blake2b(
            "\0".join([navigation(tuple(path)), *around]).encode("utf-8", "surrogatepass"),
            digest_size=16).hexdigest()
    return out


def _walk(items: list, open_ids: set[int], entry: Any) -> Iterable[str]:
    """The navigation as a page with the sections `open_ids` open renders it, as strings."""
    for item in items:
        if not _is_section(item):
            yield entry(item)
        elif id(item) in open_ids:
            yield f"S+\t{item.title}"
            yield from _walk(item.children, open_ids, entry)
            yield "S-"
        else:
            yield f"S\t{item.title}\t{_first_url(item)}\t{bool(item.children)}"


def shape(items: list) -> str:
    """Digest of the navigation with every section open and no page's title: equal at two builds
    when the navigation holds the same pages at the same places, whatever their titles."""
    h = hashlib.blake2b(digest_size=16)

    def walk(entries: list) -> None:
        for item in entries:
            if _is_section(item):
                h.update(f"S+\t{item.title}\0".encode("utf-8", "surrogatepass"))
                walk(item.children)
                h.update(b"S-\0")
            elif getattr(item, "file", None) is not None:  # a page: its place, not its title
                h.update(f"P\t{item.url}\0".encode("utf-8", "surrogatepass"))
            else:  # a link of the site's own navigation: what it shows is set in mkdocs.yml
                h.update(f"L\t{getattr(item, 'url', '')}\t{getattr(item, 'title', '')}\0"
                         .encode("utf-8", "surrogatepass"))

    walk(items)
    return h.hexdigest()


def shows(page: Any, item: Any) -> bool:
    """Whether `page`'s pruned navigation shows `item` as an entry of its own: every section above
    `item` is open on `page` (is above `page` too)."""
    opened = set()
    parent = getattr(page, "parent", None)
    while parent is not None:
        opened.add(id(parent))
        parent = getattr(parent, "parent", None)
    parent = getattr(item, "parent", None)
    while parent is not None:
        if id(parent) not in opened:
            return False
        parent = getattr(parent, "parent", None)
    return True

"""The theme's navigation, each entry rendered once per folder of pages instead of once per page.

Material renders the whole navigation into every page: at 2,000 notes in folders of a
hundred, ~120 entries per page and most of the template time of a build. Yet an entry
renders the same on every page where it is not on the path to the current page (not
`active`), except for its links, which are relative to the page, so the same for every
page of one folder. `install` serves the theme's `partials/nav-item.html` with its
`render` macro wrapped in a call to a `NavMemo`, which reuses the output of an inactive
entry for every page whose links to it are written the same.

Even a reused entry costs a Jinja macro call, more than the rest of its loop. So the two
loops that call `render` once per entry, over the top of the navigation
(`partials/nav.html`) and over a section's children, are done by `NavMemo.entries`,
which writes the loop's own whitespace around each entry and calls `render` only for an
entry it has not kept.

The templates are made from the installed theme's own text, and only where it is laid
out as expected; otherwise the theme renders as it always did.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page

TEMPLATE = "partials/nav-item.html"
_OPEN = "{% macro render(nav_item, path, level, parent) %}"
_CLOSE = "{% endmacro %}"
_CALL = "{% call llmnotes_nav_memo(nav_item, path, level, parent, page) %}"


def wrap_render_macro(source: str) -> str | None:
    """The template with `render`'s body inside the memo call, or None if it is not laid out as expected."""
    start = source.find(_OPEN)
    end = source.rfind(_CLOSE)
    if start < 0 or end < start:
        return None
    body = source[start + len(_OPEN):end]
    if "{% macro" in body or "{% endmacro" in body or "caller" in body:
        return None  # `render` is not the last macro: the layout changed, leave it alone
    return source[:start] + _OPEN + _CALL + body + "{% endcall %}" + source[end:]


# The two loops that call `render` once per entry, as the theme writes them. The text
# between their tags is whitespace, which the loop writes as is around each entry.
_CHILDREN_LOOP = re.compile(
    r'\{% for item in nav_item\.children %\}(\s*)'
    r'\{% if not index or item != index %\}(\s*)'
    r'\{\{ render\(item, path ~ "_" ~ loop\.index, level \+ 1, nav_item\) \}\}(\s*)'
    r'\{% endif %\}(\s*)'
    r'\{% endfor %\}')
_CHILDREN_CALL = "{{ llmnotes_nav_children(nav_item.children, index, path, level, nav_item, page, render) }}"
TOP_TEMPLATE = "partials/nav.html"
_TOP_LOOP = re.compile(
    r'\{% for nav_item in nav\.items %\}(\s*)'
    r'\{% set path = "__nav_" ~ loop\.index %\}(\s*)'
    r'\{\{ item\.render\(nav_item, path, 1\) \}\}(\s*)'
    r'\{% endfor %\}')
_TOP_CALL = "{{ llmnotes_nav_top(nav.items, page, item.render) }}"


def unroll_loop(source: str, loop: re.Pattern[str], call: str) -> tuple[str, tuple[str, ...]] | None:
    """The template with `loop` replaced by `call`, and the whitespace between the loop's
    tags; None unless the loop is there exactly once."""
    found = list(loop.finditer(source))
    if len(found) != 1:
        return None
    return source[:found[0].start()] + call + source[found[0].end():], found[0].groups()


def _parts(url: str) -> list[str]:
    """A page URL as MkDocs's relative links see it: folder parts, a file name dropped."""
    folder, _, last = url.rpartition("/")
    if "." in last:
        url = folder
    norm = posixpath.normpath("/" + url).lstrip("/")
    return [p for p in norm.split("/") if p]


class NavMemo:
    """Rendered navigation entries of one build, by entry, position and folder of the page."""

    def __init__(self) -> None:
        self._store: dict[tuple, Any] = {}
        self._folders: dict[int, frozenset[tuple[str, ...]]] = {}
        self._where: dict[str, tuple[tuple[str, ...], int, tuple[str, ...]]] = {}
        self._lists: dict[int, tuple[frozenset[int], dict[tuple[str, ...], set[int]]]] = {}
        self._runs: dict[tuple, dict[int, str]] = {}
        # The whitespace of the theme's loops: before, inside the condition, after, end
        self.children_text = self.top_text = ("", "", "", "")
        self.unrolled: list[str] = []  # the templates whose loops are done here
        self.hits = 0
        self.misses = 0

    def _linked_folders(self, item: Any) -> frozenset[tuple[str, ...]]:
        """Every folder an entry's links lead into: the parts of the pages it links to (itself, or
        every page below a section) and all their leading parts."""
        hit = self._folders.get(id(item))
        if hit is None:
            urls = [item.url] if isinstance(item, Page) else [p.url for p in _pages_below(item)]
            hit = self._folders[id(item)] = frozenset(
                tuple(parts[:k]) for parts in map(_parts, urls) for k in range(1, len(parts) + 1))
        return hit

    def _place(self, url: str) -> tuple[tuple[str, ...], int, tuple[str, ...]]:
        """A page's folder parts, their number and the parts of its parent folder."""
        hit = self._where.get(url)
        if hit is None:
            here = tuple(_parts(url))
            hit = self._where[url] = (here, len(here), here[:-1])
        return hit

    def _key(self, nav_item: Any, path: Any, level: Any, parent: Any, page: Any) -> tuple | None:
        """Where an entry's output is kept, or None if it must be rendered for this page alone."""
        if page is None or isinstance(page, jinja2.Undefined) or getattr(nav_item, "active", True) \
                or not isinstance(nav_item, (Page, Section)):
            return None
        here, n, up = self._place(page.url or "")
        # A link to a page inside the current page's own folder is written differently from
        # its siblings' (`x/` rather than `../name/x/`): such an entry is rendered afresh.
        if n and here in self._linked_folders(nav_item):
            return None
        parent_active = bool(parent is not None and not isinstance(parent, jinja2.Undefined)
                             and getattr(parent, "active", False))
        return (id(nav_item), str(path), str(level), parent_active, n, up)

    def __call__(self, nav_item: Any, path: Any, level: Any, parent: Any, page: Any, *, caller: Any) -> Any:
        key = self._key(nav_item, path, level, parent, page)
        if key is None:
            return caller()
        hit = self._store.get(key)
        if hit is None:
            self.misses += 1
            hit = self._store[key] = caller()
        else:
            self.hits += 1
        return hit

    def children(self, children: Any, index: Any, path: Any, level: Any, section: Any, page: Any,
                 render: Any) -> Markup:
        """The theme's loop over a section's children: `render(child, path_i, level + 1, section)`
        for each but the section's index page."""
        return self.entries(children, index, "".join((str(path), "_")), level + 1, (section,), page,
                            render, self.children_text)

    def top(self, items: Any, page: Any, render: Any) -> Markup:
        """The theme's loop over the top of the navigation: `render(item, "__nav_" ~ i, 1)`."""
        return self.entries(items, None, "__nav_", 1, (), page, render, self.top_text)

    def entries(self, items: Any, index: Any, prefix: str, level: Any, parent: tuple, page: Any,
                render: Any, text: tuple[str, ...]) -> Markup:
        """What a loop of the theme writes over `items`, numbered from 1: the loop's whitespace
        around `render(item, prefix ~ i, level, *parent)`, only the whitespace for an item
        equal to `index`. An entry written the same for every page of this folder is kept
        whole, with its whitespace, under the position of the loop and the folder."""
        before, inside, after, end = text
        run = None
        if isinstance(items, list) and page is not None and not isinstance(page, jinja2.Undefined):
            here, n, up = self._place(page.url or "")
            parent_active = bool(parent and parent[0] is not None and not isinstance(parent[0], jinja2.Undefined)
                                 and getattr(parent[0], "active", False))
            run = self._runs.setdefault((id(items), prefix, str(level), parent_active, n, up), {})
            fixed, into = self._shape(items)
            # What `_key` would not keep: another kind of entry, one linking into this page's folder
            fresh = fixed | into[here] if n and here in into else fixed
        out: list[str] = []
        for i, item in enumerate(items, 1):
            if not index or item != index:
                if run is not None and i not in fresh and not item.active:
                    seg = run.get(i)
                    if seg is None:
                        seg = run[i] = "".join((before, inside, str(render(item, prefix + str(i), level, *parent)),
                                                after, end))
                    else:
                        self.hits += 1
                else:
                    seg = "".join((before, inside, str(render(item, prefix + str(i), level, *parent)), after, end))
                out.append(seg)
            else:
                out += (before, end)
        return Markup("".join(out))

    def _shape(self, items: list) -> tuple[frozenset[int], dict[tuple[str, ...], set[int]]]:
        """Of a list of entries: the positions of those never kept (not a page or a section),
        and for each folder the positions of the entries that link into it."""
        hit = self._lists.get(id(items))
        if hit is None:
            fixed = frozenset(i for i, item in enumerate(items, 1) if not isinstance(item, (Page, Section)))
            into: dict[tuple[str, ...], set[int]] = {}
            for i, item in enumerate(items, 1):
                if i not in fixed:
                    for folder in self._linked_folders(item):
                        into.setdefault(folder, set()).add(i)
            hit = self._lists[id(items)] = (fixed, into)
        return hit


def _pages_below(section: Any) -> list[Any]:
    out: list[Any] = []
    for child in getattr(section, "children", None) or []:
        if isinstance(child, Page):
            out.append(child)
        elif isinstance(child, Section):
            out.extend(_pages_below(child))
    return out


def _newlines(env: jinja2.Environment, text: tuple[str, ...]) -> tuple[str, ...]:
    """Template text as Jinja writes it: with the environment's newlines."""
    return tuple(re.sub(r"\r\n|\r|\n", lambda _: env.newline_sequence, t) for t in text)


def install(env: jinja2.Environment) -> NavMemo | None:
    """Serve the wrapped navigation templates from `env`; None when the theme has no such template."""
    try:
        source, _, _ = env.loader.get_source(env, TEMPLATE)
    except (jinja2.TemplateNotFound, AttributeError):
        return None
    wrapped = wrap_render_macro(source)
    if wrapped is None:
        return None
    memo = NavMemo()
    env.globals["llmnotes_nav_memo"] = memo
    served = {TEMPLATE: wrapped}
    # Options that trim template text around tags, or a finalizer of printed values, would
    # change what a loop writes: then Jinja runs the loops.
    if not env.trim_blocks and not env.lstrip_blocks and env.finalize is None:
        unrolled = unroll_loop(wrapped, _CHILDREN_LOOP, _CHILDREN_CALL)
        if unrolled is not None:
            served[TEMPLATE], text = unrolled
            memo.children_text = _newlines(env, text)
            memo.unrolled.append(TEMPLATE)
            env.globals["llmnotes_nav_children"] = memo.children
        try:
            top, _, _ = env.loader.get_source(env, TOP_TEMPLATE)
        except jinja2.TemplateNotFound:
            top = ""
        unrolled = unroll_loop(top, _TOP_LOOP, _TOP_CALL)
        if unrolled is not None:
            served[TOP_TEMPLATE], text = unrolled
            memo.top_text = _newlines(env, (*text, ""))
            memo.unrolled.append(TOP_TEMPLATE)
            env.globals["llmnotes_nav_top"] = memo.top
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader(served), env.loader])
    return memo

"""The theme's navigation, each entry rendered once per folder of pages instead of once per page.

Material renders the whole navigation into every page: at 2,000 notes in folders of a
hundred, ~120 entries per page and most of the template time of a build. Yet an entry
renders the same on every page where it is not on the path to the current page (not
`active`), except for its links, which are relative to the page, so the same for every
page of one folder. `install` serves the theme's `partials/nav-item.html` with its
`render` macro wrapped in a call to a `NavMemo`, which reuses the output of an inactive
entry for every page whose links to it are written the same.

The wrapping is made from the installed theme's own template text, and only when the
macro is where it is expected; otherwise the theme renders as it always did.
"""

from __future__ import annotations

import posixpath
from typing import Any

import jinja2
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
        self._targets: dict[int, list[list[str]]] = {}
        self.hits = 0
        self.misses = 0

    def _links(self, item: Any) -> list[list[str]]:
        """The pages an entry can link to: itself, or every page below a section."""
        hit = self._targets.get(id(item))
        if hit is None:
            urls = [item.url] if isinstance(item, Page) else [p.url for p in _pages_below(item)]
            hit = self._targets[id(item)] = [_parts(u) for u in urls]
        return hit

    def __call__(self, nav_item: Any, path: Any, level: Any, parent: Any, page: Any, *, caller: Any) -> Any:
        if page is None or isinstance(page, jinja2.Undefined) or getattr(nav_item, "active", True) \
                or not isinstance(nav_item, (Page, Section)):
            return caller()
        here = _parts(page.url or "")
        n = len(here)
        # A link to a page inside the current page's own folder is written differently from
        # its siblings' (`x/` rather than `../name/x/`): such an entry is rendered afresh.
        if n and any(t[:n] == here for t in self._links(nav_item)):
            return caller()
        parent_active = bool(parent is not None and not isinstance(parent, jinja2.Undefined)
                             and getattr(parent, "active", False))
        key = (id(nav_item), str(path), str(level), parent_active, n, tuple(here[:-1]))
        hit = self._store.get(key)
        if hit is None:
            self.misses += 1
            hit = self._store[key] = caller()
        else:
            self.hits += 1
        return hit


def _pages_below(section: Any) -> list[Any]:
    out: list[Any] = []
    for child in getattr(section, "children", None) or []:
        if isinstance(child, Page):
            out.append(child)
        elif isinstance(child, Section):
            out.extend(_pages_below(child))
    return out


def install(env: jinja2.Environment) -> NavMemo | None:
    """Serve the wrapped navigation template from `env`; None when the theme has no such template."""
    try:
        source, _, _ = env.loader.get_source(env, TEMPLATE)
    except (jinja2.TemplateNotFound, AttributeError):
        return None
    wrapped = wrap_render_macro(source)
    if wrapped is None:
        return None
    memo = NavMemo()
    env.globals["llmnotes_nav_memo"] = memo
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({TEMPLATE: wrapped}), env.loader])
    return memo

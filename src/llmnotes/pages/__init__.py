"""Generated pages: reduce the whole knowledge base into pages no note holds.

Each module here is an emitter (`build(ctx) -> list[GeneratedPage]`); its Jinja
template lives in `templates/` under the same name, where a site's `custom_dir`
can override it. A page's body is HTML rendered with autoescaping on (text from
notes is always data), wrapped in one `<div markdown="0">`: the plugin publishes it
as it is, without a pass through Python-Markdown.

An emitter hands its bodies over unrendered (`ctx.later`): a page's HTML is made when
MkDocs first reads the page, which in a parallel build is in the worker that builds it
(parallel.py), so the timeline and paper index render on all cores instead of before them.

A long page (the timeline, the paper index, the links page) renders its items with
`ctx.segmented`: in serve its body is kept as `Segments`, the template's pieces around
its items, so a rebuild whose change reaches only items (a retitle changes the source
label of a note's events) writes the page from its last output (splice.py) instead of
passing megabytes of HTML through the theme again.

An emitter may also define `key(ctx) -> list[str]`: digests of every part of the
knowledge base its pages and templates read (`ctx.fingerprints`). In `serve`, when
those, the labels, options, URLs style and template files are all unchanged, its pages
from the last rebuild are reused (`ctx.memo`): a timeline is not rendered again for an
edit that changed no event. A template reading a new part of `kb` must be matched by
its emitter's `key`.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, AnyStr

import jinja2
from markupsafe import Markup

from ..cache import Fingerprints, Memo, digest
from ..i18n import Labels
from ..render import front_matter
from ..urls import page_url, relative_url

if TYPE_CHECKING:
    from ..kb import KnowledgeBase

# Emitters in the order their pages appear in the navigation.
EMITTERS = ["home", "timeline", "papers", "roadmap", "links", "tags", "concepts"]


def templates_dir() -> Path:
    """Inside the wheel the templates sit in the package; in a checkout, at the repo top."""
    packaged = Path(__file__).resolve().parents[1] / "templates"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[3] / "templates"


@dataclass(frozen=True)
class Segments:
    """A body as its template's pieces around its items and each item's HTML, in order:
    `static[0] + items[0] + static[1] + ... + items[-1] + static[-1]`."""

    static: tuple[str, ...]
    items: Sequence[str]

    def joined(self, head: AnyStr = "", tail: AnyStr = "") -> AnyStr:  # type: ignore[assignment]
        """The body (between `head` and `tail`, joined at once: a long page is megabytes).
        Segments of bytes join into bytes (`head` says which)."""
        empty = head[:0]
        parts: list[AnyStr] = [empty] * (2 * len(self.items) + 3)
        parts[1:-1:2] = self.static
        parts[2:-1:2] = self.items
        parts[0], parts[-1] = head, tail
        return empty.join(parts)


@dataclass
class GeneratedPage:
    path: str  # source path in the site, e.g. "timeline.md"
    title: str
    body: str | Segments | Callable[[], str | Segments]  # Markdown/HTML body (no front matter), or what renders it
    meta: dict[str, Any] = field(default_factory=dict)
    segments: Segments | None = None  # the body in pieces, when it was rendered so (`PageContext.segmented`)

    def make_body(self) -> None:
        """Make the body, when it is still what renders it. A body made in Segments is kept so
        (`segments`) until `markdown` is asked for: serve may write the page without it."""
        if callable(self.body):
            made = self.body()
            if isinstance(made, Segments):
                self.segments = made
            self.body = made

    @property
    def markdown(self) -> str:
        """Front matter + body; the same string while title, body and meta are (a page reused
        across serve rebuilds is then recognised as unchanged without hashing it again)."""
        self.make_body()
        if isinstance(self.body, Segments):
            self.body = self.body.joined()
        made = self.__dict__.get("_markdown")
        if made is None or made[0] is not self.title or made[1] is not self.body or made[2] != self.meta:
            made = self.__dict__["_markdown"] = (self.title, self.body, dict(self.meta),
                                                 front_matter(self.title, self.meta) + self.body)
        return made[3]


@dataclass
class PageContext:
    """What every emitter needs: the knowledge base, labels, URLs and templates."""

    kb: KnowledgeBase
    labels: Labels
    use_directory_urls: bool = True
    template_dirs: list[Path] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # page paths of notes: a note wins over a generated page
    memo: Memo | None = None  # generated pages kept across serve rebuilds (see the module docstring)
    fingerprints: Fingerprints | None = None

    def __post_init__(self) -> None:
        self.dirs = tuple(str(d) for d in [*self.template_dirs, templates_dir()])
        self.env = _environment(self.dirs)
        if self.fingerprints is None:
            self.fingerprints = Fingerprints(self.kb)

    def settings_key(self) -> str:
        """What every emitter reads besides the knowledge base: labels, options, URL style, the
        note pages, and the template files (by name, size and time, as Jinja reloads them).
        Made once per context (a build): asked for every page kept (`kept`)."""
        made = self.__dict__.get("_settings")
        if made is None:
            made = self.__dict__["_settings"] = self._settings_key()
        return made

    def _settings_key(self) -> str:
        templates = []
        for d in self.dirs:
            for folder, subdirs, names in os.walk(d):
                subdirs.sort()
                for name in sorted(names):
                    path = os.path.join(folder, name)
                    try:
                        st = os.stat(path)
                    except OSError:
                        continue
                    templates.append((os.path.relpath(path, d), st.st_size, st.st_mtime_ns))
            templates.append(("\0", d))
        return digest(repr(sorted(self.labels.items())), self.labels.language, str(self.use_directory_urls),
                      repr(sorted(self.options.items(), key=lambda kv: kv[0])), repr(sorted(self.taken)),
                      repr(templates))

    def url(self, page_path: str) -> str:
        return page_url(page_path, self.use_directory_urls)

    def href(self, from_page: str, to_page: str, frag: str = "") -> str:
        return relative_url(self.url(from_page), self.url(to_page) + (f"#{frag}" if frag else ""))

    def note_href(self, from_page: str, note_path: str, line: int | None = None) -> str:
        """Link to a note's page; with a line, to the nearest heading is unknown, so the page."""
        return self.href(from_page, self.kb.notes[note_path].page_path)

    def render(self, template: str, page_path: str, **context: Any) -> str:
        return self.env.get_template(template).render(self._variables(page_path, **context))

    def macro(self, template: str, name: str, page_path: str, **context: Any) -> Callable[..., Markup]:
        """Macro `name` of `template`, seeing what `render` gives a template for `page_path`:
        a piece of a page rendered (and kept) on its own."""
        return getattr(self.env.get_template(template).make_module(self._variables(page_path, **context)), name)

    def items(self, template: str, name: str, page_path: str, key: Callable[[Any], tuple],
              view: Callable[[Any], Any] | None = None, **context: Any) -> Callable[[Any], Markup]:
        """Macro `name` of `template` as a function of one item of a long page (an event, a link):
        in serve, each item's HTML is kept across rebuilds under `key(item)`, which must name
        everything the macro reads besides the labels, options and templates (`settings_key`).
        A page of thousands of items then renders again only the items an edit changed.

        `view(item)`, when given, is what the macro is handed: the item with what this build
        adds to it (the titles of the notes citing a link), while the items themselves can
        stay the same objects across rebuilds (`derived`; `KeptItems.many` takes them by place)."""
        make = partial(self.macro, template, name, page_path, **context)
        if self.memo is None:
            return _viewed(make(), view)
        # In serve the macro is made for the first item not kept: a retitle renders a line of a
        # few of a thousand tag pages, and making a template's module costs more than that.
        return KeptItems(_viewed(_on_first_call(make), view), key, self.memo,
                         (template, name, page_path, self.settings_key()))

    def segmented(self, template: str, page_path: str, frame: Hashable, items: Sequence[Any], slot: str,
                  item: Callable[[Any], Markup], unchanged: Callable[[Any], bool] | None = None,
                  **context: Any) -> str | Segments:
        """`render` of a template that prints `slot(x)` for each x of `items`, in order, and reads
        nothing else of them: in serve, the page in `Segments`. The template is rendered once per
        `frame`, which must name everything it reads besides the items, the labels, options and
        templates (`settings_key`), with a marker in place of each item; the items are `item`'s
        (`items`, kept one by one; see `KeptItems.many` for `unchanged`). A template of the
        site's own renders as usual."""
        if self.memo is None or self._overridden(template):
            return self.render(template, page_path, **{slot: item}, **context)
        key = (template, page_path, self.settings_key(), "frame", len(items), frame)
        static = self.memo.get(key, lambda: self._pieces(template, page_path, items, slot, **context))
        if static is None:  # the template did not print each item once, in order
            return self.render(template, page_path, **{slot: item}, **context)
        return Segments(static, item.many(items, unchanged) if isinstance(item, KeptItems) else [item(x) for x in items])

    def _pieces(self, template: str, page_path: str, items: Sequence[Any], slot: str,
                **context: Any) -> tuple[str, ...] | None:
        """The template's output around its items, cut where each item is printed."""
        printed: list[Any] = []

        def marker(x: Any) -> Markup:
            printed.append(x)
            return Markup(f"\0{len(printed) - 1}\0")

        pieces = _MARKER.split(self.render(template, page_path, **{slot: marker}, **context))
        if (len(printed) != len(items) or any(a is not b for a, b in zip(printed, items))
                or pieces[1::2] != [str(n) for n in range(len(items))]):
            return None
        return tuple(pieces[0::2])

    def _overridden(self, template: str) -> bool:
        return any(os.path.exists(os.path.join(d, template)) for d in self.dirs[:-1])

    def _variables(self, page_path: str, **context: Any) -> dict[str, Any]:
        def href(to_page: str, frag: str = "") -> str:
            return self.href(page_path, to_page, frag)

        def note_href(note_path: str) -> str:
            return self.note_href(page_path, note_path)

        return dict(kb=self.kb, L=self.labels, href=href, note_href=note_href, page_path=page_path, **context)

    def unchanged_notes(self) -> Callable[[Iterable[str]], bool] | None:
        """Whether the notes at some paths kept their names (path, page, title, aliases) since
        the last build, removed notes counting as changed; None outside serve or when that
        cannot be told. What an item reading only those of its notes passes as `unchanged`."""
        if self.memo is None or self.fingerprints is None:
            return None
        changed = self.fingerprints.changed_notes()
        return None if changed is None else changed.isdisjoint

    def derived(self, name: str, parts: Sequence[str], make: Callable[[], Any], also: Hashable = ()) -> Any:
        """`make()`, a value made of the knowledge base's `parts` alone (`Fingerprints.part`),
        and of `also`, kept across serve rebuilds while they are equal: a retitle, which changes
        none of the events, does not group 8,000 events again. The value is shared: never change it."""
        if self.memo is None:
            return make()
        return self.memo.get(("derived", name, also, *(self.fingerprints.part(p) for p in parts)), make)

    def later(self, template: str, page_path: str, **context: Any) -> Callable[[], str]:
        """`render`, when the page is first read (a `GeneratedPage` body)."""
        return partial(self.render, template, page_path, **context)

    def kept(self, template: str, page_path: str, key: tuple, **context: Any) -> Callable[[], str]:
        """`later`, kept across serve rebuilds under `key`, which must name everything the template
        reads besides the labels, options and templates (`settings_key`). Of a thousand tag and
        concept pages, a retitle then renders again the few that list the note."""
        render = self.later(template, page_path, **context)
        memo = self.memo
        if memo is None:
            return render
        settings = self.settings_key()
        return lambda: memo.get((template, page_path, settings, key), render)


class KeptItems:
    """`PageContext.items` in serve: each item's HTML kept across rebuilds under its key."""

    def __init__(self, macro: Callable[[Any], Markup], key: Callable[[Any], Hashable], memo: Memo,
                 slot: tuple) -> None:
        self.macro, self.key, self.memo, self.slot = macro, key, memo, slot

    def __call__(self, item: Any) -> Markup:
        last, now = self.memo.table(self.slot)
        k = self.key(item)
        made = now.get(k)
        if made is None:
            made = last.get(k)
            if made is None:
                made = self.macro(item)
                self.memo.misses += 1
            now[k] = made
        return made

    def many(self, items: Sequence[Any], unchanged: Callable[[Any], bool] | None = None) -> list[Markup]:
        """Each item's HTML, in order (the same as calling this for each, with less of the work per item).

        `unchanged(item)`: whether everything the item's key reads besides the item itself is
        as at the last build. When `items` is the very list of the last build (a value the page
        keeps, `PageContext.derived`), an unchanged item takes its last key and HTML by its place,
        without its key being made: a retitle makes the keys of one note's events, not 8,000.
        """
        last, now = self.memo.table(self.slot)
        key, macro = self.key, self.macro
        places = last.get(_PLACES)  # (items, keys, HTML) of the last build
        if unchanged is None or places is None or places[0] is not items:
            unchanged = None
        else:
            now.update(last)  # the last build's keys, kept without hashing them again
            _, last_keys, last_made = places
        keys: list[Hashable] = []
        made: list[Markup] = []
        misses = self.memo.misses
        for i, item in enumerate(items):
            if unchanged is not None and unchanged(item):
                keys.append(last_keys[i])
                made.append(last_made[i])
                continue
            k = key(item)
            html = last.get(k)
            if html is None:
                html = now.get(k)
                if html is None:
                    html = macro(item)
                    self.memo.misses += 1
            now[k] = html
            keys.append(k)
            made.append(html)
        now[_PLACES] = (items, keys, made)
        self.memo.hits += len(items) - (self.memo.misses - misses)
        return made


def _viewed(macro: Callable[[Any], Markup], view: Callable[[Any], Any] | None) -> Callable[[Any], Markup]:
    return macro if view is None else lambda item: macro(view(item))


def _on_first_call(make: Callable[[], Callable[[Any], Markup]]) -> Callable[[Any], Markup]:
    """The function `make()` returns, made when first called."""
    made: list[Callable[[Any], Markup]] = []

    def call(item: Any) -> Markup:
        if not made:
            made.append(make())
        return made[0](item)

    return call


_PLACES = object()  # KeptItems' entry of a table: its items, keys and HTML in order
_MARKER = re.compile("\0([0-9]+)\0")  # where `PageContext._pieces` printed an item
_ENVIRONMENTS: dict[tuple[str, ...], jinja2.Environment] = {}


def _environment(dirs: tuple[str, ...]) -> jinja2.Environment:
    """One Jinja environment per template folders, kept for the process: each `serve` rebuild
    would otherwise compile every template again (~1 s). Jinja still reloads a template whose
    file changed (auto_reload)."""
    env = _ENVIRONMENTS.get(dirs)
    if env is None:
        loaders = [jinja2.FileSystemLoader(d) for d in dirs]
        env = _ENVIRONMENTS[dirs] = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                                                       trim_blocks=True, lstrip_blocks=True)
        env.filters["json_attr"] = json_attr
    return env


def json_attr(value: Any) -> Markup:
    """JSON for an HTML attribute: escaped for any quoting, Chinese kept as it is (`tojson`
    writes each character as `\\uXXXX`, twice the bytes, once per event of a large timeline)."""
    return Markup(html.escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")), quote=True))


def generate_pages(ctx: PageContext) -> list[GeneratedPage]:
    pages: list[GeneratedPage] = []
    settings = ctx.settings_key() if ctx.memo is not None else ""
    for name in EMITTERS:
        if ctx.options.get(name, True) is False:
            continue
        emitter = import_module(f"{__name__}.{name}")
        if ctx.memo is not None and hasattr(emitter, "key"):
            key = digest(name, settings, *emitter.key(ctx))
            emitted = ctx.memo.get(("page", key), lambda emitter=emitter: emitter.build(ctx))
        else:
            emitted = emitter.build(ctx)
        for page in emitted:
            if page.path in ctx.taken:
                continue
            pages.append(page)
    return pages

"""What a build can skip: caches across `serve` rebuilds, and bytes a page does not need.

Each piece is keyed so that a hit is always what a fresh build would produce:

- `collapse_chrome`: the theme's navigation and header are mostly indentation (a pruned
  navigation of a 2,000-note vault is ~30 KB per page, two thirds whitespace); runs of
  whitespace between tags collapse to one newline. Only the part of the page the theme
  writes before the content is touched, so `<pre>` and note text keep every space.
- `render_as_html`: a generated page is HTML already (one `markdown="0"` block that
  Python-Markdown passes through verbatim); skipping the conversion saves its parsing
  of the whole block, seconds for a large timeline or paper index.
- `RenderCache`: Python-Markdown output per page, keyed by the page's final Markdown, its
  path, the set of files links can resolve to and the Markdown configuration. It lives on
  the plugin object, which MkDocs keeps across `serve` rebuilds.
- `Memo`: what a rebuild would compute again from the same inputs (a note's page Markdown,
  a generated page, an export, a search entry), under a key that digests every input the
  computation reads (`digest`). The key is built by the code that reads the inputs
  (render.py, pages/, exports.py), next to what it reads.
- `Incremental`: in a dirty `serve` rebuild (`llmnotes serve`), only pages whose final
  Markdown changed are rendered and written, and, when the navigation changed (a page
  added, removed or retitled), the pages whose navigation or footer shows the change
  (navview.py; every page where the theme's navigation is not modelled there), and the
  pages naming a file added or removed. MkDocs's own `--dirty` decides by file times,
  which says nothing about generated pages (backlinks, tags, timeline), keeps stale titles
  in the navigation, and Material's search then merges only one page's entries: this
  class fixes the three.
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import hashlib
import itertools
import json
import os
import posixpath
import re
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import jinja2

from .extract import same_value

# --------------------------------------------------------------------------- page bytes

_CONTENT_START = '<div class="md-content"'
_CONTENT_END = "</article>"
_BLANK_RUN = re.compile(r"[ \t\r]*\n\s*")
_SCRIPT_OR_STYLE = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>)", re.DOTALL | re.IGNORECASE)
_CLOSING = re.compile(r"</(?:script|style)>", re.IGNORECASE)
# Where the chrome is cut into pieces that repeat from page to page (a navigation entry, a
# header link): between the "<" and the "l" of each <li, <label, <link. A cut between two
# characters that are not whitespace falls in no run of whitespace, and in none of ">\n<",
# "<pre", "<textarea", "</script>", "</style>" (each has one "<", not followed by "l").
_CUT = "<l"
_MIXED, _PRE = 1, 2  # a piece holding </script> or </style>; one holding <pre or <textarea
_WHOLE, _LAST, _INNER = 0, 1, 2  # kinds of text kept: a whole chrome, its last piece, another piece


class _Kept:
    """Collapsed chrome by its text and kind, for the process; starts over past `limit` characters."""

    def __init__(self, limit: int) -> None:
        self.store: dict[tuple[str, int], str | int] = {}
        self.size = 0
        self.limit = limit

    def put(self, key: tuple[str, int], value: str | int) -> str | int:
        size = len(key[0]) + (len(value) if isinstance(value, str) else 0)
        if size > self.limit:  # kept, it would push out everything else
            return value
        if self.size + size > self.limit:
            self.store.clear()
            self.size = 0
        self.store[key] = value
        self.size += size
        return value


_KEPT = _Kept(1 << 24)


def collapse_chrome(output: str) -> str:
    """Whitespace runs holding a newline → one newline (none between two tags), in the theme's
    parts around the content: before it, and after the last `</article>` (the footer)."""
    cut = output.find(_CONTENT_START)
    if cut < 0:
        return output
    end = output.rfind(_CONTENT_END)
    end = end + len(_CONTENT_END) if end > cut else len(output)
    head, body, tail = output[:cut], output[cut:end], output[end:]
    return _collapse(head) + body + _collapse(tail)


def _collapse(chrome: str) -> str:
    """`_collapse_text(chrome)`, from pieces collapsed on earlier pages where it can be.

    After the last `</script>` or `</style>`, no script or style holds a cut, so collapsing
    there is the same piece by piece: each piece, as cut, is collapsed once and kept (a page
    of 2,000 notes has ~140, nearly all kept from pages before it). What comes before is
    collapsed as a whole, with the pieces' output joined to its last part; a chrome with no
    cut after its last script is kept whole."""
    parts = chrome.split(_CUT)
    last = len(parts) - 1
    done: list[str] = []  # collapsed pieces, from the end
    k = last
    while k > 0:
        key = (parts[k], _INNER if k < last else _LAST)
        piece = _KEPT.store.get(key)
        if piece is None:
            text = "".join((_CUT[1:], parts[k], "<" if k < last else ""))
            piece = _KEPT.put(key, _MIXED if _CLOSING.search(text) else
                              _PRE if "<pre" in text or "<textarea" in text else _collapse_text(text))
        if piece == _PRE:
            return chrome
        if piece == _MIXED:
            break
        done.append(piece)  # type: ignore[arg-type]
        k -= 1
    if k == last:
        whole = _KEPT.store.get((chrome, _WHOLE))
        if whole is None:
            whole = _KEPT.put((chrome, _WHOLE), _PRE if "<pre" in chrome or "<textarea" in chrome else
                              _collapse_text(chrome))
        return chrome if whole == _PRE else whole  # type: ignore[return-value]
    before = _CUT.join(parts[:k + 1]) + "<"
    if "<pre" in before or "<textarea" in before:
        return chrome
    done.reverse()
    return _collapse_text(before, "".join(done))


def _collapse_text(chrome: str, rest: str = "") -> str:
    """The collapsed chrome (which holds no `<pre` or `<textarea`), its last part followed
    by `rest`: the collapsed text after it, which holds no script or style."""
    # Between two tags of the chrome (lists, links, icons in flex boxes) a newline shows nothing;
    # in a script or a style it may mean something: left there. (str.replace per piece: a regex
    # with a callback per gap cost half a millisecond a page.)
    parts = _SCRIPT_OR_STYLE.split(_BLANK_RUN.sub("\n", chrome))
    last = len(parts) - 1
    for i in range(0, len(parts), 2):  # even pieces are markup, odd ones scripts and styles
        piece = parts[i].replace(">\n<", "><")
        if i == last:
            piece += rest
        if i > 0 and piece[:1] == "\n" and piece[1:2] in ("<", ""):  # after </script> or </style>
            piece = piece[1:]
        if i < last and piece[-1:] == "\n" and (len(piece) == 1 or piece[-2] == ">"):  # before <script>
            piece = piece[:-1]
        parts[i] = piece
    return "".join(parts)


# --------------------------------------------------------------------------- the heap in serve

# A full collection walks the whole heap: 0.55 s at 2,000 notes, holding the interpreter, so a
# save that comes meanwhile waits for it. It runs once the user pauses (no rebuild for
# _IDLE_BEFORE_COLLECTION seconds: a rebuild that starts first puts it off), or, after
# _REBUILDS_BEFORE_COLLECTION rebuilds without one, _COLLECTION_DELAY seconds after the
# rebuild (the browser has fetched the new page by then) whatever comes next. Each rebuild
# leaves ~20,000 objects in cycles (MkDocs's pages and navigation), 2-3 MB at 2,000 notes.
_IDLE_BEFORE_COLLECTION = 5.0
_REBUILDS_BEFORE_COLLECTION = 20
_COLLECTION_DELAY = 0.5
_collection: threading.Timer | None = None
_uncollected = 0  # rebuilds since the last full collection


def settle_after_rebuild() -> None:
    """In `serve`: what survives a rebuild (the caches above, the last build's pages) moves out
    of the cycle collector's way (`gc.freeze`), so that the next rebuild's full collections
    walk only the objects it makes: at 2,000 notes one walked the whole heap in the middle
    of each rebuild, 0.36 s of 1.2. Later, one full collection frees what earlier rebuilds
    left in cycles, and what is left is frozen again (see `_IDLE_BEFORE_COLLECTION`)."""
    global _collection, _uncollected
    gc.freeze()
    if _collection is not None:
        _collection.cancel()
    _uncollected += 1
    due = _uncollected >= _REBUILDS_BEFORE_COLLECTION
    _collection = threading.Timer(_COLLECTION_DELAY if due else _IDLE_BEFORE_COLLECTION, _collect_and_freeze)
    _collection.daemon = True
    _collection.start()


def hold_collection() -> None:
    """A rebuild starts: the full collection waiting for an idle moment waits for the next one
    (unless it is due, `_REBUILDS_BEFORE_COLLECTION`); one already running is not stopped."""
    if _collection is not None and _uncollected < _REBUILDS_BEFORE_COLLECTION:
        _collection.cancel()


def _collect_and_freeze() -> None:
    global _uncollected
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    _uncollected = 0


# --------------------------------------------------------------------------- theme templates


class _MemoryBytecode(jinja2.BytecodeCache):
    """Compiled theme templates kept for the process. MkDocs makes a new template environment
    for every build, so each serve rebuild compiled main.html, 404.html and sitemap.xml again
    (~0.1 s). A hit is checked against the template's source (Jinja compares checksums)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Any) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Any) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


THEME_BYTECODE = _MemoryBytecode()


# --------------------------------------------------------------------------- Markdown → HTML

# An `id` attribute, found from its name: `\sid=...`, which may begin with any space, is
# tried at every character of a page (64 ms for the 2,000-note timeline; this, 7 ms).
_ID_ATTR = re.compile(r"""id=["']([^"']+)["']""")


def anchor_ids(html: str) -> set[str]:
    r"""The values of the `id` attributes in `html`: `re.findall(r'\sid=["']([^"']+)["']', html)`."""
    found: set[str] = set()
    pos = 0
    while (m := _ID_ATTR.search(html, pos)) is not None:
        if m.start() and html[m.start() - 1].isspace():
            found.add(m.group(1))
            pos = m.end()
        else:  # "data-id=": not an id, and an id may start inside it
            pos = m.start() + 1
    return found


def render_as_html(page: Any, body: str) -> None:
    """Make `page.render` take `body` as the page's HTML, as Python-Markdown would have output it."""
    from mkdocs.structure.toc import get_toc

    def render(config: Any, files: Any) -> None:
        page.content = body.strip()
        page.toc = get_toc([])
        page._title_from_render = None
        page.present_anchor_ids = anchor_ids(body)
        page.links_to_anchors = None

    page.render = render



def digest(*parts: str) -> str:
    """One short key for many strings; each is length-prefixed, so `("ab", "c")` and `("a", "bc")` differ."""
    h = hashlib.blake2b(digest_size=20)
    for p in parts:
        data = p.encode("utf-8", errors="surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def files_signature(files: Any) -> str:
    """Every file a link can resolve to, with its URL: relative links render differently when this changes."""
    return digest(*sorted(f"{f.src_uri}\t{f.url}" for f in files))


def markdown_signature(config: Any) -> str:
    """The Markdown extensions and their options (functions by name: reprs hold addresses)."""
    def name(o: Any) -> str:
        return f"{getattr(o, '__module__', '')}.{getattr(o, '__qualname__', type(o).__qualname__)}"

    return digest(json.dumps([list(map(str, config.markdown_extensions)), config.mdx_configs or {}],
                              default=name, sort_keys=True), str(config.use_directory_urls))


class RenderCache:
    """Page Markdown → (HTML, table of contents, title, anchors), reused while the key is the same."""

    def __init__(self, limit: int = 50_000) -> None:
        self._store: dict[str, tuple[Any, ...]] = {}
        self.limit = limit
        self.hits = 0
        self.misses = 0
        # Lives as long as this object (one `serve` session): the page Markdown the plugin makes.
        self.memo = Memo()

    def attach(self, page: Any, markdown: str, context: str) -> None:
        """Make `page.render` (called by MkDocs right after on_page_markdown) use the cache."""
        key = digest(context, page.file.src_uri, markdown)
        original = page.render

        def render(config: Any, files: Any) -> None:
            hit = self._store.get(key)
            if hit is not None:
                self.hits += 1
                page.content, page.toc, page._title_from_render, anchors = hit
                page.present_anchor_ids = set(anchors)
                page.links_to_anchors = None  # anchor checks ran when this output was first made
                return
            self.misses += 1
            original(config, files)
            if len(self._store) >= self.limit:
                self._store.clear()
            self._store[key] = (page.content, page.toc, page._title_from_render,
                                frozenset(page.present_anchor_ids or ()))

        page.render = render


class Memo:
    """Values kept from one build to the next, each under a key of everything it was made from
    (a digest, or a tuple of the inputs themselves).

    A hit is what computing again would give, as long as the key names every input: each
    caller documents its key beside the code that reads the inputs. Values not used by
    the last two builds are dropped, so a long `serve` session holds about one site's worth.

    The values are kept by the build that last used them, three builds at most: starting a
    build drops the oldest at once, where a sweep of the whole store took 0.02 s of every
    rebuild at 2,000 notes.
    """

    def __init__(self) -> None:
        self._builds: list[dict[Any, Any]] = [{}, {}, {}]  # used by this build, the last, the one before
        self.hits = 0
        self.misses = 0

    def new_build(self) -> None:
        """Call once at the start of each build."""
        self._builds = [{}, self._builds[0], self._builds[1]]

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        now, last, before = self._builds
        if key in now:
            self.hits += 1
            return now[key]
        if key in last:
            value = last.pop(key)
        elif key in before:
            value = before.pop(key)
        else:
            self.misses += 1
            value = now[key] = compute()
            return value
        self.hits += 1
        now[key] = value
        return value

    def table(self, key: Any) -> tuple[dict[Any, Any], dict[Any, Any]]:
        """A table of many values under one key (the items of a long page): (the table of the
        last build that used it, this build's). A caller looks a value up in the first and puts
        what it uses in the second, which the next build gets as its first: a lookup is one
        dict access, not a `get` with its three generations, for each of 20,000 items."""
        now, last, before = self._builds
        made = now.get(key)
        if made is None:
            older = last.pop(key, None) or before.pop(key, None)
            made = now[key] = (older[1] if older is not None else {}, {})
        return made

    def __len__(self) -> int:
        return sum(map(len, self._builds))


class Fingerprints:
    """Digests of the parts of one knowledge base that pages read, each computed once per build.

    `part("events")` digests `repr(kb.events)`: a dataclass's repr holds every field, nested
    ones too, so two parts with the same digest hold the same values. `names()` is what a
    page linking to notes may read of all of them: path, page, title and aliases of every
    note (names resolve by them), every concept page, every tag's spelling.

    `previous`: the last build's fingerprints (serve). A part equal to the one it digested
    takes its digest without a repr, ~5x cheaper (at 2,000 notes the reprs were 0.15 s of
    each rebuild): lists compare element by element, dataclasses field by field, dicts as
    their lists of items (in order, as a repr would). A part is never changed once made.
    """

    def __init__(self, kb: Any, previous: Fingerprints | None = None) -> None:
        self.kb = kb
        self._done: dict[str, str] = {}
        self._values: dict[str, Any] = {}  # what each digest was made of
        self._previous = previous
        if previous is not None:
            previous._previous = None  # one build back is enough

    def part(self, name: str) -> str:
        return self._digest(name, lambda: getattr(self.kb, name))

    def names(self) -> str:
        def names() -> tuple[list, list, list]:
            kb = self.kb
            return ([(n.path, n.page_path, n.title, n.aliases) for n in kb.notes.values()],
                    [(key, c.name, c.slug) for key, c in kb.concepts.items()], list(kb.tags))

        return self._digest("\0names", names)

    def same_concepts_as_last(self) -> bool:
        """Whether every concept's key, name and page are as at the last build; False when unknown.
        (Part of `names`: a retitle changes the names, seldom the concepts.)"""
        return self._same_as_last("\0concepts", self._digest(
            "\0concepts", lambda: [(key, c.name, c.slug) for key, c in self.kb.concepts.items()]))

    def same_as_last(self, name: str) -> bool:
        """Whether part `name` is as at the last build; False when unknown."""
        return self._same_as_last(name, self.part(name))

    def same_names_as_last(self) -> bool:
        """Whether `names` are as at the last build; False when unknown."""
        return self._same_as_last("\0names", self.names())

    def _same_as_last(self, name: str, digest_now: str) -> bool:
        before = self._previous
        return before is not None and before._done.get(name) == digest_now

    def changed_notes(self) -> set[str] | None:
        """Paths of the notes whose path, page, title or aliases differ from the last build's,
        added and removed ones included; None when there was no last build to compare with."""
        self.names()
        before = self._previous
        if before is None or "\0names" not in before._values:
            return None
        made = self.__dict__.get("_changed_notes")
        if made is None:
            last = {n[0]: n for n in before._values["\0names"][0]}
            now = self._values["\0names"][0]
            made = {n[0] for n in now if last.get(n[0]) != n} | (last.keys() - {n[0] for n in now})
            self.__dict__["_changed_notes"] = made
        return made

    def _digest(self, name: str, value_of: Callable[[], Any]) -> str:
        hit = self._done.get(name)
        if hit is not None:
            return hit
        value = self._values[name] = value_of()
        before = self._previous
        if before is not None and name in before._done and same_value(value, before._values[name]):
            hit = before._done[name]
        else:
            hit = digest(name, repr(value))
        self._done[name] = hit
        return hit


# --------------------------------------------------------------------------- incremental serve

_SEGMENT_SIGNS = itertools.count(1)
_FM_TITLE = re.compile(r"\A---\n(?:.*\n)*?title: *(.*)\n", re.MULTILINE)


def _page_signature(file: Any) -> str:
    content = getattr(file, "_content", None)
    if isinstance(content, str):
        return digest(content)
    if isinstance(content, bytes):
        return hashlib.blake2b(content, digest_size=20).hexdigest()
    try:
        st = os.stat(file.abs_src_path)
    except (OSError, TypeError):
        return ""
    return f"{st.st_mtime_ns}:{st.st_size}"


def _nav_entry(file: Any, front: str | None = None) -> str:
    """What the navigation shows of a page: its path and title (front matter of a generated page,
    `front` when given)."""
    content = front if front is not None else getattr(file, "_content", None)
    if isinstance(content, str):
        m = _FM_TITLE.match(content[:2000])
        return f"{file.src_uri}\t{m.group(1) if m else ''}"
    return f"{file.src_uri}\t{_page_signature(file)}"


class Incremental:
    """Which pages a dirty serve rebuild must render, and the search entries of those it skips."""

    def __init__(self) -> None:
        self._pages: dict[str, str] = {}  # src_uri → signature of the page at the last build
        self._titles: dict[str, str] = {}  # src_uri → title at the last build
        self._nav = ""  # digest of every page's navigation entry at the last build
        self._nav_key: str | None = None  # the site's own navigation at the last build
        self._views: dict[str, str] = {}  # src_uri → what its navigation showed (navview.views)
        self._files: set[str] = set()  # src_uri of every file at the last build
        self._entries: list[dict[str, Any]] = []  # the full search index of the last build
        self._shown: dict[str, str] = {}  # src_uri → its navigation entry, this build
        self._changed: dict[str, bool] = {}  # src_uri → whether this build renders it
        self._url_of: dict[str, str] = {}  # src_uri → its page URL, this build
        self._nav_changed = False
        self.rebuilt: set[str] = set()  # URLs of pages rendered in this build
        # src_uri of the pages rendered only because their navigation or footer changed: their
        # text is the last build's, so are their search entries (see `keeps_entries`).
        self._nav_only: set[str] = set()
        self._shape = ""  # navview.shape of the navigation at the last build
        # src_uri of the nav-only pages whose navigation changed only in titles: patched
        # (navpatch.py) rather than rendered, where their last output allows.
        self._retitled_only: set[str] = set()
        self.patched = 0  # pages of `_retitled_only` this build did not render (patched, or unchanged)
        # src_uri → how its last output holds its Segments (splice.py), for the long generated pages.
        self._layouts: dict[str, Any] = {}
        # src_uri → the items of a page whose change reached only them: written, not rendered (`patch`).
        self._spliced: dict[str, Sequence[str]] = {}
        self.spliced = 0  # pages of `_spliced` this build wrote
        self.full = True
        # src_uri → (Markdown, its signature, its nav entry) at the last build. A page the plugin
        # took from its Memo is the very same string: known by identity, not hashed again.
        self._seen: dict[str, tuple[str, str, str]] = {}
        # src_uri → (front matter, pieces, items, signature) of the pages rendered in Segments (`_sign_segments`).
        self._segment_signs: dict[str, tuple[str, Any, Sequence[str], str]] = {}
        self._sitemap: Any = None  # what the sitemap written last showed (`keep_sitemap`)

    def mark(self, files: Any, extra_key: str = "", new_words: Iterable[str] = (),
             segmented: Mapping[str, tuple[str, Any]] | None = None) -> int:
        """Decide, for each page, whether this build renders it. Returns how many it renders.

        `new_words`: words the search segmenter learnt in this build. Material cuts a page's
        text as it indexes it, so a page whose text holds one is indexed again. When the
        navigation changed, the pages it reaches are added by `refine` once it is built.
        `segmented`: src_uri → (front matter, Segments) of the pages rendered in Segments; one
        whose change reached only its items is written by `patch` from its last output.
        """
        docs = [f for f in files if f.is_documentation_page()]
        seen, self._seen = self._seen, {}
        segmented = segmented or {}
        self._sign_segments(segmented)
        signed = [(f, *self._signature(f, seen)) for f in docs]
        self._shown = {f.src_uri: entry for f, _, entry in signed}
        nav = digest(*sorted(self._shown.values()))
        self.full = not self._pages or extra_key != self._nav_key
        self._nav_changed, self._nav, self._nav_key = nav != self._nav, nav, extra_key
        every = {f.src_uri for f in files}
        moved, self._files = _file_names(every ^ self._files) if not self.full else None, every
        recut = set() if self.full else self._pages_holding(new_words)
        pages: dict[str, str] = {}
        self._changed, self._url_of = {}, {}
        for f, sig, _ in signed:
            pages[f.src_uri] = sig
            url = self._url_of[f.src_uri] = "" if f.url in (".", "./") else f.url  # the home page's file URL is "./"
            self._changed[f.src_uri] = (self.full or self._pages.get(f.src_uri) != sig or url in recut
                                        or bool(moved and _mentions(f, moved)))
            f.is_modified = (lambda uri=f.src_uri: self._changed.get(uri, True))  # read by MkDocs in a dirty build
        self._spliced = {}
        self._layouts = {uri: done for uri, done in self._layouts.items() if uri in segmented}
        for uri, (front, segments) in segmented.items():
            done = self._layouts.get(uri)
            if (done is not None and not self.full and self._pages.get(uri) != pages[uri]
                    and self._url_of.get(uri) not in recut and done.front == front and done.static == segments.static):
                self._spliced[uri] = segments.items
                self._changed[uri] = False
        self._pages = pages
        self._nav_only = set()
        return self._count()

    def refine(self, nav: Any, files: Any, config: Any, patchable: bool = False) -> int:
        """Add the pages whose navigation or footer the change of the navigation reaches. Returns
        how many pages this build renders. Called once the navigation is arranged.

        `patchable`: whether a page whose navigation changed only in titles may be patched
        instead (navpatch.py; `patch`, once every page's title is known)."""
        from . import navview

        docs = [f for f in files if f.is_documentation_page() and getattr(f, "page", None) is not None]
        views = navview.views(nav.items, (f.page for f in docs), self._shown) if navview.supported(config) else {}
        shape, self._shape = self._shape, navview.shape(nav.items)
        self._retitled_only = set()
        if self._nav_changed and not self.full:
            for f in docs:
                if not views or views.get(f.src_uri) != self._views.get(f.src_uri):
                    if not self._changed.get(f.src_uri, True):
                        self._nav_only.add(f.src_uri)
                    self._changed[f.src_uri] = True
            if patchable and views and shape == self._shape:  # the same entries at the same places
                # Not read nor rendered by MkDocs: `patch` writes them, or reads them if it cannot.
                self._retitled_only = set(self._nav_only)
                for uri in self._retitled_only:
                    self._changed[uri] = False
        for uri in [uri for uri in self._spliced if self._changed.get(uri)]:  # rendered, for its navigation
            del self._spliced[uri]
        self._views = views
        return self._count()

    def patch(self, files: Any, read: Callable[[Any], None]) -> int:
        """Write the pages `mark` and `refine` left out of this build though they changed: those
        whose navigation changed only in other pages' titles, as their last output with those
        titles swapped (navpatch.py), and those whose change reached only their items, from
        their last output's layout (splice.py), their navigation's titles swapped too. Called once
        every page this build reads has its title (MkDocs's `env` event). A page whose last output
        does not allow it is `read` (as MkDocs reads a page: its Markdown converted) and rendered
        as usual. Returns how many were written or left as they were."""
        from mkdocs.utils import normalize_url, write_file

        from . import navpatch, navview

        self.patched = self.spliced = 0
        if not self._retitled_only and not self._spliced:
            return 0
        pages = {f.src_uri: f.page for f in files.documentation_pages() if getattr(f, "page", None) is not None}
        retitled = [(page, self._titles[uri], page.title) for uri, page in pages.items()
                    if uri not in self._retitled_only and self._changed.get(uri)
                    and uri in self._titles and page.title != self._titles[uri]]
        for uri in sorted(self._retitled_only | self._spliced.keys()):
            page = pages.get(uri)
            if page is None:
                continue
            shown = [(normalize_url(other.url, page=page), old, new)
                     for other, old, new in retitled if navview.shows(page, other)] \
                if uri in self._retitled_only else []
            items = self._spliced.pop(uri, None)
            output: bytes | None = b""  # a neighbour's title changed, which only a navigation footer shows: as it was
            try:
                if items is not None:
                    done = self._layouts[uri]
                    head = navpatch.retitled(done.head, shown) if shown else done.head
                    output = None if head is None else done.output(items, head)
                    if output is not None:
                        self._layouts[uri] = dataclasses.replace(done, head=head)
                elif shown:
                    output = navpatch.retitled(Path(page.file.abs_dest_path).read_bytes(), shown)
                    done = self._layouts.pop(uri, None)  # its layout, as the page now is
                    head = navpatch.retitled(done.head, shown) if done is not None and output else None
                    if head is not None:
                        self._layouts[uri] = dataclasses.replace(done, head=head)
            except (OSError, TypeError):
                output = None
            if output is None:
                read(page)
                self._changed[uri] = True
                continue
            if output:
                write_file(output, page.file.abs_dest_path)  # as written (UTF-8), patched
            self._nav_only.discard(uri)
            if items is not None:
                self.spliced += 1
            else:
                self.patched += 1
        self._count()
        return self.patched + self.spliced

    def keep_sitemap(self, env: Any, files: Any, site_dir: str, hooked: bool) -> bool:
        """Whether the sitemap the last build wrote is the one this build would write: MkDocs's own
        template lists each page's URL and date, nothing else (2,000 entries rendered, then
        gzipped, at every rebuild). Not when `hooked` (another plugin sees or changes templates
        as they render), nor for a template of the site's own."""
        import mkdocs

        try:
            template = env.get_template("sitemap.xml")
        except Exception:  # noqa: BLE001 - no sitemap template: MkDocs skips it, with its own message
            return False
        own = os.path.join(os.path.dirname(os.path.abspath(mkdocs.__file__)), "templates", "sitemap.xml")
        if hooked or template.filename is None or os.path.abspath(template.filename) != own:
            self._sitemap = None
            return False
        key = (os.stat(own).st_mtime_ns, [(p.canonical_url, p.abs_url, p.update_date, p.is_link)
                                          for p in (f.page for f in files.documentation_pages()) if p is not None])
        written = all(os.path.isfile(os.path.join(site_dir, name)) for name in ("sitemap.xml", "sitemap.xml.gz"))
        same, self._sitemap = written and key == self._sitemap, key
        return same

    def remember_output(self, page: Any, output: str, front: str, segments: Any) -> None:
        """How the output of a page rendered in Segments holds them (splice.py), for the next build."""
        from . import splice

        done = splice.layout(output, page.content or "", front, segments)
        if done is None:
            self._layouts.pop(page.file.src_uri, None)
        else:
            self._layouts[page.file.src_uri] = done

    def keeps_entries(self, src_uri: str) -> bool:
        """Whether the page is rendered only for its navigation: its Markdown, its words' cut
        and the files it names are as at the last build, so its search entries are the last
        build's, kept by `merge_search` (indexing a page is a fifth of rendering it)."""
        return src_uri in self._nav_only

    def _count(self) -> int:
        self.rebuilt = {self._url_of[uri] for uri, changed in self._changed.items() if changed}
        return len(self.rebuilt)

    def _sign_segments(self, segmented: Mapping[str, tuple[str, Any]]) -> None:
        """A signature for each page rendered in Segments, without hashing its megabytes: the last
        build's while its front matter and pieces are and each item is the very same string (the
        items' Memo hands out the same objects), else one never given before."""
        signs = {}
        for uri, (front, segments) in segmented.items():
            last = self._segment_signs.get(uri)
            if (last is None or last[0] != front or last[1] is not segments.static
                    or len(last[2]) != len(segments.items) or any(a is not b for a, b in zip(last[2], segments.items))):
                last = (front, segments.static, segments.items, f"segments {next(_SEGMENT_SIGNS)}")
            signs[uri] = last
        self._segment_signs = signs

    def _signature(self, file: Any, seen: dict[str, tuple[str, str, str]]) -> tuple[str, str]:
        """`_page_signature` and `_nav_entry` of a page; last build's if its Markdown is the same string."""
        signed = self._segment_signs.get(file.src_uri)
        if signed is not None:  # from its front matter: its Markdown is not made unless read
            return signed[3], _nav_entry(file, signed[0])
        content = getattr(file, "_content", None)
        if not isinstance(content, str):
            return _page_signature(file), _nav_entry(file)
        known = seen.get(file.src_uri)
        if known is None or known[0] is not content:
            known = (content, _page_signature(file), _nav_entry(file))
        self._seen[file.src_uri] = known
        return known[1], known[2]

    def _pages_holding(self, words: Iterable[str]) -> set[str]:
        """URLs of the pages whose search entries of the last build hold one of `words`."""
        words = sorted(set(words), key=len, reverse=True)
        if not words:
            return set()
        pattern = re.compile("|".join(map(re.escape, words)))
        found: set[str] = set()
        for e in self._entries:
            page = e.get("location", "").split("#")[0]
            text = f"{e.get('title', '')}\n{e.get('text', '')}".replace("\u200b", "")  # as before Material cut it
            if page not in found and pattern.search(text):
                found.add(page)
        return found

    def restore_titles(self, nav: Any) -> None:
        """Pages this build skips are never read: give the navigation their titles from last time."""
        for page in nav.pages:
            if page.url not in self.rebuilt and page.file.src_uri in self._titles:
                page.title = self._titles[page.file.src_uri]

    def remember_title(self, page: Any) -> None:
        if page.title is not None:
            self._titles[page.file.src_uri] = page.title

    def merge_search(self, search_plugin: Any, index_path: Any, write: bool = True) -> list[dict[str, Any]]:
        """The whole index: last build's entries of the skipped pages + this build's entries.

        Runs after Material has written the entries of this build's pages only (the plugin
        clears Material's own merge, which keeps one page's stale entries). Writes them as
        Material would unless `write` is false (the caller rewrites the index anyway).
        """
        index = search_plugin.search_index
        if not self.full:
            pages = set(self._url_of.values())  # not the entries of a page removed since
            # The pages whose entries are kept reached Material empty (the plugin's stand-in):
            # whatever it made of one is left out (today it makes nothing of an empty page).
            stand_ins = {self._url_of[uri] for uri in self._nav_only}
            kept = self.rebuilt - stand_ins
            keep = [e for e in self._entries
                    if (page := e.get("location", "").split("#")[0]) not in kept and page in pages]
            made = [e for e in index.entries if e.get("location", "").split("#")[0] not in stand_ins]
            index.entries = keep + made
            if write:
                index_path.write_bytes(index.generate_search_index(None).encode("utf-8"))
        self._entries = list(index.entries)
        return self._entries


def _file_names(uris: set[str]) -> re.Pattern[str] | None:
    """A pattern finding the names of `uris` (files added or removed) as a link would write them."""
    names = {n for uri in uris for n in (posixpath.basename(uri), quote(posixpath.basename(uri)))}
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True)))) if names else None


def _mentions(file: Any, names: re.Pattern[str]) -> bool:
    """Whether a page's Markdown names one of the files added or removed since the last build.

    MkDocs writes a link to a file it finds (`../beta/`) unlike one to a file it does not
    (`beta.md`, kept with a warning): such a page renders anew though its Markdown is the same.
    """
    content = getattr(file, "_content", None)
    if not isinstance(content, str):
        try:
            content = Path(file.abs_src_path).read_text(encoding="utf-8", errors="replace")
        except (OSError, TypeError):
            return True
    return names.search(content) is not None


def _by_page(docs: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Runs of consecutive entries of one page (Material writes a page's sections together)."""
    runs: list[tuple[str, list[dict[str, Any]]]] = []
    for doc in docs:
        page = doc.get("location", "").split("#")[0]
        if runs and runs[-1][0] == page:
            runs[-1][1].append(doc)
        else:
            runs.append((page, [doc]))
    return runs


def _names_of(location: str, names: dict[str, list[str]]) -> dict[str, list[str]]:
    """The names `tune` may read for an entry at `location` (looked up as written and unquoted)."""
    page = location.split("#")[0]
    urls = {location, page, unquote(location), unquote(page)} if "%" in location else {location, page}
    return {k: names[k] for k in urls if k in names}


def _tuned_entry(memo: Memo, doc: dict[str, Any], config: dict[str, Any], settings: str,
                 own: dict[str, list[str]], own_key: str, tune: Callable, dump: Callable) -> bytes:
    """One entry tuned and dumped, kept under everything `tune` reads of it: the entry, the
    names of its page (`own`, an anchor adds none) and their key."""
    key = ("search", settings, tuple((k, type(v).__name__, v if isinstance(v, str) else repr(v))
                                     for k, v in doc.items()), own_key)

    def make() -> bytes:
        one = tune({"config": copy.deepcopy(config), "docs": [dict(doc)]}, own)
        return dump(one["docs"][0])

    return memo.get(key, make)


def tuned_index(memo: Memo, data: dict[str, Any], names: dict[str, list[str]],
                tune: Callable[[dict[str, Any], dict[str, list[str]]], dict[str, Any]],
                dump: Callable[[Any], bytes], segment: Callable[[str], str] = lambda s: s,
                segmenter: Hashable = None) -> bytes:
    """`dump(tune(data, names))`, made one index entry at a time, each kept from the last
    rebuild while the entry, its page's names and how `segment` cuts them, and the index
    config are the same.

    `tune` and `dump` are search.tune_index and search.dump_index, `segment` the segmentation
    `tune` cuts names with (its dictionary grows as jieba learns names). This holds as long as
    `tune` treats each entry on its own (reads only it, the config and the names under its
    page URL) and `dump` writes a list the way JSON does. Anything unexpected: one full pass.

    `segmenter`: what tells this rebuild's segmentation from the last's, when the caller knows
    (which segmenter, how many words it was taught). A page whose entries and names are then
    the very objects of the last rebuild (serve hands back the same entries, PageNames the
    same names) takes its bytes at once, by place: nothing is cut, written out or hashed.
    """
    config = data.get("config", {})
    settings = repr(config)  # the config before `tune` adds its fields to it
    # page → (its entries, its names, their bytes) at the last rebuild, with the same config and segmenter.
    last, now = memo.table(("search places", settings, segmenter)) if segmenter is not None else ({}, {})
    cut: dict[str, str] = {}
    parts: list[bytes] = []
    for page, docs in _by_page(data.get("docs", [])):
        own = _names_of(page, names)
        kept = last.get(page)
        if (kept is not None and len(kept[0]) == len(docs) and all(a is b for a, b in zip(kept[0], docs))
                and kept[1].keys() == own.keys() and all(kept[1][k] is v for k, v in own.items())):
            parts.extend(kept[2])
            now[page] = kept
            continue
        # Most pages kept their entries from the last rebuild (the very same dicts, see
        # Incremental.merge_search): their tuned bytes are reused whole while the page's
        # names and their cut are the same. The ids in the key are of the entries the value
        # holds, so alive: no other entry can have them.
        joined = " ".join(v for k in sorted(own) for v in own[k])
        if joined not in cut:
            cut[joined] = segment(joined)
        own_key = repr(sorted(own.items())) + "\0" + cut[joined] if own else ""
        key = ("search page", settings, page, own_key, tuple(map(id, docs)))
        made = memo.get(key, lambda docs=docs, own=own, own_key=own_key: (
            docs, [_tuned_entry(memo, doc, config, settings, own, own_key, tune, dump) for doc in docs]))[1]
        parts.extend(made)
        now[page] = (docs, own, made)
    head = dump(tune({"config": config, "docs": []}, names))
    if not head.endswith(b'"docs":[]}'):  # entries are never tuned in place: the caller keeps them
        return dump(tune({"config": config, "docs": [dict(d) for d in data.get("docs", [])]}, names))
    return head[:-2] + b",".join(parts) + b"]}"

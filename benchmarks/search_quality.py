"""Search quality: does typing a name find its page? Measured in a real browser, ours vs plain Material.

For each notes folder (our fixtures, ../shared/seeds) this builds the site twice in
the same run: with llmnotes' search tuning, and with it turned off (`search: false`:
Material's own separator, stemmer and jieba without our words). The queries come
from the knowledge base, not picked by hand: every note title, alias and heading,
every tag, concept (wiki-link target without a note), paper title and arXiv id;
and a note's own words that generated pages quote (a timeline event, a sentence
holding a wiki-link, shown again under backlinks and on concept pages), which must
find the note that wrote them. Each query is typed into the site's search box in
Chromium and counts when its page is among the first three results. Prints the
share per kind and the search index bytes per note (and in all).

    .venv/bin/python benchmarks/search_quality.py [--sample N] [NOTES_DIR ...]

`--sample N` keeps N queries of each kind, spread evenly over them, for a large
vault (benchmarks/out/n2000/notes).
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import sys
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = [REPO / "tests" / "fixtures" / "search", REPO.parent / "shared" / "seeds"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
_HEADING = re.compile(r"^ {0,3}#{2,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Query:
    kind: str  # title, alias, heading, tag, concept, paper, arxiv, page (a generated page's title),
    #            event, mention (a note's own sentence that a generated page or backlink repeats)
    text: str
    expected: frozenset[str]  # site-relative page URLs (decoded), any of which counts


def build(notes_dir: Path, site_dir: Path, *, tuned: bool) -> Path:
    """A real MkDocs build with the packaged default configuration; `tuned=False` turns our search work off."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from llmnotes.cli import DEFAULT_CONFIG

    cfg = load_config(str(DEFAULT_CONFIG), docs_dir=str(notes_dir), site_dir=str(site_dir),
                      plugins=[{"search": {"lang": ["zh", "en"]}}, {"llmnotes": {"search": tuned}}])
    mkdocs_build(cfg)
    return site_dir


def queries_for(notes_dir: Path) -> list[Query]:
    """What a reader would type, from the knowledge base: each name → the page it names."""
    from llmnotes.i18n import Labels
    from llmnotes.kb import KnowledgeBase
    from llmnotes.pages import PageContext, generate_pages
    from llmnotes.urls import page_url

    kb = KnowledgeBase.build(notes_dir)
    out: list[Query] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, text: str | None, *pages: str) -> None:
        text = " ".join((text or "").split())
        if len(text) < 2 or (kind, text.casefold()) in seen:
            return
        seen.add((kind, text.casefold()))
        out.append(Query(kind, text, frozenset(page_url(p) for p in pages)))

    for note in kb.notes.values():
        add("title", note.title, note.page_path)
        for alias in note.aliases:
            add("alias", alias, note.page_path)
        for heading in _HEADING.findall(_FENCE.sub("", note.text)):
            add("heading", re.sub(r"[*_`\[\]]", "", heading), note.page_path)
    for tag in kb.tags:
        add("tag", tag, kb.tag_page_path(tag))
    for concept in kb.concepts.values():
        add("concept", concept.name, concept.page_path)
    for paper in kb.papers:
        pages = [kb.notes[p].page_path for p in dict.fromkeys([paper.source.note, *paper.notes])
                 if p in kb.notes]
        add("paper", paper.title, *pages, "papers.md", "papers/index.md")
        add("arxiv", paper.arxiv, *pages, "papers.md", "papers/index.md")
    # A note's own words, quoted elsewhere too: they must find the note that wrote them.
    for event in kb.events:
        add("event", _phrase(event.text), kb.notes[event.source.note].page_path)
    for link in kb.wikilinks:
        add("mention", _phrase(link.sentence), kb.notes[link.source.note].page_path)
    # Timeline, papers, roadmap, links, the tag index: found by their titles (the site is in Chinese).
    ctx = PageContext(kb, Labels("zh", {}), taken={n.page_path for n in kb.notes.values()})
    for page in generate_pages(ctx):
        if page.path == "tags/index.md" or not page.path.startswith(("index.md", "concepts/", "tags/")):
            add("page", page.title, page.path)
    return out


def _phrase(markdown: str, limit: int = 40) -> str:
    """What a reader would type to find a sentence again: its first line as plain text, cut to a clause."""
    from llmnotes.textutil import plain_inline

    text = " ".join(plain_inline(markdown.split("\n")[0]).split())
    if len(text) > limit:  # keep whole clauses: a cut word is not what a reader types
        cut = max(text.rfind(p, 0, limit) for p in "，,。；;：:！!？? ")
        text = text[:cut] if cut >= limit // 3 else text[:limit]
    return text


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the report readable
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# Resolves once Material has answered the query now in the box: the result meta no
# longer shows the placeholder (or the initializer). Returns each result's page URL.
_RESULTS_JS = """([placeholder, blank]) => {
  const meta = document.querySelector(".md-search-result__meta");
  const text = meta ? meta.textContent.trim() : "";
  if (!text || (text === placeholder) !== blank) return null;
  if (blank) return [];
  return [...document.querySelectorAll(".md-search-result__item")].map(item => {
    const a = item.querySelector("a.md-search-result__link");
    return a ? a.href : "";
  });
}"""


class SearchBox:
    """Material's search box on a served site, driven the way a reader uses it."""

    def __init__(self, page, base_url: str, timeout: float = 30_000):
        self.page = page
        self.base = base_url
        self.timeout = timeout
        page.goto(base_url)
        config = page.evaluate("() => JSON.parse(document.getElementById('__config').textContent)")
        self.placeholder = config["translations"]["search.result.placeholder"]
        self.input = page.locator("input.md-search__input")
        self.input.click()
        # The worker has loaded the index when the placeholder replaces the initializer.
        self._wait(blank=True)

    def _wait(self, blank: bool) -> list[str]:
        handle = self.page.wait_for_function(_RESULTS_JS, arg=[self.placeholder, blank], timeout=self.timeout)
        return handle.json_value()

    def _type(self, text: str) -> None:
        # fill() sets the value at once (typing Chinese key by key does not work); Material
        # reads the box on keyup, which End sends without changing the text.
        self.input.fill(text)
        self.input.press("End")

    def search(self, text: str) -> list[str]:
        """The pages of the results, in order, as site-relative decoded URLs (no query, no fragment)."""
        self._type("")
        self._wait(blank=True)
        self._type(text)
        return [self.relative(href) for href in self._wait(blank=False)]

    def relative(self, href: str) -> str:
        path = unquote(urlsplit(href).path)
        base = unquote(urlsplit(self.base).path)
        return path.removeprefix(base)


def launch(playwright):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        sys.exit("chromium is not installed (make browser)")
    return playwright.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)


def measure(browser, site: Path, queries: list[Query], misses: list | None = None) -> dict[str, list[bool]]:
    """Per kind, whether each query found its page in the top 3; each miss and its top 3 added to `misses`."""
    server, base = serve(site)
    page = browser.new_page()
    try:
        box = SearchBox(page, base)
        hits: dict[str, list[bool]] = defaultdict(list)
        for q in queries:
            top = box.search(q.text)[:3]
            hits[q.kind].append(bool(q.expected & set(top)))
            if misses is not None and not hits[q.kind][-1]:
                misses.append((q, top))
        return hits
    finally:
        page.close()
        server.shutdown()


def share(hits: list[bool]) -> str:
    return f"{sum(hits)}/{len(hits)} ({100 * sum(hits) / len(hits):.0f}%)" if hits else "-"


def sample(queries: list[Query], per_kind: int | None) -> list[Query]:
    """At most `per_kind` queries of each kind, evenly spread (the same ones on every run)."""
    if per_kind is None:
        return queries
    by_kind: dict[str, list[Query]] = defaultdict(list)
    for q in queries:
        by_kind[q.kind].append(q)
    out: list[Query] = []
    for group in by_kind.values():
        step = max(len(group) / per_kind, 1.0)
        out += [group[int(i * step)] for i in range(min(per_kind, len(group)))]
    return out


def main(argv: list[str]) -> int:
    import argparse

    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--sample", type=int, metavar="N", help="at most N queries of each kind")
    parser.add_argument("--misses", action="store_true", help="list the queries llmnotes misses, with its top 3")
    args = parser.parse_args(argv)
    dirs = args.dirs or [d for d in DEFAULT_DIRS if d.is_dir()]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = launch(p)
        for n, notes_dir in enumerate(dirs):
            queries = sample(queries_for(notes_dir), args.sample)
            notes = sum(1 for f in notes_dir.rglob("*") if f.suffix.lower() in (".md", ".markdown", ".txt"))
            print(f"\n== {notes_dir.name}: {notes} notes, {len(queries)} queries")
            results = {}
            misses: list = []
            for tuned in (False, True):
                site = build(notes_dir, Path(tmp) / f"{n}-{tuned}", tuned=tuned)
                size = (site / "search" / "search_index.json").stat().st_size
                results[tuned] = (measure(browser, site, queries, misses if tuned else None), size)
            kinds = sorted({q.kind for q in queries})
            print(f"{'':18}{'plain Material':>20}{'llmnotes':>20}")
            for kind in kinds:
                print(f"  top-3 {kind:<10}{share(results[False][0][kind]):>20}{share(results[True][0][kind]):>20}")
            every = {t: [h for k in kinds for h in results[t][0][k]] for t in results}
            print(f"  top-3 {'all':<10}{share(every[False]):>20}{share(every[True]):>20}")
            print(f"  {'index bytes/note':<16}{results[False][1] // max(notes, 1):>20,}"
                  f"{results[True][1] // max(notes, 1):>20,}")
            print(f"  {'index bytes':<16}{results[False][1]:>20,}{results[True][1]:>20,}")
            for q, top in misses if args.misses else ():
                print(f"  missed {q.kind}: {q.text!r} -> {top}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

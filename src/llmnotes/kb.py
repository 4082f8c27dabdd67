"""KnowledgeBase: a notes folder → notes, entries, link graph, tags, diagnostics.

Built once per build from the files themselves (MkDocs reads page 2 only after
page 1 is rendered, so cross-note data cannot wait for page events). Knows nothing
of MkDocs; the plugin and the CLI both feed from it.
"""

from __future__ import annotations

import gc
import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import extract
from .loader import load_vault
from .model import Diagnostic, Level, Link, Note, Paper, RoadmapNode, Table, TimelineEvent, WikiLink
from .urls import name_slug, page_url, tag_slug
from .wikilinks import Resolver, Scan, Span, nearest, norm, scan_note


@dataclass
class Concept:
    """A name linked to but with no note of its own: its page lists every mention."""

    name: str
    slug: str
    mentions: list[WikiLink] = field(default_factory=list)

    @property
    def page_path(self) -> str:
        return f"concepts/{self.slug}.md"


@dataclass
class KnowledgeBase:
    root: Path
    notes: dict[str, Note]
    scans: dict[str, Scan]
    assets: list[str]
    diagnostics: list[Diagnostic]
    wikilinks: list[WikiLink]
    backlinks: dict[str, list[WikiLink]]  # note path → links pointing at it
    concepts: dict[str, Concept]  # norm(name) → concept
    tags: dict[str, list[str]]  # tag (as first written) → note paths
    note_tags: dict[str, list[str]]  # note path → its tags
    events: list[TimelineEvent] = field(default_factory=list)
    papers: list[Paper] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    roadmap: list[RoadmapNode] = field(default_factory=list)

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, root: Path | str, cache: dict[str, Any] | None = None,
              unresolved_level: Level = "warning", processes: int = 1) -> KnowledgeBase:
        """Load `root` and derive everything. `cache` lets `serve` skip unchanged work.

        `cache` is a dict the caller keeps across builds: it holds the loader's parsed
        notes and the per-note passes (scan, each extractor's reading of one note) of the
        notes that did not change, so a rebuild after editing one note redoes that note and
        the cross-note work only. A rebuild gives the knowledge base a fresh build would.

        `unresolved_level`: how a link to a name without a note is reported. A warning by
        default (a typo fails `--strict`); a vault that links to concepts on purpose, as
        Obsidian users do for notes not yet written, can lower it to "info".

        `processes`: how many processes may read the notes for the extractors (forked; a
        one-off build on several cores).
        """
        with _cycle_collector_paused(keep_frozen=cache is not None):
            return cls._build(Path(root), cache, unresolved_level, processes)

    @classmethod
    def _build(cls, root: Path, cache: dict[str, Any] | None, unresolved_level: Level,
               processes: int = 1) -> KnowledgeBase:
        memos: dict[str, extract.NoteMemo] | None = None
        if cache is not None:
            memos = cache.setdefault("passes", {})
        vault = load_vault(root, None if cache is None else cache.setdefault("notes", {}))
        diags = list(vault.diagnostics)
        notes = {n.path: n for n in vault.notes}
        if memos is not None:
            for memo in memos.values():
                memo.keep_only(notes)
        scanned = _scan_notes(notes, memos)
        resolver = _resolver(notes, cache)
        kept = None if cache is None else cache.get("resolved", {})
        scans, wikilinks, backlinks, concepts = _resolve_links(scanned, resolver, vault.assets, diags,
                                                               unresolved_level, kept)
        if cache is not None:
            cache["resolved"] = {path: (scanned[path], scans[path]) for path in scans}
        tags, note_tags = _collect_tags(notes, scans)
        diags += _duplicate_titles(notes)
        diags += _distinct_pages(notes)
        kb = cls(root=root, notes=notes, scans=scans, assets=vault.assets, diagnostics=diags,
                 wikilinks=wikilinks, backlinks=backlinks, concepts=concepts, tags=tags, note_tags=note_tags)
        kb._resolver = resolver
        kb._memos = memos
        kb._collected = cache.setdefault("collected", {}) if cache is not None else None
        extract.run_all(kb, processes)
        kb.diagnostics.sort(key=lambda d: (d.path, d.line or 0))
        return kb

    # ------------------------------------------------------------------ queries

    def concept_for(self, name: str) -> Concept | None:
        return self.concepts.get(norm(name.rstrip("@#$%^&*~!！?？。，,.;；:：、…").strip()) or norm(name))

    def tag_page_path(self, tag: str) -> str:
        return f"tags/{tag_slug(tag)}.md"

    def canonical_tag(self, tag: str) -> str:
        """Tags compare case-insensitively; the first spelling seen is shown."""
        return self._tag_spelling.get(tag.casefold(), tag)

    def __post_init__(self) -> None:
        # Built once: canonical_tag runs for every tag of every note and event.
        self._tag_spelling = {t.casefold(): t for t in self.tags}

    @property
    def resolver(self) -> Resolver:
        """Name → note path over this knowledge base's notes (the one its links were resolved with)."""
        resolver = self.__dict__.get("_resolver")
        if resolver is None:
            resolver = self._resolver = Resolver(self.notes.values())
        return resolver

    def has_errors(self, strict: bool = False) -> bool:
        levels = {"error", "warning"} if strict else {"error"}
        return any(d.level in levels for d in self.diagnostics)


# ---------------------------------------------------------------------- helpers


@contextmanager
def _cycle_collector_paused(keep_frozen: bool = False) -> Iterator[None]:
    """Python's cycle collector is off while the knowledge base is built, then as it was.

    A build allocates about a million small objects (lines, spans, entries) that form no
    cycles, so the collector frees nothing, yet each of its passes walks every object alive,
    the notes kept across serve rebuilds included: 0.2 s of a 2,000-note build, and a third
    of a rebuild. Reference counting still frees everything as usual; a cycle made meanwhile
    waits for the collector's next pass. `keep_frozen` (serve): see below.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was made meanwhile is alive for the build: it joins the oldest generation at once
        # (freeze, then unfreeze: no walk), instead of being walked by the next young-generation
        # pass and again when promoted (0.17 s of a 2,000-note build). Serve keeps it frozen:
        # the full collection settle_after_rebuild schedules unfreezes it.
        gc.freeze()
        if not keep_frozen:
            gc.unfreeze()
        if enabled:
            gc.enable()


def _resolver(notes: dict[str, Note], cache: dict[str, Any] | None) -> Resolver:
    """The resolver of these notes; across serve rebuilds, the last one while no name changed.

    It reads each note's path, title and aliases only, so after an edit that changes none
    of them (most edits) the previous resolver, and the lookups it remembers, still hold;
    after one that does, the new resolver keeps the lookups the change does not reach.
    """
    if cache is None:
        return Resolver(notes.values())
    names = [(n.path, n.title, tuple(n.aliases)) for n in notes.values()]
    kept = cache.get("resolver")
    if kept is not None and kept[0] == names:
        return kept[1]
    resolver = Resolver(notes.values(), track=True)
    if kept is not None:
        resolver.take_lookups(kept[1])
    cache["resolver"] = (names, resolver)
    return resolver


def _scan_notes(notes: dict[str, Note], memos: dict[str, extract.NoteMemo] | None) -> dict[str, Scan]:
    """Each note's links, images and tags, as scanned. Remembered across serve builds: never
    change one (`_resolve_links` resolves a copy)."""
    if memos is None:
        return {p: scan_note(n) for p, n in notes.items()}
    memo = memos.setdefault("scan", extract.NoteMemo())
    return {p: memo.get(n, scan_note) for p, n in notes.items()}


def _resolve_links(scanned: dict[str, Scan], resolver: Resolver, assets: list[str], diags: list[Diagnostic],
                   unresolved_level: Level, kept: dict[str, tuple[Scan, Scan]] | None = None):
    """Each note's scan with its links resolved (`link.resolved`) and its images' URLs found, and
    what that gives: every link, the links to each note, the concepts linked to.

    `kept` (serve): path → (scan as scanned, as resolved) at the last build. The scans are then
    remembered ones (`_scan_notes`), never changed: each is resolved into a copy, unless the
    last build's copy is of the same scan and resolves the same: that one is handed out again,
    so a retitle copies the scans whose links it moved, not 2,000.
    """
    scans: dict[str, Scan] = {}
    wikilinks: list[WikiLink] = []
    backlinks: dict[str, list[WikiLink]] = defaultdict(list)
    concepts: dict[str, Concept] = {}
    slugs: Counter[str] = Counter()
    asset_by_name: dict[str, list[str]] = defaultdict(list)
    for a in assets:
        asset_by_name[posixpath.basename(a).casefold()].append(a)
    for path, base in scanned.items():
        values: list[str | None] = []  # each span's image URL, or the note its link resolves to
        for span in base.spans:
            if span.kind == "image":
                values.append(_resolve_asset(span.url, path, assets, asset_by_name, diags, span))
            elif span.link is None:
                values.append(None)
            else:
                values.append(_resolve_link(span, path, resolver, diags))
        scan, fresh = base, True
        if kept is not None:
            last = kept.get(path)
            fresh = last is None or last[0] is not base or _resolved(last[1]) != values
            scan = base.copy() if fresh else last[1]
        scans[path] = scan
        for span, value in zip(scan.spans, values):
            if span.kind == "image":
                if fresh and value is not None:
                    span.url = value
                continue
            link = span.link
            if link is None:
                continue
            wikilinks.append(link)
            if fresh:
                link.resolved = value
            if value is not None:
                if value != path:
                    backlinks[value].append(link)
                continue
            name = posixpath.splitext(posixpath.basename(link.target))[0] if span.kind == "mdlink" else link.target
            name = name.rstrip("@#$%^&*~!！?？。，,.;；:：、…").strip() or name or "?"
            key = norm(name)
            if key not in concepts:
                slug = name_slug(name)
                slugs[slug] += 1
                if slugs[slug] > 1:
                    slug = f"{slug}-{slugs[slug]}"
                concepts[key] = Concept(name=name, slug=slug)
            concepts[key].mentions.append(link)
            kind = "wiki-link" if span.kind == "wikilink" else "note link"
            diags.append(Diagnostic(unresolved_level, path, link.source.line,
                                    f"broken {kind} '{link.target}': no note has that name; "
                                    f"linked to the concept page '{name}'"))
    return scans, wikilinks, dict(backlinks), concepts


def _resolve_link(span: Span, path: str, resolver: Resolver, diags: list[Diagnostic]) -> str | None:
    """The note a link of note `path` resolves to (the nearest, if several), or None."""
    link = span.link
    assert link is not None
    if span.kind == "mdlink":
        hit = resolver.resolve_path(link.target, path)
        found = [hit] if hit else resolver.candidates(posixpath.basename(link.target))
    else:
        found = resolver.candidates(link.target)
    if not found:
        return None
    target = nearest(found, path)
    if len(found) > 1:
        diags.append(Diagnostic("warning", path, link.source.line,
                                f"ambiguous link '{link.target}' matches {len(found)} notes "
                                f"({', '.join(sorted(found)[:4])}); using {target}"))
    return target


def _resolved(scan: Scan) -> list[str | None]:
    """What `_resolve_links` set on each span of `scan`."""
    return [s.url if s.kind == "image" else (s.link.resolved if s.link is not None else None) for s in scan.spans]


def _resolve_asset(url: str, from_note: str, assets: list[str], by_name, diags, span) -> str:
    """Local images: as written when present, else by file name anywhere in the vault (Obsidian)."""
    from urllib.parse import unquote

    if "://" in url or url.startswith(("data:", "/")):
        return url
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(from_note), unquote(url)))
    if rel in assets:
        return url
    hits = by_name.get(posixpath.basename(unquote(url)).casefold())
    if hits:
        target = nearest(hits, from_note)
        return posixpath.relpath(target, posixpath.dirname(from_note) or ".")
    diags.append(Diagnostic("warning", from_note, span.line or None, f"missing local image '{unquote(url)}'"))
    return url


def _collect_tags(notes: dict[str, Note], scans: dict[str, Scan]):
    first_spelling: dict[str, str] = {}
    tags: dict[str, list[str]] = defaultdict(list)
    note_tags: dict[str, list[str]] = {}
    for path, note in notes.items():
        mine: list[str] = []
        for raw in [*note.tags, *scans[path].tags]:
            tag = first_spelling.setdefault(raw.casefold(), raw)
            if tag not in mine:
                mine.append(tag)
                tags[tag].append(path)
        note_tags[path] = mine
    return dict(sorted(tags.items(), key=lambda kv: kv[0].casefold())), note_tags


def _duplicate_titles(notes: dict[str, Note]) -> list[Diagnostic]:
    by_title: dict[str, list[str]] = defaultdict(list)
    for n in notes.values():
        by_title[norm(n.title)].append(n.path)
    out = []
    for paths in by_title.values():
        if len(paths) > 1:
            for p in paths:
                others = ", ".join(q for q in paths if q != p)
                out.append(Diagnostic("warning", p, None,
                                      f"duplicate title '{notes[p].title}' (also {others}); "
                                      "links by title pick the nearest"))
    return out


def _distinct_pages(notes: dict[str, Note]) -> list[Diagnostic]:
    """Two notes with one page URL (`a.md` and `a.txt`; `A.md` and `a.md` on a case-insensitive
    disk; `index.md` and `README.md`) would overwrite each other: the later one gets its own path.

    A `.md` note keeps its natural URL; the other keeps its extension in its URL (`a.txt/`).
    """
    out: list[Diagnostic] = []
    owner: dict[str, str] = {}
    for note in notes.values():
        note.page_override = None  # notes are cached across serve rebuilds: start clean
    order = sorted(notes.values(), key=lambda n: (not n.path.lower().endswith(".md"), n.path))
    for note in order:
        key = page_url(note.page_path).casefold()
        if key not in owner:
            owner[key] = note.path
            continue
        root, ext = posixpath.splitext(note.path)
        candidate = f"{root}{ext}.md" if ext.lower() != ".md" else f"{root}-2.md"
        n = 2
        while page_url(candidate).casefold() in owner or candidate in notes:
            n += 1
            candidate = f"{root}{ext if ext.lower() != '.md' else ''}-{n}.md"
        note.page_override = candidate
        owner[page_url(candidate).casefold()] = note.path
        out.append(Diagnostic("warning", note.path, None,
                              f"same page URL as {owner[key]}; published at {page_url(candidate)} instead"))
    return out

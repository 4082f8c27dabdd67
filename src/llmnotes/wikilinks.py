"""The normaliser: find wiki-links, note links, images and tags in a note; resolve names to notes.

Resolution follows what Obsidian, Quartz and Foam agree on: a name matches a file
stem, a title or an alias, case-insensitively; a partial path `dir/Name` narrows;
several matches → the one nearest the linking note (and a warning); none → a
concept page for the name.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote

from .model import Note, Source, WikiLink
from .textutil import sentence_around

WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
# WIKILINK without its optional `!`: a pattern that starts with a literal is searched for
# several times faster. scan_note looks at the character before the match instead.
_WIKI_BODY = re.compile(r"\[\[([^\[\]\n]+?)\]\]")
# [text](target "title") — not an image; the text may hold one level of brackets.
MDLINK = re.compile(
    r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^<>\n]+>|[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)"
    r"(\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
)
# MDLINK without its optional `!`, likewise: groups 1-3 are MDLINK's groups 2-4 (see md_links).
_MDLINK_BODY = re.compile(MDLINK.pattern.removeprefix("(!?)"))
# Obsidian tags: `#` after whitespace or line start, at least one non-digit character.
# (The `#` comes first and the test of what precedes it after: a literal start is found fast.)
TAG = re.compile(r"#(?:(?<=[\s(（]#)|(?<=^#))([\w\-/]*[^\W\d_][\w\-/]*)", re.MULTILINE)
HEADING_LINE = re.compile(r"^ {0,3}#{1,6}(?:[ \t].*)?$", re.MULTILINE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
NOTE_EXTS = (".md", ".markdown", ".txt")
TRAILING_MARKS = "@#$%^&*~!！?？。，,.;；:：、…"
# Characters of a line each side of a link searched for its sentence.
CONTEXT_WINDOW = 1000


# What NFKC changes in most Chinese text: full-width punctuation and the ideographic space.
# Each becomes its compatibility decomposition, ASCII (NFKD of the text is unchanged), so when
# the result is NFKC already it is the NFKC of the text: 5 us, not 15, for a line of a note.
_WIDE_PUNCTUATION = tuple((w, unicodedata.normalize("NFKD", w)) for w in "，；：！？（）\u3000")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), case-folded, spaces collapsed: how names compare."""
    if not unicodedata.is_normalized("NFKC", text):  # a quick check: most names are NFKC already
        narrowed = text
        for wide, narrow in _WIDE_PUNCTUATION:
            if wide in narrowed:
                narrowed = narrowed.replace(wide, narrow)
        text = narrowed if unicodedata.is_normalized("NFKC", narrowed) else unicodedata.normalize("NFKC", text)
    return " ".join(text.casefold().split())


@lru_cache(maxsize=32768)  # names (titles, aliases, link targets) are compared again and again
def norm(name: str) -> str:
    """Key under which names compare (`normalize`, remembered: use `normalize` for one-off texts)."""
    return normalize(name)


@dataclass
class Span:
    """A piece of a note's text the renderer rewrites."""

    start: int
    end: int
    kind: str  # "wikilink" | "mdlink" | "image" | "tag"
    link: WikiLink | None = None
    tag: str | None = None
    alt: str = ""  # images: alt text; mdlinks: link text
    url: str = ""  # images and mdlinks: the target as written
    width: str | None = None  # images: Obsidian size `|300`
    line: int = 0  # source line (images; links carry theirs in `link.source`)


@dataclass
class Scan:
    """Everything the normaliser found in one note, in text order."""

    spans: list[Span] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def links(self) -> list[WikiLink]:
        return [s.link for s in self.spans if s.link is not None]

    def copy(self) -> Scan:
        """A copy whose spans and links can be resolved without touching this scan.

        The knowledge base sets `link.resolved` and an image's `url` on the scan of each
        build; a scan remembered across serve rebuilds is handed out as such a copy.
        """
        spans = []
        for s in self.spans:
            link = s.link
            if link is not None:
                link = WikiLink(link.source, link.target, link.anchor, link.label, link.embed, link.resolved,
                                link.sentence)
            spans.append(Span(s.start, s.end, s.kind, link, s.tag, s.alt, s.url, s.width, s.line))
        return Scan(spans, list(self.tags))


def md_links(masked: str) -> Iterator[tuple[int, bool, re.Match[str]]]:
    """MDLINK's matches in `masked`, found faster: (start, is an image, the match without the `!`).

    `start` includes an image's `!`. The match's groups 1, 2, 3 are the link text, the
    target and the title (MDLINK's 2, 3, 4). A `!` right before the `[` can belong to no
    earlier match (a link ends with `)`), so this finds exactly what MDLINK.finditer finds.
    """
    for m in _MDLINK_BODY.finditer(masked):
        image = m.start() > 0 and masked[m.start() - 1] == "!"
        yield m.start() - image, image, m


def scan_note(note: Note) -> Scan:
    """Find links, images and tags outside code, with their source line and sentence."""
    text = note.text
    masked = note.masked
    starts = note.line_starts
    scan = Scan()
    taken = _Claimed()

    def line_of(pos: int) -> int:
        return bisect_right(starts, pos) - 1

    def context(start: int, end: int) -> tuple[Source, str]:
        i = line_of(start)
        line_start = starts[i]
        line_end = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
        # A window of the line, not all of it: a flattened note is one line of megabytes.
        lo, hi = max(line_start, start - CONTEXT_WINDOW), min(line_end, end + CONTEXT_WINDOW)
        sent = sentence_around(text[lo:hi], start - lo, end - lo)
        return Source(note.path, note.source_line(i)), sent

    for m in _WIKI_BODY.finditer(masked):  # WIKILINK's matches: `!` before `[[` makes an embed
        inner = text[m.start(1):m.end(1)]
        target, _, label = inner.partition("|")
        target = target.removesuffix("\\")  # `[[Note\|label]]`: Obsidian's escaped bar inside a table
        target, _, anchor = target.partition("#")
        embed = m.start() > 0 and masked[m.start() - 1] == "!"
        start, end = m.start() - embed, m.end()
        src, sent = context(start, end)
        taken.add(start, end)
        if embed and _is_asset_name(target):
            width = label.strip() if label.strip().isdigit() else None
            scan.spans.append(Span(start, end, "image", alt=target.strip(), url=target.strip(),
                                   width=width, line=src.line))
            continue
        link = WikiLink(src, target.strip(), anchor.strip() or None, label.strip() or None, embed, sentence=sent)
        scan.spans.append(Span(start, end, "wikilink", link=link))

    for start, image, m in md_links(masked):
        end = m.end()
        if start in taken:
            continue
        raw_url = text[m.start(2):m.end(2)].strip("<>")
        label = text[m.start(1):m.end(1)]
        if image:  # Obsidian's `![alt|300](url)` size, and local files to check
            alt, bar, size = label.partition("|")
            size = size.strip()
            sized = bool(bar) and (size.isdigit() or ("x" in size and size.replace("x", "").isdigit()))
            scan.spans.append(Span(start, end, "image", alt=alt if sized else label, url=raw_url,
                                   width=size.split("x")[0] if sized else None,
                                   line=note.source_line(line_of(start))))
            taken.add(start, end)
            continue
        taken.add(start, end)
        if SCHEME.match(raw_url) or raw_url.startswith(("#", "/")):
            continue
        path_part, _, frag = raw_url.partition("#")
        decoded = unquote(path_part)
        ext = posixpath.splitext(decoded)[1].lower()
        if ext and ext not in NOTE_EXTS:
            continue
        src, sent = context(start, end)
        link = WikiLink(src, decoded, unquote(frag) or None, label or None, sentence=sent)
        scan.spans.append(Span(start, end, "mdlink", link=link, alt=label, url=raw_url))

    # A `#word` in a heading is not a tag. Each line holding one is tested once, rather than
    # every heading of the note blanked first (a tenth of the scan).
    line, heading = -1, False
    for m in TAG.finditer(masked):
        if m.start() in taken:
            continue
        i = line_of(m.start())
        if i != line:
            line, heading = i, HEADING_LINE.match(masked, starts[i]) is not None
        if heading:
            continue
        tag = m.group(1).strip("-/")
        if not tag:
            continue
        scan.spans.append(Span(m.start(), m.start() + 1 + len(tag), "tag", tag=tag))
        scan.tags.append(tag)
    scan.spans.sort(key=lambda s: s.start)
    return scan


class _Claimed:
    """Spans already taken by a link, sorted, so "is this offset inside one?" is a bisection.

    A note with 20,000 links on one line made the linear `any(...)` test quadratic (minutes).
    """

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


def _is_asset_name(name: str) -> bool:
    ext = posixpath.splitext(name.strip())[1].lower()
    return bool(ext) and ext not in NOTE_EXTS


class Resolver:
    """Name → note path, by stem, alias and title (in that order of trust), nearest first.

    A file name is what the author typed when linking in Obsidian; an alias is a name
    they chose; a title may be derived from a first line. So a stem match beats an
    alias match, which beats a title match.
    """

    def __init__(self, notes: Iterable[Note], track: bool = False):
        self.keys: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.paths: dict[str, str] = {}
        # name → candidates: the same names are looked up again and again (links, roadmap nodes).
        self._found: dict[str, list[str]] = {}
        # With `track` (serve): name → the keys its lookup read, so that the next resolver
        # takes over the lookups a change of names does not reach (`take_lookups`).
        self._read: dict[str, frozenset[str]] | None = {} if track else None
        for note in notes:
            self.paths[note.path.casefold()] = note.path
            tiers = ((0, [note.stem, posixpath.splitext(note.path)[0]]), (1, note.aliases), (2, [note.title]))
            for tier, names in tiers:
                for name in names:
                    key = norm(name)
                    if key and note.path not in self.keys[key][tier]:
                        self.keys[key][tier].append(note.path)

    def _lookup(self, key: str, read: set[str] | None = None) -> list[str]:
        if read is not None:
            read.add(key)
        tiers = self.keys.get(key)
        if not tiers:
            return []
        for tier in sorted(tiers):
            if tiers[tier]:
                return list(tiers[tier])
        return []

    def candidates(self, name: str) -> list[str]:
        """Paths of the notes `name` names, best tier only; several means ambiguous."""
        found = self._found.get(name)
        if found is None:
            read: set[str] | None = set() if self._read is not None else None
            found = self._found[name] = self._candidates(name, read)
            if read is not None:
                self._read[name] = frozenset(read)
        return list(found)

    def take_lookups(self, old: Resolver) -> None:
        """Keep the lookups of `old` (the last serve rebuild's resolver, tracking them) that read
        no key whose notes differ here: a retitle changes two keys (the old and the new title),
        and the thousands of names links and roadmaps look up are not looked up again."""
        if self._read is None or old._read is None:
            return
        changed = {k for k in old.keys.keys() | self.keys.keys() if old.keys.get(k) != self.keys.get(k)}
        for name, read in old._read.items():
            if read.isdisjoint(changed):
                self._found[name], self._read[name] = old._found[name], read

    def _candidates(self, name: str, read: set[str] | None = None) -> list[str]:
        """`candidates`, worked out; the keys it reads are added to `read`, when given."""
        name = name.strip()
        bare = name.rstrip(TRAILING_MARKS).strip()
        for variant in (name, bare) if bare != name else (name,):  # most names have no trailing mark
            if not variant:
                continue
            base, ext = posixpath.splitext(variant)
            if ext.lower() in NOTE_EXTS:
                variant = base
            key = norm(variant)
            if read is not None:
                read.add(key)
            if "/" in variant and not self.keys.get(key):  # a title such as "TCP/IP" wins
                last = variant.rsplit("/", 1)[1]
                suffix = norm(variant.strip("/"))
                found = [p for p in self._lookup(norm(last), read)
                         if norm(posixpath.splitext(p)[0]).endswith(suffix)]
            else:
                found = self._lookup(key)
            if found:
                return found
        return []

    def resolve_path(self, relpath: str, from_note: str) -> str | None:
        """An explicit relative path from a Markdown link, inside the vault only."""
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_note), relpath))
        if joined.startswith("../") or joined == "..":
            return None
        for ext in ("", *NOTE_EXTS):
            hit = self.paths.get((joined + ext).casefold())
            if hit:
                return hit
        return None


def nearest(candidates: list[str], from_note: str) -> str:
    """The candidate sharing the most folders with the linking note; then the shortest path."""
    if len(candidates) == 1:  # most names name one note
        return candidates[0]
    here = posixpath.dirname(from_note).split("/") if "/" in from_note else []

    def score(path: str) -> tuple[int, int, str]:
        parts = posixpath.dirname(path).split("/") if "/" in path else []
        shared = 0
        for a, b in zip(here, parts):
            if a != b:
                break
            shared += 1
        return (-shared, len(path), path)

    return min(candidates, key=score)

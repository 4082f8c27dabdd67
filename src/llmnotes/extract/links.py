"""External links: every http(s) URL a note cites, with its text, outside code.

Four forms: Markdown links `[text](url)`, autolinks `<url>`, HTML `<a href>` and bare
URLs. Image sources are not links (a picture is not a reference to read). A bare URL
ends at whitespace, CJK text or full-width punctuation, and loses trailing
punctuation that belongs to the sentence. `kb.links` holds one Link per occurrence;
`link_key` and `site_of` give the page its dedupe and grouping.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from ..model import Link, Source
from ..textutil import mask_code, shorten
from ..wikilinks import md_links
from . import per_note, remembered

if TYPE_CHECKING:
    from ..kb import KnowledgeBase
    from ..model import Note

# Characters a bare URL never contains: space, quotes, angle brackets, CJK and full-width forms.
_STOP = (r"\s<>\"'`"
         r"\u2018-\u201f\u2026\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
         r"\uac00-\ud7af\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef")
# Case-sensitive with a literal start, so the regex engine jumps from "http" to "http".
BARE_URL = re.compile(rf"https?://[^{_STOP}]+")
_GLUED = re.compile(r"[A-Za-z0-9/@.]")  # "xhttps://" is no URL start
AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>", re.IGNORECASE)
HTML_TAG = re.compile(r"<[A-Za-z][^<>]*>")
HTML_A = re.compile(r"<a\b[^>]*?\bhref\s*=\s*([\"'])(https?://[^\"'\s]+)\1[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_TRAILING = ".,;:!?。，；：！？、）)]}*~'\""
_LIST_MARK = re.compile(r"^\s*(?:>\s*)*(?:[-*+]|\d+[.)])?\s*(?:\[[ xX]\]\s*)?")
# Where the words naming a bare URL start: a sentence end or the end of a link before it.
_CLAUSE_END = re.compile(r"[。！!；;\n]|\]\([^()\s]*\)|\]\]")
_WORD = re.compile(r"[^\W_]")
_SEPARATORS = " \t-–—:：|·•,，;；"


def trim_url(url: str) -> str:
    """Drop trailing sentence punctuation; keep a closing bracket that closes one in the URL."""
    while url and url[-1] in _TRAILING:
        last = url[-1]
        if last == ")" and url.count("(") >= url.count(")"):
            break
        if last == "]" and url.count("[") >= url.count("]"):
            break
        url = url[:-1]
    return url


def find_links(text: str, masked: str | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, url, text) of every external link outside code, in text order."""
    masked = mask_code(text) if masked is None else masked
    found: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for start, image, m in md_links(masked):  # MDLINK's matches
        taken.append((start, m.end()))
        url = text[m.start(2):m.end(2)].strip("<>")
        if image or not url.lower().startswith(("http://", "https://")):
            continue  # images and links to notes are not external links
        found.append((start, m.end(), url, " ".join(text[m.start(1):m.end(1)].split())))
    for m in AUTOLINK.finditer(masked):
        if not _inside(m.start(), taken):
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), m.group(1), ""))
    for m in HTML_A.finditer(masked):
        if not _inside(m.start(), taken):
            taken.append((m.start(), m.end()))
            label = " ".join(_TAGS.sub(" ", text[m.start(3):m.end(3)]).split())
            found.append((m.start(), m.end(), text[m.start(2):m.end(2)], label))
    taken.sort()
    starts = [a for a, _ in taken]
    tags = [(m.start(), m.end()) for m in HTML_TAG.finditer(masked)  # other tags' URLs (img src) are not links
            if not _inside_sorted(m.start(), taken, starts)]
    taken = sorted(taken + tags)
    starts = [a for a, _ in taken]
    for m in BARE_URL.finditer(masked):
        if _inside_sorted(m.start(), taken, starts) or (m.start() and _GLUED.match(masked, m.start() - 1)):
            continue  # part of a link (or an image, or an attribute) found above
        url = trim_url(text[m.start():m.end()])
        if len(url) > len("https://"):
            found.append((m.start(), m.start() + len(url), url, ""))
    found.sort()
    return found


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _inside_sorted(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    """`_inside` for spans sorted by start that do not overlap: a binary search."""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def bare_text(text: str, starts: list[int], pos: int, prev_end: int) -> str:
    """What a bare URL is called: the words before it on its line, else the nested item below.

    "某文章 - 知乎 https://..." is named by "某文章 - 知乎"; a list item holding only the URL is
    named by its first sub-item, as link lists are written.
    """
    i = bisect_right(starts, pos) - 1
    line_start = starts[i]
    before = text[max(line_start, prev_end):pos]
    before = _LIST_MARK.sub("", before, count=1) if prev_end <= line_start else before
    before = _CLAUSE_END.split(before)[-1]  # only the words right before the URL name it
    before = before.strip().rstrip(_SEPARATORS).strip()
    if len(before) > 120:
        before = "…" + before[-120:].split(" ", 1)[-1]
    if _WORD.search(before):
        return before
    line_end = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
    if text[pos:line_end].strip().count(" ") or i + 1 >= len(starts):
        return ""
    indent = len(text[line_start:pos]) - len(text[line_start:pos].lstrip())
    nxt_end = starts[i + 2] - 1 if i + 2 < len(starts) else len(text)
    nxt = text[starts[i + 1]:nxt_end]
    nxt_indent = len(nxt) - len(nxt.lstrip())
    if nxt_indent > indent and nxt.lstrip()[:2] in ("- ", "* ", "+ ") and "://" not in nxt:
        return shorten(_LIST_MARK.sub("", nxt, count=1).strip(), 120)
    return ""


@lru_cache(maxsize=1 << 16)
def link_key(url: str) -> str:
    """Dedupe key, conservative: host case, `www.`, http/https, trailing slash, in-page anchors.

    Remembered per URL, as `site_of`: the links page asks for every link on each serve rebuild.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = parts.netloc.lower()
    host = host.removeprefix("www.")
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    # A fragment points into the same document, except a hash route (`#/page`) of a web app.
    fragment = parts.fragment if parts.fragment.startswith(("/", "!")) else ""
    return urlunsplit(("https", host, path, parts.query, fragment))


# Sites a reader of LLM notes knows by name, in the order the links page shows them.
SITES: list[tuple[str, tuple[str, ...]]] = [
    ("GitHub", ("github.com", "gist.github.com", "raw.githubusercontent.com", "githubusercontent.com")),
    ("arXiv", ("arxiv.org",)),
    ("Hugging Face", ("huggingface.co", "hf.co")),
    ("site_zhihu", ("zhihu.com",)),
    ("site_wechat", ("mp.weixin.qq.com",)),
    ("site_bilibili", ("bilibili.com", "b23.tv")),
    ("CSDN", ("csdn.net",)),
]


def host_of(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


@lru_cache(maxsize=1 << 16)
def site_of(url: str) -> str:
    """The group a URL belongs to: a known site's name (or label key), else its host."""
    host = host_of(url)
    for name, domains in SITES:
        if any(host == d or host.endswith("." + d) for d in domains):
            return name
    return host or "?"


def _note_links(note: Note) -> list[tuple[str, str, int]]:
    """(url, text, source line) of each external link of one note, in text order (remembered per note)."""
    text = note.text
    if "://" not in text:
        return []
    starts = list(accumulate((len(line) + 1 for line in text.split("\n")), initial=0))[:-1]
    prev_end = 0
    out: list[tuple[str, str, int]] = []
    for pos, end, url, label in find_links(text, note.masked):
        if not label and not text.startswith("<", pos):
            label = bare_text(text, starts, pos, prev_end)
        prev_end = end
        out.append((url, label, note.source_line(bisect_right(starts, pos) - 1)))
    return out


def note_pass(kb: KnowledgeBase) -> Callable[[Note], list[tuple[str, str, int]]]:
    """What `collect` reads from one note alone (see `per_note`)."""
    return _note_links


def collect(kb: KnowledgeBase) -> None:
    found = [(note.path, per_note(kb, "links", note, _note_links)) for note in kb.notes.values()]
    kb.links = remembered(kb, "links", (found,), lambda: [
        Link(url, label, Source(path, line)) for path, mine in found for url, label, line in mine])

"""Small text helpers shared by the loader, the normaliser and the extractors.

The central one is `mask_code`: every rule that rewrites or extracts from a note
("never inside code") works on a copy where code is blanked out with spaces, so
positions and line numbers stay those of the real text.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FENCE_OPEN = re.compile(r"^( {0,3}(?:>\s*)*)(`{3,}|~{3,})(.*)$")
_INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_HTML_CODE = re.compile(r"<(pre|code|script|style)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _blank(s: str) -> str:
    """Same length, newlines kept, everything else a space."""
    return re.sub(r"[^\n]", " ", s)


@lru_cache(maxsize=512)  # every extractor masks each note: once per note text is enough
def mask_code(text: str) -> str:
    """Return `text` with fenced code blocks, inline code, HTML <pre>/<code>, comments blanked.

    An unclosed fence masks to the end of the note, as Markdown renders it.
    Indented code blocks are left alone: in real notes four-space indentation is far
    more often a nested list than code.
    """
    # Each step only where its marks occur: most notes have no fence and no HTML.
    masked = _mask_fences(text) if "```" in text or "~~~" in text else text
    if "<" in masked:
        masked = _HTML_COMMENT.sub(lambda m: _blank(m.group(0)), masked)
        masked = _HTML_CODE.sub(lambda m: _blank(m.group(0)), masked)
    if "`" in masked:
        masked = _INLINE_CODE.sub(lambda m: _blank(m.group(0)), masked)
    return masked


def _mask_fences(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        if fence is None:
            m = _FENCE_OPEN.match(line)
            if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
                fence = m.group(2)
                out.append(_blank(line))
                continue
            out.append(line)
        else:
            stripped = line.strip().lstrip(">").strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                fence = None
            out.append(_blank(line))
    return "\n".join(out)


def line_starts(text: str) -> list[int]:
    """Offsets at which each line of `text` starts (for offset → line lookups)."""
    starts = [0]
    for m in re.finditer("\n", text):
        starts.append(m.end())
    return starts


def shorten(text: str, limit: int = 60) -> str:
    """Cut `text` to about `limit` characters at a natural break, marking the cut with …"""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for mark in ("。", "，", ",", "；", ";", "：", ":", " "):
        pos = cut.rfind(mark)
        if pos >= limit // 2:
            cut = cut[:pos]
            break
    return cut.rstrip() + "…"


# Where a sentence ends: after 。！？!?；; or after ". ". Each match ends at a boundary. (Same
# ends as `(?<=[。！？!?；;])|(?<=\.)\s`, written to start with a character class, which the
# regex engine skips to: twice as fast.)
_SENTENCE_END = re.compile(r"[。！？!?；;.](?:(?<=\.)\s|(?<!\.))")
_LINE_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)]|>|#+)\s+")  # a list, quote or heading mark before a sentence


def sentence_around(line: str, start: int, end: int, limit: int = 200) -> str:
    """The sentence of `line` that contains [start, end), trimmed to `limit` characters."""
    margin = 2 * limit
    if start > margin or len(line) - end > margin:
        # Look only near the span: a flattened note is one line of megabytes, and a sentence
        # cut by this window is longer than `limit`, so it would be trimmed anyway.
        lo = max(0, start - margin)
        line, start, end = line[lo:end + margin], start - lo, end - lo
    # The last sentence end at or before `start`, the first at or after `end`: the ends come in
    # order, so the search stops at the sentence (a list of every end was most of the cost).
    lo, hi = 0, len(line)
    for m in _SENTENCE_END.finditer(line):
        b = m.end()
        if b <= start:
            lo = b
        if b >= end:
            hi = b
            break
    # The line's start and end bound a sentence too: an empty span at either end takes it.
    if start >= len(line):
        lo = len(line)
    if end <= 0:
        hi = 0
    sentence = line[lo:hi].strip()
    sentence = _LINE_MARKER.sub("", sentence)
    if len(sentence) > limit:
        mid = (start + end) // 2 - lo
        a = max(0, mid - limit // 2)
        sentence = ("…" if a else "") + sentence[a:a + limit].strip() + "…"
    return sentence


_WIKI_INLINE = re.compile(r"!?\[\[([^\[\]|#\n]*)(?:#([^\[\]|\n]*))?(?:\|([^\[\]\n]*))?\]\]")
_MD_INLINE = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\s]*(?:\s+\"[^\"]*\")?\)")


def plain_inline(text: str) -> str:
    """Markdown link syntax → the words a reader sees (for quoting a sentence as plain text)."""
    text = _WIKI_INLINE.sub(lambda m: m.group(3) or m.group(1) or m.group(2) or "", text)
    return _MD_INLINE.sub(r"\1", text)


def as_written(text: str) -> bytes:
    """Text as MkDocs writes a page: UTF-8, a lone surrogate as a character reference."""
    return text.encode("utf-8", errors="xmlcharrefreplace")

"""Restore the block structure of a Markdown note whose line breaks were lost.

Why: some notes arrive as one very long line (an Obsidian note pasted through a tool
that turned every newline into a space). Rendered as is, the whole note is a single
paragraph with "# Summary", "- item" and "| a | b |" shown as literal text. The
repair re-inserts line breaks where the Markdown block markers sit. It only ever
inserts or replaces whitespace: `re.sub(r"\\s", "", out) == re.sub(r"\\s", "", text)`.

Rules (see tests/test_repair.py):

* Protected, never split: fenced code (```` ```lang ... ``` ````), tables, inline code,
  [[wiki links]], [text](links), ![images](...), <autolinks>, bare URLs.
* Fences: the opening ```` ```lang ```` and the closing ```` ``` ```` get lines of their
  own; inside, each tree branch (`├─`/`└─`, with any `│ ` prefixes in front of it)
  starts a new line. Other code stays on one line (its breaks are unknowable).
* Tables: from a delimiter row `| --- | --- |` (N cells) the N cells before it are the
  header; then rows of N cells follow while the gap between a row's closing pipe and
  the next pipe is only whitespace. Whatever follows is a new paragraph.
* Headings: "#"-"######" + space, at the start or after whitespace. The heading text is
  the first token, plus up to four more short tokens (<= 12 chars, no punctuation but
  - _ . / & + ' # () ·) that do not start a construct (# - [ ! | > < * + " ``` or "1.");
  a token ending in ? ？ ! ！ ends it. Text after it starts a paragraph. `#tag` (no space)
  is not a heading; a paragraph that would start with one gets a leading space so
  Python-Markdown does not read it as a heading.
* List items: " - x" and " 1. x" (1-3 digits) start items, so "回答 - 知乎" does split
  into an item: the dash cannot be told from a list marker. A marker right after
  another marker ("- 1. x", "> - x") is part of that item/quote.
* Blockquotes: " > " starts a quote line; "> - x" / "> 1. x" is a list inside the quote.
  Every line of a quote starts with ">", so a " - " / " 1. " item marker elsewhere, a
  heading, rule, table or fence ends the quote; plain text after a quote line stays in
  it (the lost line break is unknowable).
* Images get a paragraph of their own (except inside quotes); " --- " is a rule.
* Blocks are separated by a blank line; consecutive list items (of either kind, since
  Python-Markdown merges adjacent lists anyway) and quote lines of one kind by one
  newline.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["MIN_FLAT_LINE", "is_flattened", "repair_flattened"]

MIN_FLAT_LINE = 1000

_HOLD = "\ue000"  # stands for a protected character in the masked copy
_FENCE_RUN = re.compile(r"`{3,}")
_FENCE_LINE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})(.*)")
_FENCE_INFO = re.compile(r"[A-Za-z0-9_+#.-]+")
# Bounded so a stray backtick cannot hide half a note from the block rules.
_INLINE_CODE = re.compile(r"(?<!`)(`{1,2})(?!`)[^`]{1,300}?(?<!`)\1(?!`)")
_WIKI = re.compile(r"!?\[\[[^\[\]]{1,300}?\]\]")
_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\]){0,300}\]\((?:[^()\s]|\([^()\s]*\)){0,2000}(?:\s+\"[^\"]*\")?\)"
)
_AUTOLINK = re.compile(r"<https?://[^\s<>]+>")
_BARE_URL = re.compile(r"https?://[^\s|<>]+")
_PIPE = re.compile(r"(?<!\\)\|")
_DELIM_ROW = re.compile(r"\|(?:[ \t]*:?-{3,}:?[ \t]*\|)+")
_MARKER = re.compile(
    r"(?:(?<=\s)|^)(?:"
    r"(?P<h>#{1,6})(?=[ \t]+\S)"
    r"|(?P<hr>-{3,}|\*{3,}|_{3,})(?=\s|$)"
    r"|(?P<q>>)(?=[ \t]|$)"
    r"|(?P<ul>-)(?=[ \t]+\S)"
    r"|(?P<ol>\d{1,3}\.)(?=[ \t]+\S)"
    r")"
)
_TOKEN = re.compile(r"\S+")
_TREE_BREAK = re.compile(r"(?<![│|\s])\s+(?=(?:[│|]\s*)*(?:[└├]─|[`|]--))")
_COUNT = re.compile(
    r"(?P<strong>(?:^|\s)#{1,6}[ \t]+\S|\|[ \t]*:?-{3,})"
    r"|(?P<weak>\s(?:>|-|\d{1,3}\.)[ \t]+\S|\s-{3,}(?=\s|$))"
)
_HEADING_MAX_TOKENS = 5
_HEADING_MAX_CHARS = 50
_HEADING_TOKEN_MAX = 12
_HEADING_PUNCT_OK = set("-_./&+'#()（）·")
_HEADING_END = tuple("?？!！")
_CONSTRUCT_START = re.compile(r"(?:[#\-\[!|><*+\"]|```|\d+[.、](?!\d))")
_LIST_KINDS = {"ul", "ol"}
_QUOTE_LIST_KINDS = {"qul", "qol"}


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str  # "code", "link", "image", "url"


def is_flattened(text: str, *, min_length: int = MIN_FLAT_LINE) -> bool:
    """True when a line of `text` looks like a whole Markdown note run together.

    That is a line of at least `min_length` characters, outside fenced code, holding a
    heading, table delimiter row or fence marker and at least three block markers.
    """
    if max(map(len, text.split("\n"))) < min_length:  # most notes: no line is long enough
        return False
    return any(flat for _line, flat in _scan(text, min_length))


def repair_flattened(text: str, *, min_length: int = MIN_FLAT_LINE) -> str:
    """Re-insert the line breaks of every flattened line; other lines are left alone."""
    return "\n".join(_repair_line(line) if flat else line for line, flat in _scan(text, min_length))


def _scan(text: str, min_length: int) -> Iterator[tuple[str, bool]]:
    """Each line with whether it is flattened; lines inside a fenced code block never are."""
    fence = ""
    for line in text.split("\n"):
        m = _FENCE_LINE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
                fence = ""
            yield line, False
        elif m and not (len(line) >= min_length and line.count("```") >= 2):
            fence = m.group(1)
            yield line, False
        else:
            yield line, _is_flat_line(line, min_length)


def _is_flat_line(line: str, min_length: int) -> bool:
    if len(line) < min_length:
        return False
    masked, _spans, fences = _mask(line)
    strong, weak = len(fences), 0  # fences are masked, count them here
    for m in _COUNT.finditer(masked):
        if m.group("strong"):
            strong += 1
        else:
            weak += 1
        if strong and strong + weak >= 3:
            return True
    return False


def _mask(line: str) -> tuple[str, list[_Span], list[tuple[int, int]]]:
    """Copy of `line` with protected spans blanked to _HOLD, same length; spans; fence pairs."""
    fences: list[tuple[int, int]] = []
    runs = list(_FENCE_RUN.finditer(line))
    for k in range(0, len(runs) - 1, 2):
        fences.append((runs[k].start(), runs[k + 1].end()))
    masked = line
    for start, end in fences:
        masked = masked[:start] + _HOLD * (end - start) + masked[end:]
    spans: list[_Span] = []

    def hold(kind: str):
        def sub(m: re.Match[str]) -> str:
            k = "image" if kind == "link" and m.group(0).startswith("!") else kind
            spans.append(_Span(m.start(), m.end(), k))
            return _HOLD * (m.end() - m.start())

        return sub

    for rx, kind in ((_INLINE_CODE, "code"), (_WIKI, "link"), (_LINK, "link"), (_AUTOLINK, "url"),
                     (_BARE_URL, "url")):
        masked = rx.sub(hold(kind), masked)
    spans.sort(key=lambda s: s.start)
    return masked, spans, fences


def _repair_line(line: str) -> str:
    masked, spans, fences = _mask(line)
    regions: list[tuple[int, int, str]] = [(s, e, _fence_text(line, s, e)) for s, e in fences]
    for rows in _tables(masked, fences):
        regions.append((rows[0][0], rows[-1][1], "\n".join(line[s:e] for s, e in rows)))
    regions.sort()
    blocks: list[tuple[str, str]] = []
    pos = 0
    for start, end, text in regions:
        if start < pos:  # overlaps the previous region (a fence inside a table, say)
            continue
        blocks += _prose(line, masked, spans, pos, start)
        blocks.append(("block", text))
        pos = end
    blocks += _prose(line, masked, spans, pos, len(line))
    out: list[str] = []
    prev = ""
    for kind, text in blocks:
        if out:
            out.append(_separator(prev, kind))
        out.append(text)
        prev = kind
    return "".join(out)


def _separator(prev: str, kind: str) -> str:
    if prev in _LIST_KINDS and kind in _LIST_KINDS:
        return "\n"
    if prev == kind and kind in _QUOTE_LIST_KINDS | {"q"}:
        return "\n"
    if prev in _QUOTE_LIST_KINDS and kind in _QUOTE_LIST_KINDS:
        return "\n"
    return "\n\n"


# --------------------------------------------------------------------------- tables


def _tables(masked: str, fences: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Each table as its rows' (start, end): header row, delimiter row, body rows."""
    pipes = [m.start() for m in _PIPE.finditer(masked)]
    found: list[list[tuple[int, int]]] = []
    floor = 0
    for d in _DELIM_ROW.finditer(masked):
        ds, de = d.start(), d.end()
        if ds < floor or any(s <= ds < e for s, e in fences):
            continue
        ncols = d.group(0).count("|") - 1
        k = bisect.bisect_left(pipes, ds)
        if k - (ncols + 1) < 0:
            continue
        header = pipes[k - ncols - 1 : k]
        if header[0] < floor or masked[header[-1] + 1 : ds].strip():
            continue
        rows = [(header[0], header[-1] + 1), (ds, de)]
        end = de
        while True:
            j = bisect.bisect_left(pipes, end)
            if j + ncols >= len(pipes):
                break
            gap = masked[end : pipes[j]]
            if not gap or gap.strip():
                break
            rows.append((pipes[j], pipes[j + ncols] + 1))
            end = rows[-1][1]
        found.append(rows)
        floor = end
    return found


# --------------------------------------------------------------------------- fences


def _fence_text(line: str, start: int, end: int) -> str:
    opening = _FENCE_RUN.match(line, start)
    assert opening is not None
    head_end = opening.end()
    info = _FENCE_INFO.match(line, head_end)
    if info is not None:
        head_end = info.end()
    closing_start = line.rfind("```", start, end)
    while closing_start > head_end and line[closing_start - 1] == "`":
        closing_start -= 1
    body = line[head_end:closing_start].strip()
    body = _TREE_BREAK.sub("\n", body)
    parts = [line[start:head_end], body, line[closing_start:end]] if body else [line[start:head_end], line[closing_start:end]]
    return "\n".join(parts)


# --------------------------------------------------------------------------- prose


def _span_start(s: _Span) -> int:
    return s.start


def _prose(line: str, masked: str, spans: list[_Span], a: int, b: int) -> list[tuple[str, str]]:
    """Split line[a:b] (no tables or fences in it) into (kind, text) blocks."""
    events: list[tuple[int, str, int]] = []  # (position, kind, end of marker / span)
    for m in _MARKER.finditer(masked[a:b]):
        kind = m.lastgroup or ""
        events.append((a + m.start(), kind, a + m.end()))
    # Spans are sorted by start: bisect to this segment instead of walking every span of the
    # line for every segment (quadratic on a flattened note of megabytes with many tables).
    for s in spans[bisect.bisect_left(spans, a, key=_span_start):]:
        if s.start >= b:
            break
        if s.kind == "image" and s.end <= b:
            events.append((s.start, "img", s.end))
    events.sort()

    blocks: list[tuple[str, str]] = []
    cur_kind, cur_start, content_start = "p", a, a
    in_quote = False

    def close(end: int) -> None:
        text = line[cur_start:end].strip()
        if text:
            if cur_kind == "p" and text.startswith("#"):
                text = " " + text  # a #tag opening a paragraph must not read as a heading
            blocks.append((cur_kind, text))

    for pos, kind, mend in events:
        if pos < cur_start:
            continue
        empty = not masked[content_start:pos].strip()
        if kind == "h":
            close(pos)
            hend = _heading_end(line, masked, mend, b)
            blocks.append(("h", line[pos:hend].strip()))
            cur_kind, cur_start, content_start, in_quote = "p", hend, hend, False
        elif kind in ("hr", "img"):
            if kind == "img" and in_quote:
                continue
            if kind == "hr" and in_quote and not empty:
                continue
            close(pos)
            blocks.append(("p" if kind == "img" else "hr", line[pos:mend]))
            cur_kind, cur_start, content_start, in_quote = "p", mend, mend, False
        elif kind == "q":
            if empty and cur_kind != "p":
                content_start = mend  # "- > x": a quote inside the item
                continue
            close(pos)
            cur_kind, cur_start, content_start, in_quote = "q", pos, mend, True
        else:  # "ul" / "ol"
            if empty and cur_kind != "p":
                if cur_kind == "q":
                    cur_kind = "q" + kind
                content_start = mend  # "- 1. x" / "> - x": the marker opens this item's text
                continue
            close(pos)  # every line of a quote starts with ">", so a bare marker ends the quote
            cur_kind, cur_start, content_start, in_quote = kind, pos, mend, False
    close(b)
    return blocks


def _heading_end(line: str, masked: str, start: int, limit: int) -> int:
    """End of a heading's text that starts after the hashes at `start` (see module rules)."""
    end = start
    first_at = -1
    count = 0
    for m in _TOKEN.finditer(masked, start, limit):
        tok = line[m.start() : m.end()]
        if count == 0:
            first_at = m.start()
            end, count = m.end(), 1
            if tok.endswith(_HEADING_END):
                break
            continue
        if count >= _HEADING_MAX_TOKENS or m.end() - first_at > _HEADING_MAX_CHARS:
            break
        if len(tok) > _HEADING_TOKEN_MAX or _CONSTRUCT_START.match(tok) or _HOLD in masked[m.start() : m.end()]:
            break
        final = tok[-1] in _HEADING_END
        body = tok[:-1] if final else tok
        if any(unicodedata.category(ch).startswith("P") and ch not in _HEADING_PUNCT_OK for ch in body):
            break
        end, count = m.end(), count + 1
        if final:
            break
    return end

"""Plain-text notes (.txt exports) to Markdown that keeps every line and character.

Why: note apps export outlines as plain text: "- " items nested by 2-space indents,
numbered section lines ("1.发展历程"), bare URLs, "[图片]" where an image was dropped.
Fed to Markdown unchanged, 2-space nesting collapses, consecutive lines merge into one
paragraph, and "*", "_", "<div>", "#", "|" are swallowed or become markup. This module
rewrites the text so Python-Markdown shows what the author saw, and returns a line map
so diagnostics and timeline entries still point at the original line.

Rules (see tests/test_plaintext.py):

* Lists: "- ", "* ", "+ " and "N. " lines are list items whatever the indent width;
  levels come from an indent stack and are re-indented by 4 spaces per level. A
  non-item line indented under an item is that item's content (at its content indent,
  joined by a hard break). A non-indented, non-item line between two items, the second
  one indented (e.g. "[图片]" inside an outline), stays in the list with the last item.
  Blank lines inside a list are dropped (Python-Markdown mis-nests loose lists).
* Ordered items become an <ol> only when their run of siblings is numbered 1, 2, 3...
  and has no bullet siblings right next to it; otherwise Python-Markdown would renumber
  or merge them, so they become bullet items that show their number literally.
* Headings: a short standalone "1.标题" / "2、方法" / "一、背景" line becomes "## ";
  a short line (no trailing colon/comma/full stop, not a URL) right before an item,
  after a blank line or a list, becomes "### " (the title of that outline). Lines that
  already are ATX headings ("## x") stay headings.
* Paragraph lines stay separate visual lines (two-space hard breaks); leading indent
  of prose is dropped so it never turns into a code block.
* Kept as Markdown: images, [text](target) links whose target is a URL or file path,
  [[wiki links]], <https://...> autolinks, fenced code blocks (``` / ~~~ at the top
  level, closed). Bare http(s) URLs become autolinks.
  "[图片]"-style placeholders become a visible marker span keeping the original text.
* Everything else is literal: \\ ` * _ [ ] { } are backslash-escaped, < > & | ~ ^ $
  become entities, and a line-start # - + ! = : ? or "N." is escaped so it cannot start
  a heading, list, admonition, definition or setext underline.

Not handled: emoji shortcodes (":x:") and smart quotes, if the site enables them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MISSING_IMAGE_CLASS", "plaintext_to_markdown"]

MISSING_IMAGE_CLASS = "llmnotes-missing-image"

_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_ITEM = re.compile(r"(?P<marker>[-*+]|(?P<num>\d{1,9})\.)[ ]+(?P<content>\S.*)")
_ATX = re.compile(r"(?P<hashes>#{1,6})[ ]+(?P<content>\S.*?)")
_FENCE = re.compile(r"(?P<fence>`{3,}|~{3,})(?P<info>.*)")
_NUMBERED_HEADING = re.compile(r"(?:\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]{1,3}[、.．])\s*\S")
_URL_ONLY = re.compile(r"(?:https?://\S+|<https?://\S+>|!?\[[^\]]*\]\([^)]*\))")
_TITLE_MAX = 40
_NUMBERED_HEADING_MAX = 30
# Endings that make a short line a lead-in or a sentence rather than a title.
_NOT_TITLE_END = tuple("：:，,；;、。.")

# Spans kept as they are (already Markdown), bare URLs and missing-image placeholders.
# A [text](target) stays a link only when the target is clearly a URL or a file path;
# "[注](见下文)" in plain text is prose and shows literally.
_IMAGE_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)"
_LINK_TARGET = (
    r"\((?:(?:https?://|mailto:|\.{0,2}/|#)[^()\s]*|[^()\s]*\.[A-Za-z0-9]{1,8}(?:#[^()\s]*)?)"
    r"(?:\s+\"[^\"]*\")?\)"
)
_INLINE = re.compile(
    r"(?P<keep>!\[[^\]\n]*\]" + _IMAGE_TARGET + r"|\[[^\[\]\n]+\]" + _LINK_TARGET
    + r"|!?\[\[[^\[\]\n]+\]\]|<https?://[^\s<>]+>)"
    r"|(?P<url>https?://[A-Za-z0-9\-._~:/?#@!$&()*+,;=%]+)"
    r"|(?P<placeholder>\[(?:图片|图像|截图|image|img|picture|photo)\])",
    re.IGNORECASE,
)
_URL_TAIL = ".,;:!?'"
_ESCAPE_MAP = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "{": "\\{",
    "}": "\\}",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "|": "&#124;",
    "~": "&#126;",
    "^": "&#94;",
    "$": "&#36;",
}
_ESCAPES = str.maketrans(_ESCAPE_MAP)
# In a heading every "#" is escaped: trailing ones would be read as closing hashes.
_HEADING_ESCAPES = str.maketrans({**_ESCAPE_MAP, "#": "\\#"})
# First character of a line that Markdown (or common extensions) would read as syntax.
_START_ESCAPES = {
    "#": "\\#",
    "-": "\\-",
    "+": "\\+",
    "!": "\\!",
    "=": "&#61;",
    ":": "&#58;",
    "?": "&#63;",
}
_START_ORDERED = re.compile(r"(\d+)\.(?=\s|$)")


@dataclass
class _Line:
    no: int  # 1-based line number in the input
    indent: int
    text: str  # without indent and trailing whitespace
    item: re.Match[str] | None

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass
class _Out:
    """Output lines with their source line, kind and (for list lines) owning item."""

    lines: list[str]
    src: list[int]
    kinds: list[str]
    owners: list[int]
    blank_pending: bool = False

    def add(self, line: str, src: int, kind: str, owner: int = -1) -> None:
        if self.blank_pending and kind != "blank":
            self.blank(src)
        self.blank_pending = False
        self.lines.append(line)
        self.src.append(src)
        self.kinds.append(kind)
        self.owners.append(owner)

    def blank(self, src: int) -> None:
        """Ensure the last output line is blank (Markdown needs one between blocks)."""
        if self.lines and self.kinds[-1] != "blank":
            self.lines.append("")
            self.src.append(src)
            self.kinds.append("blank")
            self.owners.append(-1)

    def heading(self, line: str, src: int) -> None:
        self.blank(src)
        self.add(line, src, "heading")
        self.blank_pending = True

    def finish(self) -> tuple[str, list[int]]:
        out = list(self.lines)
        for k in range(len(out) - 1):
            kind, nxt = self.kinds[k], self.kinds[k + 1]
            same_paragraph = kind == "para" and nxt == "para"
            same_item = kind in ("item", "cont") and nxt == "cont" and self.owners[k + 1] == self.owners[k]
            if same_paragraph or same_item:
                out[k] += "  "  # hard break: each input line stays its own visual line
        return "\n".join(out), list(self.src)


def plaintext_to_markdown(text: str) -> tuple[str, list[int]]:
    """Convert a plain-text note to Markdown; return it with a line map.

    `line_map[i]` is the 1-based input line that output line i (0-based) came from;
    blank lines we insert map to a neighbouring input line.
    """
    raw = _LINE_SPLIT.split(text)
    if len(raw) > 1 and raw[-1] == "":
        raw.pop()
    lines = [_parse(no, s) for no, s in enumerate(raw, start=1)]
    out = _Out([], [], [], [])
    i, n = 0, len(lines)
    while i < n:
        ln = lines[i]
        if ln.blank:
            out.add("", ln.no, "blank")
            i += 1
        elif ln.item is not None:
            i = _emit_list(lines, i, out)
        elif ln.indent <= 3 and (end := _fence_end(lines, i)) is not None:
            out.blank(ln.no)
            for k in range(i, end + 1):  # verbatim, less the fence's own indent (at most 3 spaces)
                code = raw[k]
                out.add(code[min(ln.indent, len(code) - len(code.lstrip(" "))) :], lines[k].no, "code")
            out.blank(lines[end].no)
            i = end + 1
        else:
            _emit_text(lines, i, out)
            i += 1
    return out.finish()


def _parse(no: int, raw: str) -> _Line:
    s = raw.expandtabs(4).rstrip()
    body = s.lstrip(" ")
    indent = len(s) - len(body)
    return _Line(no, indent, body, _ITEM.fullmatch(body) if body else None)


def _fence_end(lines: list[_Line], i: int) -> int | None:
    """Index of the closing fence for a fence opening at line i, or None."""
    m = _FENCE.fullmatch(lines[i].text)
    if m is None or (m.group("fence")[0] == "`" and "`" in m.group("info")):
        return None
    fence = m.group("fence")
    for k in range(i + 1, len(lines)):
        t = lines[k].text
        if t.startswith(fence) and not t.strip(fence[0]):
            return k
    return None


def _emit_text(lines: list[_Line], i: int, out: _Out) -> None:
    """A top-level non-item line: heading or paragraph line."""
    ln = lines[i]
    text = ln.text
    atx = _ATX.fullmatch(text) if ln.indent <= 3 else None
    if atx is not None:
        out.heading(f"{atx.group('hashes')} {_inline(atx.group('content'), heading=True)}", ln.no)
    elif ln.indent <= 3 and _is_numbered_heading(lines, i):
        out.heading("## " + _inline(text, heading=True), ln.no)
    elif ln.indent <= 3 and _is_title(lines, i):
        out.heading("### " + _inline(text, heading=True), ln.no)
    else:
        out.add(_inline(text, start=True), ln.no, "para")


def _is_numbered_heading(lines: list[_Line], i: int) -> bool:
    text = lines[i].text
    if len(text) > _NUMBERED_HEADING_MAX or text.endswith(_NOT_TITLE_END[:-1]):
        return False
    if not _NUMBERED_HEADING.match(text):
        return False
    # "1.a / 2.b / 3.c" on consecutive lines is a list written by hand, not headings.
    for k in (i - 1, i + 1):
        if 0 <= k < len(lines) and not lines[k].blank and _NUMBERED_HEADING.match(lines[k].text):
            return False
    return True


def _is_title(lines: list[_Line], i: int) -> bool:
    """A short standalone line introducing the outline right below it."""
    text = lines[i].text
    if len(text) > _TITLE_MAX or text.endswith(_NOT_TITLE_END) or _URL_ONLY.fullmatch(text):
        return False
    if i + 1 >= len(lines) or lines[i + 1].item is None:
        return False
    if _INLINE.fullmatch(text):
        return False
    prev = lines[i - 1] if i > 0 else None
    # After prose it is the paragraph's last line leading into the list, not a title.
    return prev is None or prev.blank or prev.item is not None or prev.indent > lines[i].indent


def _list_extent(lines: list[_Line], i: int) -> int:
    """End (exclusive) of the list block starting with the item at line i."""
    base = lines[i].indent
    j = i + 1
    n = len(lines)
    while j < n:
        ln = lines[j]
        if ln.item is not None or (not ln.blank and ln.indent > base):
            j += 1
            continue
        if ln.blank:
            k = j
            while k < n and lines[k].blank:
                k += 1
            if k < n and (lines[k].item is not None or lines[k].indent > base):
                j = k
                continue
            break
        # Unindented text: stays inside only if the outline continues indented below it.
        nxt = lines[j + 1] if j + 1 < n else None
        if nxt is not None and nxt.item is not None and nxt.indent > base:
            j += 1
            continue
        break
    return j


def _emit_list(lines: list[_Line], i: int, out: _Out) -> int:
    end = _list_extent(lines, i)
    block = [ln for ln in lines[i:end] if not ln.blank]
    level: dict[int, int] = {}  # block index -> level (items) / owner's level (content lines)
    owner: dict[int, int] = {}  # block index -> owning item's block index
    parent: dict[int, int] = {}  # item block index -> parent item index (-1 at top)
    stack: list[tuple[int, int]] = []  # (indent, item block index)
    base = block[0].indent
    for b, ln in enumerate(block):
        if ln.item is not None:
            while stack and stack[-1][0] > ln.indent:
                stack.pop()
            if stack and stack[-1][0] == ln.indent:
                stack.pop()
            parent[b] = stack[-1][1] if stack else -1
            level[b] = len(stack)
            owner[b] = b
            stack.append((ln.indent, b))
        else:
            k = len(stack) - 1
            if ln.indent > base:  # indented content: the deepest item it is indented under
                while k > 0 and stack[k][0] >= ln.indent:
                    k -= 1
                del stack[k + 1 :]
            owner[b] = stack[k][1]  # an unindented line inside the outline: the last item
            level[b] = level[owner[b]]
    literal = _literal_ordered(block, parent)

    out.blank(block[0].no)
    for b, ln in enumerate(block):
        if ln.item is None:
            out.add(" " * (4 * (level[b] + 1)) + _inline(ln.text, start=True), ln.no, "cont", owner[b])
            continue
        m = ln.item
        pad = " " * (4 * level[b])
        if m.group("num") is None:
            line = f"{pad}{m.group('marker')} {_inline(m.group('content'), start=True)}"
        elif b in literal:
            line = f"{pad}- {m.group('num')}\\. {_inline(m.group('content'))}"
        else:
            line = f"{pad}{m.group('num')}. {_inline(m.group('content'), start=True)}"
        out.add(line, ln.no, "item", b)
    if end < len(lines) and not lines[end].blank:
        out.blank(block[-1].no)
    return end


def _literal_ordered(block: list[_Line], parent: dict[int, int]) -> set[int]:
    """Ordered items that must show their number as text.

    Python-Markdown renumbers every <ol> from 1 and merges a bullet list and an
    ordered list that touch, so only a run numbered 1, 2, 3... standing alone keeps
    what the author wrote.
    """
    children: dict[int, list[int]] = {}
    for b, p in parent.items():
        children.setdefault(p, []).append(b)
    literal: set[int] = set()
    for kids in children.values():
        runs: list[list[int]] = []
        for b in kids:
            ordered = block[b].item is not None and block[b].item.group("num") is not None  # type: ignore[union-attr]
            if ordered and runs and runs[-1] and _is_ordered(block, runs[-1][-1]):
                runs[-1].append(b)
            else:
                runs.append([b])
        for r, run in enumerate(runs):
            if not _is_ordered(block, run[0]):
                continue
            nums = [int(block[b].item.group("num")) for b in run]  # type: ignore[union-attr]
            touches_bullets = r > 0 or r < len(runs) - 1
            if touches_bullets or nums != list(range(1, len(nums) + 1)):
                literal.update(run)
    return literal


def _is_ordered(block: list[_Line], b: int) -> bool:
    m = block[b].item
    return m is not None and m.group("num") is not None


def _inline(text: str, *, start: bool = False, heading: bool = False) -> str:
    """Escape plain text for inline Markdown, keeping links/images, linking bare URLs."""
    parts: list[str] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            parts.append(_escape(text[pos : m.start()], start=start and pos == 0, heading=heading))
        if m.group("keep"):
            parts.append(m.group("keep"))
            pos = m.end()
        elif m.group("url"):
            url = m.group("url")
            cut = len(url)
            while cut and (url[cut - 1] in _URL_TAIL or (url[cut - 1] == ")" and url[:cut].count("(") < url[:cut].count(")"))):
                cut -= 1
            if cut <= len("https://"):
                parts.append(_escape(url, start=start and m.start() == 0, heading=heading))
                pos = m.end()
                continue
            parts.append(f"<{url[:cut]}>")
            pos = m.start() + cut
        else:
            label = m.group("placeholder").translate(_ESCAPES)
            parts.append(f'<span class="{MISSING_IMAGE_CLASS}" title="image missing">{label} image missing</span>')
            pos = m.end()
    if pos < len(text):
        parts.append(_escape(text[pos:], start=start and pos == 0, heading=heading))
    return "".join(parts)


def _escape(text: str, *, start: bool, heading: bool) -> str:
    out = text.translate(_HEADING_ESCAPES if heading else _ESCAPES)
    if start and out and not heading:
        if out[0] in _START_ESCAPES:
            out = _START_ESCAPES[out[0]] + out[1:]
        elif (m := _START_ORDERED.match(out)) is not None:
            out = f"{m.group(1)}\\." + out[m.end() :]
    return out

"""Timeline: dated lines of the notes, explicit ```timeline blocks and front matter → TimelineEvent.

What becomes an event (inferred, `TimelineEvent.inferred` is True):

* a line that starts with a date — a list item, a paragraph line or a heading:
  `- 2012年:AlexNet…`, `2024年9月13日，o1…推出。`. The date and its separator are
  dropped from the text, since the page shows the date.
* a *short* dated line with description lines under it (the rest of its paragraph,
  or its nested list items): `2022年，ChatGPT` then `GPT3.5基础上开发的聊天应用`.
  Lines under it that start with the same date are description, not new events.
* a date inside a sentence (`GPT4在2023年3月推出`): the sentence is the text.
  "As of" dates (`截止2024/9/26`, `updated 2024-01-02`) state when a note was
  written, not an event, and are left out.
* a date that is a property of the thing above it — a date-only or labelled line
  (`- 时间：2023-5-21`, `- 时间` then `  - 2023-10-16`), or the only dated child of
  a list item (`- Paper title` then `  - 2023.11，NAACL 2024`): the event is that
  thing (the parent line), with the rest of the dated line after a dash.

A date-only heading (`## 2023年`) is a section, not an event. Nothing inside code,
URLs or tables becomes an event. A note without a four-digit number costs one regex.

Explicit events (`inferred` False) win over inferred ones with the same date and text:

* a fenced block with the info string `timeline`, holding a YAML list::

      ```timeline
      - date: 2017-06
        text: Transformer ([[Attention Is All You Need]])
        tags: [architecture]        # optional
        end: 2019                   # optional; or write the range in `date`
      - 2018-10: BERT               # short form: one key, the date
      ```

* front matter: `timeline:` with a list of the same items, or `date:` plus
  `event:` for a note that is about one event (`date:` alone is the note's own
  date and makes no event).

An explicit date that cannot be read is a warning with the file and line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import yaml

from ..dates import find_dates, parse_date
from ..loader import read_yaml
from ..model import Diagnostic, FuzzyDate, Note, Source, TimelineEvent
from ..textutil import sentence_around
from ..wikilinks import MDLINK, SCHEME, WIKILINK, Scan, norm, normalize
from . import per_note, remembered

if TYPE_CHECKING:
    from ..kb import KnowledgeBase

# ---------------------------------------------------------------------------- patterns

# Every date has a year 1950-2100: "19xx/20xx/21xx" is the cheap precheck ("1750亿" fails it).
# That is `(?<![0-9０-９])(?:19|20|21|１９|２０|２１)[0-9０-９]{2}`, written to start with a character
# class (the regex engine skips to it, about three times faster; it runs on every line).
_YEARISH = re.compile(r"[12１２](?<![0-9０-９].)(?:(?<=1)9|(?<=2)[01]|(?<=１)９|(?<=２)[０１])[0-9０-９]{2}")
_STRUCT = re.compile(
    r"^(?P<quote>[ \t]*(?:>[ \t]?)+)?(?P<indent>[ \t]*)"
    r"(?:(?P<heading>#{1,6})(?:[ \t]+|$)|(?P<bullet>(?:[-*+]|\d{1,3}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?))?"
)
_LABEL = (r"(?:时间|日期|年份|发布时间|发布日期|发表时间|发表日期|提出时间|发布|发表"
          r"|(?i:date|time|year|published|released|release))")
# Before a leading date: an optional label ("时间：") and emphasis or an opening bracket.
_LEAD = re.compile(rf"(?:{_LABEL}[ \t]*[:：]?[ \t]*)?(?:\*\*|__)?[\[【(（]?")
_LABEL_ONLY = re.compile(rf"{_LABEL}[ \t]*[:：]?[ \t]*")
# After it: closing emphasis/bracket, then one separator.
_SEP = re.compile(r"(?:\*\*|__)?[\]】)）]?(?:\*\*|__)?[ \t]*(?:[:：,，、|｜.。;；]|[-–—~]+|\s)?[ \t]*")
_AS_OF = re.compile(r"(?:截止|截至|更新于|更新|最后更新|访问于|(?i:as of|updated|last updated|accessed))[ \t:：]*$")
_URL = re.compile(r"https?://[^\s<>()\[\]{}\"'`，。；！？、）》」]+")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_HTML_START = re.compile(r"<(?!(?:https?|mailto|ftp):)[A-Za-z!/]")  # raw HTML, not an autolink
_TABLE_SEP = re.compile(r"^\|?[ \t]*:?-{3,}")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_SENTENCE_END = re.compile(r"[。！？!?；;](?=.)|\.(?=\s)")

SHORT = 40  # a dated line this short is a heading-ish line: the lines under it describe it
MAX_DESCRIPTION = 5  # lines of description kept per event
MAX_TEXT = 220  # characters of a long dated line kept (whole sentences)


class _Line:
    """One line of a note, its Markdown structure and its place in the outline.

    A plain class built by position: one is made per non-blank line of every note.
    """

    __slots__ = ("content", "indent", "kind", "masked", "parent", "start")

    def __init__(self, kind: str, indent: int, start: int, content: str, masked: str) -> None:
        self.kind = kind  # "blank" | "para" | "list" | "heading" | "table" | "html"
        self.indent = indent
        self.start = start  # offset of the content in the line
        self.content = content  # without markers and hard breaks (original text)
        self.masked = masked  # the same span of the masked text
        self.parent = -1  # outline parent: enclosing list item, or the paragraph/heading above a list


_PLAIN_START = frozenset(" \t>#-*+0123456789|<")
_BLANK = _Line("blank", 0, 0, "", "")


def _parse_line(line: str, masked: str) -> _Line:
    if not masked or masked[0] not in _PLAIN_START:  # the common case: a paragraph line, no regex
        if not masked.strip():
            return _BLANK
        content = line.rstrip()
        if content.endswith("\\"):
            content = content[:-1].rstrip()
        return _Line("para", 0, 0, content, masked[:len(content)])
    if not masked.strip():
        return _BLANK
    m = _STRUCT.match(masked)
    assert m is not None  # every group is optional
    indent = len(m.group("indent").expandtabs(4))
    start = m.end()
    content = line[start:].rstrip()
    if content.endswith("\\"):  # a hard line break
        content = content[:-1].rstrip()
    kind = "heading" if m.group("heading") else "list" if m.group("bullet") else "para"
    if kind == "heading" and content.endswith("#"):
        ch = _CLOSING_HASHES.search(content)
        if ch:
            content = content[:ch.start()]
    if kind == "para" and content[:1] == "|":
        kind = "table"
    elif kind == "para" and _HTML_START.match(content):
        kind = "html"
    return _Line(kind, indent, start, content, masked[start:start + len(content)])


def _outline(lines: list[_Line]) -> None:
    """Set each line's parent in one pass: list items nest by indent under the paragraph above."""
    stack: list[int] = []  # open list items
    anchor = -1  # the paragraph line or heading a top-level list hangs from
    for i, ln in enumerate(lines):
        if ln.kind == "blank":
            continue
        if ln.kind == "heading":
            stack.clear()
            anchor = i
            continue
        if ln.kind == "list":
            while stack and lines[stack[-1]].indent >= ln.indent:
                stack.pop()
            ln.parent = stack[-1] if stack else anchor
            stack.append(i)
            continue
        if stack and ln.indent > lines[stack[0]].indent:  # a continuation line of an item
            ln.parent = stack[-1]
            continue
        stack.clear()
        ln.parent = anchor if anchor >= 0 and lines[anchor].kind == "heading" else -1
        anchor = i


# ---------------------------------------------------------------------------- inference


@dataclass
class _Lead:
    """A date at the start of a line's content."""

    date: FuzzyDate
    rest: int  # offset in the content where the text after the date and separator starts
    labelled: bool


def _leading_date(ln: _Line, hits: list[tuple[int, int, FuzzyDate]]) -> _Lead | None:
    if not hits or ln.kind not in ("para", "list", "heading"):
        return None
    lead = _LEAD.match(ln.masked)
    at = lead.end() if lead else 0
    if hits[0][0] != at:
        return None
    _, end, date = hits[0]
    sep = _SEP.match(ln.masked, end)
    rest = sep.end() if sep else end
    labelled = bool(lead and _LABEL_ONLY.match(ln.masked[:at]))
    return _Lead(date, rest, labelled)


def _is_label(ln: _Line) -> bool:
    m = _LABEL_ONLY.fullmatch(ln.masked.strip())
    return m is not None


def _trim_rest(text: str) -> str:
    return text.strip().rstrip(",，、:：;；").strip()


def _first_sentences(text: str) -> tuple[str, int]:
    """Whole sentences of `text` up to about MAX_TEXT characters, and where they end."""
    if len(text) <= MAX_TEXT:
        return text, len(text)
    cut = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > MAX_TEXT and cut:
            break
        cut = m.end()
        if cut > MAX_TEXT:
            break
    if not cut:
        return text, len(text)
    return text[:cut].rstrip(), cut


class _NoteTimeline:
    """The inferred events of one note."""

    def __init__(self, note: Note, line_tags: dict[int, list[str]], yearish: set[int]):
        self.note = note
        self.line_tags = line_tags
        raw = note.text.split("\n")
        masked = note.masked.split("\n")
        self.lines = [_parse_line(r, m) for r, m in zip(raw, masked)]
        _outline(self.lines)
        self.yearish = yearish
        self.leads: dict[int, _Lead | None] = {}
        self.found: dict[int, list[tuple[int, int, FuzzyDate]]] = {}
        self.headers: dict[int, list[str]] = {}  # table row → its column names (`_header`)
        self.events: list[TimelineEvent] = []

    def hits(self, i: int) -> list[tuple[int, int, FuzzyDate]]:
        """Dates of line i (computed once; most lines fail the precheck)."""
        found = self.found.get(i)
        if found is None:
            masked = self.lines[i].masked
            found = self.found[i] = find_dates(masked) if i in self.yearish and _YEARISH.search(masked) else []
        return found

    def lead(self, i: int) -> _Lead | None:
        if i not in self.leads:
            self.leads[i] = _leading_date(self.lines[i], self.hits(i))
        return self.leads[i]

    def add(self, date: FuzzyDate, text: str, lines: list[int]) -> None:
        text = text.strip()
        if not text:
            return
        tags: list[str] = []
        for i in lines:
            for t in self.line_tags.get(i, ()):
                if t not in tags:
                    tags.append(t)
        self.events.append(TimelineEvent(date=date, text=text, source=Source(self.note.path,
                                         self.note.source_line(lines[0])), tags=tags))

    # ------------------------------------------------------------------ rules

    def run(self) -> list[TimelineEvent]:
        lines = self.lines
        dated = sorted(self.yearish)  # the other lines give no event and change no state below
        # Dated list items per (parent, indent): a list where several items are dated is a timeline list.
        dated_siblings: dict[tuple[int, int], int] = {}
        for i in dated:
            ln = lines[i]
            if ln.kind == "list" and self.lead(i):
                key = (ln.parent, ln.indent)
                dated_siblings[key] = dated_siblings.get(key, 0) + 1
        block_date: FuzzyDate | None = None  # the date of the short dated line being described
        block_end = -1  # last line index of its description
        for i in dated:
            ln = lines[i]
            if ln.kind == "table":
                if (not _TABLE_SEP.match(ln.masked) and _YEARISH.search(ln.masked)
                        and (i + 1 == len(lines) or not _TABLE_SEP.match(lines[i + 1].masked))):
                    self._table_row(i, ln, self._header(i))
                continue
            if ln.kind == "blank" or not self.hits(i):
                continue
            in_block = block_date is not None and i <= block_end
            lead = self.lead(i)
            if lead and in_block and block_date is not None and _same(lead.date, block_date):
                continue  # "2024年本质上…" under "2024年，…": a description line of that event
            covered = 0
            if lead:
                covered, block = self._leading(i, ln, lead, dated_siblings)
                if block >= 0:
                    block_date, block_end = lead.date, block
            self._inner(i, ln, covered, block_date if in_block else None)
        return self.events

    def _header(self, i: int) -> list[str]:
        """Column names of the table row at line i: the row above the table's last separator row.

        The walk up stops at the row asked before (rows are asked in order): a table of
        thousands of dated rows is walked once, not once per row.
        """
        lines = self.lines
        header: list[str] = []
        j = i - 1
        while j >= 0 and lines[j].kind == "table":
            known = self.headers.get(j)  # a row asked before, with no separator row since
            if known is not None:
                header = known
                break
            if _TABLE_SEP.match(lines[j].masked):
                header = _cells(lines[j - 1].masked) if j and lines[j - 1].kind == "table" else []
                break
            j -= 1
        self.headers[i] = header
        return header

    def _table_row(self, i: int, ln: _Line, header: list[str]) -> None:
        """A row with a date cell ("| 2023-03 | GPT-4 |"): the other cells are the text.

        A bare year is a date only in a column named like one (时间, 年份, Date, Year):
        elsewhere "2048" is as likely a count.
        """
        masked, raw = _cells(ln.masked), _cells(ln.content)
        if len(masked) != len(raw):
            return
        for k, cell in enumerate(masked):
            date = parse_date(cell) if _YEARISH.search(cell) else None
            if date is None:
                continue
            if date.precision == "year" and date.end is None and date.raw.strip("()（）").isdigit():
                name = header[k] if k < len(header) else ""
                if not _LABEL_ONLY.fullmatch(name.strip()):
                    continue
            text = " · ".join(c.replace("\\|", "|") for j, c in enumerate(raw) if j != k and c)
            if text:
                self.add(date, text, [i])
            return

    def _leading(self, i: int, ln: _Line, lead: _Lead, dated_siblings: dict) -> tuple[int, int]:
        """Event of a line starting with a date → (content offset it covers, last description line or -1)."""
        rest = _trim_rest(ln.content[lead.rest:])
        if ln.kind == "heading" and not rest:
            return len(ln.content), -1  # "## 2023年": a section, its lines carry their own dates
        metadata = not rest or lead.labelled or (
            ln.kind == "list" and len(rest) <= SHORT and ln.parent >= 0
            and dated_siblings.get((ln.parent, ln.indent), 0) == 1
            and self.lines[ln.parent].kind == "list" and not self.lead(ln.parent))
        if metadata:
            subject = self._subject(i)
            if subject:
                self.add(lead.date, f"{subject} — {rest}" if rest else subject, [i])
                return len(ln.content), -1
            if not rest:
                desc = self._description(i, ln)
                if desc:
                    self.add(lead.date, "\n".join(self.lines[j].content for j in desc), [i, *desc])
                    return len(ln.content), desc[-1]
                return len(ln.content), -1
        text, cut = _first_sentences(ln.content[lead.rest:].strip())
        text = _trim_rest(text) if cut >= len(ln.content[lead.rest:].strip()) else text
        if len(rest) <= SHORT and not _SENTENCE_END.search(rest):
            desc = self._description(i, ln)
            if desc:
                self.add(lead.date, "\n".join([text, *(self.lines[j].content for j in desc)]), [i, *desc])
                return len(ln.content), desc[-1]
        self.add(lead.date, text, [i])
        return lead.rest + cut, -1

    def _inner(self, i: int, ln: _Line, covered: int, block_date: FuzzyDate | None) -> None:
        """Dates inside sentences, after what a leading date already covered."""
        if ln.kind not in ("para", "list", "heading") or covered >= len(ln.masked):
            return
        for s, e, date in self.hits(i):
            if s < covered:
                continue
            # Only the text just before the date: searching from the line start made a
            # one-line (flattened) note quadratic in its length.
            if _AS_OF.search(ln.masked, max(0, s - 64), s) or (block_date is not None and _same(date, block_date)):
                continue
            text = _trim_rest(sentence_around(ln.content, s, e))
            title = self._paragraph_title(i) if block_date is None else ""
            self.add(date, f"{title} — {text}" if title else text, [i])

    def _paragraph_title(self, i: int) -> str:
        """A short first line heading the paragraph of line i ("OpenAI" above "在…发布会"), or ""."""
        lines = self.lines
        j = i
        while j > 0 and i - j < 5 and lines[j].kind == "para" and lines[j - 1].kind == "para":
            j -= 1
        if j == i or lines[j].kind != "para":
            return ""
        first = lines[j]
        title = _trim_rest(first.content)
        if len(title) > 20 or _SENTENCE_END.search(title) or _YEARISH.search(first.masked):
            return ""
        return title

    def _subject(self, i: int) -> str:
        """What a date-only or labelled line dates: its outline parent, skipping label lines."""
        lines = self.lines
        ln = lines[i]
        p = ln.parent
        # "- 时间" then "- 2024-2-5": a sibling label line right above
        steps = 0
        while p >= 0 and steps < 8 and (_is_label(lines[p]) or self.lead(p) is not None and not lines[p].content):
            p = lines[p].parent
            steps += 1
        if p < 0 or lines[p].kind not in ("para", "list", "heading") or self.lead(p):
            return ""
        subject = _trim_rest(lines[p].content)
        q = lines[p].parent
        if len(subject) < 8 and q >= 0 and lines[q].kind in ("para", "list", "heading") and not _is_label(lines[q]):
            subject = f"{_trim_rest(lines[q].content)} › {subject}"  # "综述" alone says nothing
        return subject

    def _description(self, i: int, ln: _Line) -> list[int]:
        """Lines under a short dated line: its nested items, or the rest of its paragraph."""
        out: list[int] = []
        lines = self.lines
        j = i + 1
        while j < len(lines) and len(out) < MAX_DESCRIPTION:
            nxt = lines[j]
            if nxt.kind in ("blank", "heading", "table", "html"):
                break
            if ln.kind == "list":
                if nxt.parent != i:
                    if nxt.indent <= ln.indent or nxt.kind != "list":
                        break
                    j += 1  # deeper descendants are summarised by their parent item
                    continue
            elif nxt.kind == "list" or nxt.parent not in (-1, i) and ln.kind == "para":
                break
            other = self.lead(j)
            if other and not _same(other.date, self.lead(i).date):  # type: ignore[union-attr]
                break
            out.append(j)
            j += 1
        return out


def _cells(row: str) -> list[str]:
    """Cells of a Markdown table row; `\\|` (as Obsidian writes it inside wiki-links) does not split."""
    row = row.strip()
    row = row.removeprefix("|")
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [c.strip() for c in _CELL_SPLIT.split(row)]


def _same(a: FuzzyDate, b: FuzzyDate) -> bool:
    return a.start == b.start and a.end == b.end


# ---------------------------------------------------------------------------- explicit


def _explicit_items(data: Any) -> list[Any] | None:
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        return data["events"]
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and data:
        return [data]
    return None


def _item_lines(block: list[str], first_line: int, count: int) -> list[int]:
    """The 1-based line of each top-level `- ` item of a YAML list, or the block's line."""
    tops = [(len(b) - len(b.lstrip()), k) for k, b in enumerate(block) if b.lstrip().startswith("- ")]
    if not tops:
        return [first_line] * count
    least = min(ind for ind, _ in tops)
    found = [first_line + k for ind, k in tops if ind == least]
    return found + [first_line] * (count - len(found)) if len(found) < count else found[:count]


def _explicit_event(item: Any, path: str, line: int, diags: list[Diagnostic]) -> TimelineEvent | None:
    """One item of a timeline block or front matter list → an event, or a warning."""
    if isinstance(item, dict) and len(item) == 1 and "date" not in item:
        (raw_date, text), = item.items()  # short form "- 2018-10: BERT"
        tags: Any = []
        end: Any = None
    elif isinstance(item, dict):
        raw_date = item.get("date")
        text = item.get("text", item.get("event", item.get("title")))
        tags = item.get("tags") or []
        end = item.get("end")
    else:
        diags.append(Diagnostic("warning", path, line, f"timeline item is not a mapping with date and text: {item!r}"))
        return None
    if text is None or not str(text).strip():
        diags.append(Diagnostic("warning", path, line, "timeline item has no text; skipped"))
        return None
    date = _explicit_date(raw_date, end)
    if date is None:
        what = "no date" if raw_date is None else f"cannot read the date '{raw_date}'"
        diags.append(Diagnostic("warning", path, line, f"timeline item '{str(text).strip()[:40]}': {what}; skipped"))
        return None
    tag_list = [str(t).lstrip("#") for t in (tags if isinstance(tags, list) else [tags]) if str(t).strip()]
    return TimelineEvent(date=date, text=str(text).strip(), source=Source(path, line), tags=tag_list,
                         inferred=False)


def _explicit_date(raw: Any, end: Any = None) -> FuzzyDate | None:
    if raw is None or isinstance(raw, bool):
        return None
    date = parse_date(str(raw))
    if date is None:
        return None
    if end is not None and date.end is None:
        text_end = str(end).strip()
        if norm(text_end) in ("present", "now", "至今", "今"):
            return FuzzyDate(date.start, "present", date.precision, f"{raw} – {end}")
        stop = parse_date(text_end)
        if stop is None or stop.start < date.start[:len(stop.start)]:
            return None
        return FuzzyDate(date.start, stop.start, date.precision, f"{raw} – {end}")
    return date


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*timeline[ \t]*$", re.MULTILINE)


def _blocks(note: Note, diags: list[Diagnostic]) -> list[TimelineEvent]:
    """Events of fenced ```timeline blocks (YAML lists)."""
    if "timeline" not in note.text:
        return []
    events: list[TimelineEvent] = []
    starts = note.line_starts
    lines = note.text.split("\n")
    for m in _FENCE.finditer(note.text):
        fence = m.group(1)
        first = _line_index(starts, m.start())
        body: list[str] = []
        for k in range(first + 1, len(lines)):
            if lines[k].strip().startswith(fence) and not lines[k].strip().strip(fence[0]):
                break
            body.append(lines[k])
        where = note.source_line(first)
        try:
            data = read_yaml("\n".join(body))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = note.source_line(first + 1 + mark.line) if mark is not None else where
            diags.append(Diagnostic("warning", note.path, line, f"timeline block is not valid YAML: "
                                    f"{getattr(exc, 'problem', None) or exc}"))
            continue
        items = _explicit_items(data)
        if items is None:
            diags.append(Diagnostic("warning", note.path, where, "timeline block holds no list of events"))
            continue
        item_lines = _item_lines(body, first + 1, len(items))
        for item, k in zip(items, item_lines):
            line = note.source_line(k) if k != first + 1 or body else where
            ev = _explicit_event(_plain(item), note.path, line, diags)
            if ev:
                events.append(ev)
    return events


def _line_index(starts: list[int], pos: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, pos) - 1


def _plain(value: Any) -> Any:
    """YAML dates → ISO strings, as the loader does for front matter."""
    from datetime import date

    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, date) else k.isoformat(): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _front_matter(root: Path, note: Note, diags: list[Diagnostic]) -> list[TimelineEvent]:
    """Events of `timeline:` or `date:` + `event:` in the front matter."""
    meta = note.meta
    if "timeline" not in meta and "event" not in meta:
        return []
    fm = _front_matter_lines(root, note)

    def line_of(key: str) -> int:
        for k, text in enumerate(fm):
            if text.startswith(f"{key}:"):
                return k + 1
        return 1

    events: list[TimelineEvent] = []
    if "event" in meta:
        line = line_of("event")
        ev = _explicit_event({"date": meta.get("date"), "text": meta["event"], "end": meta.get("end"),
                              "tags": []}, note.path, line, diags)
        if ev:
            events.append(ev)
    if "timeline" in meta:
        items = _explicit_items(meta["timeline"])
        start = line_of("timeline")
        if items is None:
            diags.append(Diagnostic("warning", note.path, start, "front matter 'timeline' is not a list of events"))
            return events
        body: list[str] = []
        for text in fm[start:]:
            if text and not text[0].isspace() and not text.startswith("-"):
                break
            body.append(text)
        for item, line in zip(items, _item_lines(body, start + 1, len(items))):
            ev = _explicit_event(item, note.path, line, diags)
            if ev:
                events.append(ev)
    return events


def _front_matter_lines(root: Path, note: Note) -> list[str]:
    """The front matter lines of the file, to name the line of a key (keys are ASCII in any encoding)."""
    first_body = note.line_map[0] if note.line_map else 1
    try:
        with open(root / note.path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return []
    return head.decode("utf-8", errors="replace").split("\n")[:max(first_body - 1, 0)]


# ---------------------------------------------------------------------------- collect


def _line_tags(note: Note, scan: Scan | None) -> dict[int, list[str]]:
    """Inline tags per text line of the note, as written (`collect` gives them their canonical spelling)."""
    if scan is None or not scan.tags:
        return {}
    starts = note.line_starts
    out: dict[int, list[str]] = {}
    for span in scan.spans:
        if span.kind == "tag" and span.tag:
            tags = out.setdefault(_line_index(starts, span.start), [])
            # Once per line: a one-line note repeats its tags thousands of times, and every
            # event of the line walks this list.
            if span.tag not in tags:
                tags.append(span.tag)
    return out


def event_links(text: str) -> list[str]:
    """Wiki-link targets, note-link targets and URLs in an event's Markdown text, in order."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    if "[" not in text and "http" not in text:  # most events: the patterns below start with no literal
        return []
    for m in WIKILINK.finditer(text) if "[[" in text else ():
        target = m.group(2).partition("|")[0].partition("#")[0].strip()
        if target:
            found.append((m.start(), target))
        taken.append(m.span())
    for m in MDLINK.finditer(text) if "](" in text else ():
        if any(a <= m.start() < b for a, b in taken):
            continue
        taken.append(m.span())
        url = m.group(3).strip("<>")
        if not m.group(1) and url and not url.startswith("#"):
            found.append((m.start(), url if SCHEME.match(url) else unquote(url)))  # a note path as named
    for m in _URL.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            found.append((m.start(), m.group(0).rstrip(".,;:")))
    out: list[str] = []
    for _, target in sorted(found):
        if target not in out:
            out.append(target)
    return out


def _key(ev: TimelineEvent) -> tuple[str, str | None, str]:
    return ev.date.start, ev.date.end, normalize(ev.text).rstrip("。.!！")


# An event as one note gives it, with what `collect` needs of it: its dedupe key and links.
_Found = tuple[TimelineEvent, tuple[str, str | None, str], list[str]]


def _note_events(root: Path, note: Note, scan: Scan | None) -> tuple[list[_Found], list[_Found], list[Diagnostic]]:
    """(explicit events, inferred events, warnings) of one note.

    Reads only the note (its file, for front matter lines, and its scan, which is the
    note's own), so it is remembered across serve rebuilds (`per_note`). The events are
    never handed out: `collect` gives each build its own copies.
    """
    diags: list[Diagnostic] = []
    explicit = _front_matter(root, note, diags) + _blocks(note, diags)
    # The lines where a year might be (outside code), found by one search of the note: the
    # other lines, most of them, are not searched each alone. A line's content is within its line.
    starts = note.line_starts
    yearish = {bisect_right(starts, m.start()) - 1 for m in _YEARISH.finditer(note.masked)}
    inferred = _NoteTimeline(note, _line_tags(note, scan), yearish).run() if yearish else []
    return ([(ev, _key(ev), event_links(ev.text)) for ev in explicit],
            [(ev, _key(ev), event_links(ev.text)) for ev in inferred], diags)


def note_pass(kb: KnowledgeBase) -> Callable[[Note], tuple[list[_Found], list[_Found], list[Diagnostic]]]:
    """What `collect` reads from one note alone (see `per_note`)."""
    return lambda n: _note_events(kb.root, n, kb.scans.get(n.path))


def collect(kb: KnowledgeBase) -> None:
    """Fill `kb.events`: explicit events first, then inferred ones not stated explicitly, by date."""
    events_of = note_pass(kb)
    found = [per_note(kb, "timeline", note, events_of) for note in kb.notes.values()]
    for mine in found:
        kb.diagnostics.extend(mine[2])
    inputs = (list(kb.notes), found, list(kb.note_tags.items()), list(kb.tags))  # tags: canonical_tag
    kb.events = remembered(kb, "timeline", inputs, lambda: _events(kb, found))


def _events(kb: KnowledgeBase, found: list[tuple[list[_Found], list[_Found], list[Diagnostic]]]) -> list[TimelineEvent]:
    explicit = [f for mine in found for f in mine[0]]
    inferred = [f for mine in found for f in mine[1]]
    seen: set[tuple[str, str | None, str]] = set()
    events: list[TimelineEvent] = []
    for ev, key, links in [*explicit, *inferred]:
        if key in seen:
            continue
        seen.add(key)
        # Tags as the knowledge base spells them (the first spelling of any note), then the note's.
        note_tags = kb.note_tags.get(ev.source.note, [])
        tags = list(dict.fromkeys([*(kb.canonical_tag(t) for t in ev.tags), *note_tags]))
        events.append(TimelineEvent(ev.date, ev.text, ev.source, tags, list(links), ev.inferred))
    events.sort(key=lambda e: (e.date.start, e.date.end or "", e.source.note, e.source.line))
    return events


__all__ = ["collect", "event_links"]

"""Tables: every pipe table and every HTML <table> of every note is an entry.

Tables inside code are not tables (the search runs on `mask_code` text). Pipe-table
cells keep their Markdown text, so a study plan can still render its [[links]];
HTML cells keep their visible text. The roadmap extractor reads `kb.tables`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from ..model import Source, Table
from ..textutil import line_starts
from . import per_note, remembered

if TYPE_CHECKING:
    from ..kb import KnowledgeBase
    from ..model import Note

# A GFM delimiter row: cells of dashes with optional alignment colons, at least one pipe.
_DELIMITER = re.compile(r"^ {0,3}(?:>\s*)*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_QUOTE = re.compile(r"^ {0,3}(?:>\s?)*")
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
_WIKI = re.compile(r"\[\[[^\[\]\n]*\]\]")
_PIPE = re.compile(r"(?<!\\)\|")  # a cell border: a pipe not escaped


def split_row(line: str, masked: str) -> list[str]:
    """Cells of one pipe-table row, cut where `masked` has an unescaped pipe outside [[...]].

    `masked` is the same line with code blanked, so a pipe inside `code` never splits.
    """
    protected = _WIKI.sub(lambda m: "x" * len(m.group(0)), masked) if "[[" in masked else masked
    quote = _QUOTE.match(line)
    start = quote.end() if quote else 0
    cuts = [m.start() for m in _PIPE.finditer(protected, start)]
    body_start, body_end = start, len(line)
    stripped = protected.rstrip()
    if cuts and not protected[start:cuts[0]].strip():
        body_start = cuts.pop(0) + 1
    if cuts and cuts[-1] == len(stripped) - 1:
        body_end = cuts.pop()
    bounds = [body_start - 1, *cuts, body_end]
    return [line[a + 1:b].strip().replace("\\|", "|") for a, b in itertools.pairwise(bounds)]


def find_pipe_tables(text: str, masked: str) -> list[tuple[int, list[str], list[list[str]]]]:
    """(0-based header line, header cells, rows) of every pipe table outside code."""
    lines, mlines = text.split("\n"), masked.split("\n")
    found: list[tuple[int, list[str], list[list[str]]]] = []
    i = 1
    while i < len(lines):
        head = mlines[i - 1]
        if "|" in head and "|" in mlines[i] and _DELIMITER.match(mlines[i]) and head.strip():
            header = split_row(lines[i - 1], head)
            rows: list[list[str]] = []
            j = i + 1
            while j < len(lines) and "|" in mlines[j] and _QUOTE.sub("", mlines[j]).strip():
                rows.append(split_row(lines[j], mlines[j]))
                j += 1
            found.append((i - 1, header, rows))
            i = j + 1
        else:
            i += 1
    return found


class _CellParser(HTMLParser):
    """Collect rows of cells (text only) of one table; nested tables stay out of the outer one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.rows: list[tuple[bool, list[str]]] = []  # (is header row, cells)
        self.cell: list[str] | None = None
        self.header_row = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.depth += 1
        if self.depth != 1:
            return
        if tag == "tr":
            self.rows.append((False, []))
        elif tag in ("td", "th"):
            if not self.rows:
                self.rows.append((False, []))
            if tag == "th":
                self.rows[-1] = (True, self.rows[-1][1])
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.depth -= 1
        if self.depth == 1 and tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None and self.depth == 1:
            self.cell.append(data)


def find_html_tables(text: str, masked: str) -> list[tuple[int, list[str], list[list[str]]]]:
    """(0-based line, header cells, rows) of every outermost <table> outside code."""
    starts: list[int] | None = None  # made at the first table: most notes have none
    found: list[tuple[int, list[str], list[list[str]]]] = []
    depth, begin = 0, 0
    for m in _TABLE_TAG.finditer(masked):
        if not m.group(1):
            if depth == 0:
                begin = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                parser = _CellParser()
                parser.feed(text[begin:m.end()])
                rows = [(h, cells) for h, cells in parser.rows if cells]
                header: list[str] = []
                if rows and rows[0][0]:
                    header = rows.pop(0)[1]
                starts = line_starts(text) if starts is None else starts
                line = _line_of(starts, begin)
                found.append((line, header, [cells for _, cells in rows]))
    return found


def _line_of(starts: list[int], pos: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, pos) - 1


def _note_tables(note: Note) -> list[tuple[int, list[str], list[list[str]]]]:
    """(source line, header, rows) of each table of one note, in text order (remembered per note)."""
    if "|" not in note.text and "<table" not in note.text.lower():
        return []
    masked = note.masked
    found = find_pipe_tables(note.text, masked) + find_html_tables(note.text, masked)
    return [(note.source_line(line), header, rows) for line, header, rows in sorted(found, key=lambda t: t[0])]


def note_pass(kb: KnowledgeBase) -> Callable[[Note], list[tuple[int, list[str], list[list[str]]]]]:
    """What `collect` reads from one note alone (see `per_note`)."""
    return _note_tables


def collect(kb: KnowledgeBase) -> None:
    found = [(note.path, per_note(kb, "tables", note, _note_tables)) for note in kb.notes.values()]
    kb.tables = remembered(kb, "tables", (found,), lambda: [
        Table(Source(path, line), header, rows) for path, mine in found for line, header, rows in mine])

"""Value objects of the core: what a note is and what we extract from it.

Every entry keeps the note path and line it came from, so a warning can name the
place, a timeline item can link to it, and "nothing lost" can be checked.
Nothing here knows about MkDocs.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any, Literal

from .textutil import line_starts, mask_code

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the notes: data first, printed by the CLI, logged by the plugin."""

    level: Level
    path: str  # note path relative to the notes folder (posix), "" for the vault itself
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "path": self.path, "line": self.line, "message": self.message}


@dataclass
class Note:
    """A note as loaded: decoded, front matter split, repaired into Markdown.

    `text` is the Markdown body we publish (front matter removed; plain text and
    flattened notes already turned into Markdown). `line_map[i]` is the line of the
    original file that text line i (0-based) came from, so entries point at the file.
    """

    path: str  # posix path under the notes folder, e.g. "topic/Transformer.md"
    title: str
    text: str
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # front matter tags; inline tags are found later
    meta: dict[str, Any] = field(default_factory=dict)
    line_map: list[int] = field(default_factory=list)
    encoding: str = "utf-8"
    kind: Literal["markdown", "plaintext", "flattened"] = "markdown"
    mtime: float = 0.0
    # Set by the knowledge base when another note already has this note's natural page URL.
    page_override: str | None = None

    @property
    def stem(self) -> str:
        return posixpath.splitext(posixpath.basename(self.path))[0]

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.path)

    @property
    def page_path(self) -> str:
        """Source path of the note's page in the site: `.txt` notes become `.md` pages."""
        if self.page_override:
            return self.page_override
        if self.path[-4:].lower() != ".txt":  # asked ~50,000 times a serve rebuild: no splitext
            return self.path
        root, ext = posixpath.splitext(self.path)
        return root + ".md" if ext.lower() == ".txt" else self.path

    @property
    def masked(self) -> str:
        """`mask_code(text)`, computed once per text: the loader, the normaliser and every
        extractor read it. Kept with the note, so a note cached across serve rebuilds keeps it;
        recomputed if `text` is ever replaced."""
        hit = self.__dict__.get("_masked")
        if hit is None or hit[0] is not self.text:
            hit = self.__dict__["_masked"] = (self.text, mask_code(self.text))
        return hit[1]

    @property
    def line_starts(self) -> list[int]:
        """Offset at which each line of `text` starts (of `masked` too: masking keeps offsets).
        Computed once per text, like `masked`; read it, never change it."""
        hit = self.__dict__.get("_line_starts")
        if hit is None or hit[0] is not self.text:
            hit = self.__dict__["_line_starts"] = (self.text, line_starts(self.text))
        return hit[1]

    def source_line(self, text_line: int) -> int:
        """1-based line in the original file for a 0-based line of `text`."""
        if 0 <= text_line < len(self.line_map):
            return self.line_map[text_line]
        return (self.line_map[-1] if self.line_map else 0) + 1


@dataclass(frozen=True)
class FuzzyDate:
    """A date as people write it: "2017年6月", "2023年至今", "2024.06" → a range with a precision."""

    start: str  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    end: str | None  # same forms; None for a point in time; "present" for an open range
    precision: Literal["year", "month", "day"]
    raw: str

    @property
    def year(self) -> int:
        return int(self.start[:4])

    @property
    def month(self) -> int | None:
        return int(self.start[5:7]) if len(self.start) >= 7 else None

    @property
    def sort_key(self) -> str:
        return self.start

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.start, "end": self.end, "precision": self.precision, "raw": self.raw}


@dataclass(frozen=True)
class Source:
    """Where an entry came from."""

    note: str  # note path
    line: int  # 1-based line in the original file


@dataclass
class WikiLink:
    """One `[[target#anchor|label]]` or Markdown link to a note, and what it resolved to."""

    source: Source
    target: str  # the name as written (percent-decoded for Markdown links)
    anchor: str | None
    label: str | None
    embed: bool = False
    resolved: str | None = None  # note path, or None when it went to a concept page
    sentence: str = ""  # the sentence around the link, for backlinks and concept pages


@dataclass
class TimelineEvent:
    date: FuzzyDate
    text: str  # Markdown
    source: Source
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # wiki-link targets and URLs in the text
    inferred: bool = True


@dataclass
class Paper:
    title: str | None
    source: Source
    arxiv: str | None = None
    date: FuzzyDate | None = None  # the date the note states
    arxiv_date: str | None = None  # "YYYY-MM" encoded in the arXiv id
    venue: str | None = None
    code: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # every citing note (filled when merged)
    inferred: bool = True

    @property
    def date_mismatch(self) -> bool:
        """The stated date and the arXiv id's month differ by more than a month."""
        return dates_differ(self.date, self.arxiv_date)


def dates_differ(date: FuzzyDate | None, arxiv_month: str | None) -> bool:
    """A stated date (month or day precision) more than a month away from an arXiv id's "YYYY-MM"."""
    if not (date and arxiv_month and date.precision != "year"):
        return False
    y1, m1 = int(date.start[:4]), int(date.start[5:7])
    y2, m2 = int(arxiv_month[:4]), int(arxiv_month[5:7])
    return abs((y1 * 12 + m1) - (y2 * 12 + m2)) > 1


@dataclass
class Link:
    url: str
    text: str
    source: Source


@dataclass
class Table:
    source: Source
    header: list[str]
    rows: list[list[str]]


@dataclass
class RoadmapNode:
    title: str
    source: Source
    children: list[RoadmapNode] = field(default_factory=list)
    done: bool | None = None  # task items: True/False; plain nodes: None
    kind: Literal["tree", "plan", "steps"] = "tree"
    target: str | None = None  # note path or concept name it links to (filled by the knowledge base)
    description: str = ""  # "X —— why X matters": the part after the dash
    cells: list[str] = field(default_factory=list)  # study plan: the header (root) or the row (week), as Markdown

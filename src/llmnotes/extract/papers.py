"""The paper index: every paper a note cites, with its title, dates, venue, code and citing notes.

Where papers come from, strongest first (heuristics never overrule the author):

1. Front matter of a note about one paper (`arxiv:`, or `type: paper`): its fields.
2. A fenced ```` ```paper ```` YAML block (title, arxiv, date, venue, code, summary).
3. An arXiv id in any URL form (see `llmnotes.arxiv`). The title comes from the block
   the link sits in: the same line (a Markdown link's text, or a citation), else the
   nearest outline label above it (a heading, a line, a list item) that is not a field
   ("时间", "link", a date, a bare URL). A label nested inside another paper's block
   (a survey listed under the paper it surveys), or a generic label such as "综述",
   is titled "<parent title> · <label>".
4. A paper-title line in a list without a link ("- R-Tuning: …") followed by its
   date/venue line ("  - 2023.11，NAACL 2024"), or with a GitHub link, or under a
   heading such as "Papers"/"论文"/"References".
5. Reference lists in the usual citation styles (author–year, "Title (2024.06)",
   "Title, 2017-06-12, https://…", quoted titles, a venue in italics).

The stated date is the block's date field ("时间：2023-5-21", "时间" with the date below
it, a date line "2024.06，NAACL 2024" whose rest is the venue). Papers are merged
across notes by arXiv id, else by normalised title; explicit values win field by
field. A stated date more than a month away from the arXiv id's month is a warning.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import yaml

from ..arxiv import HINT_RE as _ARXIV_HINT
from ..arxiv import MENTION_RE, arxiv_date, find_arxiv, might_cite_arxiv
from ..dates import find_dates, leading_date, parse_date
from ..loader import read_yaml
from ..model import Diagnostic, FuzzyDate, Note, Paper, Source, dates_differ
from ..textutil import shorten
from . import per_note, remembered

if TYPE_CHECKING:
    from ..kb import KnowledgeBase

# --------------------------------------------------------------------------- patterns

_BULLET = re.compile(r"^([ \t]*)(?:[-*+•]|\d{1,3}[.)、]|\[\d{1,3}\])[ \t]+(.*)$")
_BULLET_LEADS = frozenset("-*+•[")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*paper[ \t]*$", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>()\[\]（）\"'`]+|www\.[^\s<>()\[\]（）\"'`]+")
_AUTOLINK = re.compile(r"<((?:https?://|www\.)[^<>\s]+)>")
_MDLINK = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_GITHUB = re.compile(r"https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+)", re.IGNORECASE)
_FIELD_LABEL = re.compile(
    r"^(?:时间|日期|发表时间|发布时间|发表|发布|date|published|year|time|论文|原文|文章|链接|地址|网址|"
    r"paper|arxiv|pdf|link|url|代码|源码|code|github|repo|项目|project|来源|source|会议|期刊|venue|"
    r"标题|题目|title|作者|authors?)\s*[:：]?\s*",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(r"^(?:时间|日期|发表时间|发布时间|发表|发布|date|published|year|time)\s*[:：]?\s*", re.IGNORECASE)
_TITLE_LABEL = re.compile(r"^(?:标题|题目|title|论文|paper)\s*[:：]\s*(?P<v>.+)$", re.IGNORECASE)
_VENUE_LABEL = re.compile(r"^(?:会议|期刊|venue|published in)\s*[:：]\s*(?P<v>.+)$", re.IGNORECASE)
# Labels that name a part, not a paper: a survey listed under a paper is "<paper> · 综述".
_GENERIC = re.compile(r"^(?:综述|survey|论文|paper|原文|相关论文|related work|follow-?up|续作|改进|v2)$", re.IGNORECASE)
_PAPER_SECTION = re.compile(
    r"(?:^|\b)(?:papers?|references?|bibliography|reading list|citations?)(?:\b|$)|论文|参考文献|参考资料|文献",
    re.IGNORECASE,
)
_EMPHASIS = re.compile(r"(\*\*|__|~~)")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*")
_SEP = " \t,，;；:：.。|/、-–—"
_BARE_YEAR = re.compile(r"(?<!\d)(?<!\d[.\-/])(19[5-9]\d|20\d\d)(?!\d|[.\-/]\d)")
_ITALIC = re.compile(r"(?<![*_\w])(?:\*([^*\n]+)\*|_([^_\n]+)_)(?![*_\w])")
_QUOTED = re.compile(r"[\"“«《]([^\"”»》]{3,300})[\"”»》]")
_APA = re.compile(
    r"^(?P<authors>[^()（）]{2,400}?)\s*[(（](?P<date>[^()（）]{4,40})[)）][.。]?\s+(?P<title>.+?[.?!。])"
    r"(?:\s+(?P<rest>.*))?$"
)
_PAREN_DATE = re.compile(r"^(?P<title>[^()（）]{3,300}?)\s*[(（](?P<date>[^()（）]{4,40})[)）](?P<rest>.*)$")
_REVERSED_FULL = re.compile(r"^\s*(\d{4}),\s*([A-Za-z]+\.?\s+\d{1,2})\s*$")  # APA "(2023, October 5)"
_AUTHORISH = re.compile(r",|&| and |et al|等", re.IGNORECASE)

_UPPER_START = re.compile(r"[\[*_\"“]*[A-Z0-9]")
# Patterns the rules below use once per line or citation, compiled once.
_SHORT_LABEL = re.compile(r"^[^:：]{1,12}[:：]")
_TITLE_CHARS = re.compile(r"[\sA-Za-z0-9'’\-:,.?!&()/+]")
_NAME_GLOSS = re.compile(r"^(.+?)\s*(?:[，：]|\s[-–—]\s)\s*(.+)$")
_NON_WORD = re.compile(r"[\W_]+")
_IN_PREFIX = re.compile(r"^(?:In|in|收录于)[:：]?\s+")
_VENUE_END = re.compile(r"[,，;；]|\.\s")
_REF_NUMBER = re.compile(r"^\[\d{1,3}\]\s*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_FULLWIDTH_COMMA = re.compile(r"\s*，\s*")

SUMMARY_LIMIT = 5


# --------------------------------------------------------------------------- outline


class _Line:
    """One non-blank line of a note seen as an outline node.

    A plain class built by position: one is made per line of every note, and a dataclass's
    keyword and default-factory handling made that a fifth of the outline's cost.
    """

    __slots__ = ("children", "content", "heading", "indent", "item", "no", "parent", "section")

    def __init__(self, no: int, indent: int, item: bool, heading: int, content: str, parent: int | None,
                 section: str) -> None:
        self.no = no  # 0-based line of note.text
        self.indent = indent
        self.item = item
        self.heading = heading  # 0 for non-headings
        self.content = content  # without bullet or heading marks, stripped
        self.parent = parent  # index into the outline
        self.children: list[int] = []
        self.section = section  # text of the nearest heading above


def _outline(masked: str) -> list[_Line]:
    """A linear pass turning headings, lines and nested lists into a tree (parents and children).

    A heading or a label line at the margin parents the list that follows it, as in a
    plain-text outline export; a list item parents the items indented under it. A line
    at the margin hangs from the heading above it.
    """
    out: list[_Line] = []
    stack: list[int] = []  # open list items, innermost last
    root: int | None = None  # heading or margin line the current list hangs from
    heading: int | None = None  # the heading above
    section = ""
    for no, raw in enumerate(masked.split("\n")):
        content = raw.strip()
        if not content:
            continue
        lead = content[0]
        if lead == "#":
            h = _HEADING.match(raw)
            if h:
                section = h.group(2).strip()
                out.append(_Line(no, 0, False, len(h.group(1)), section, None, section))
                stack = []
                root = heading = len(out) - 1
                continue
        b = _BULLET.match(raw) if lead in _BULLET_LEADS or lead.isdigit() else None
        if raw[0] == lead:  # most lines: nothing before the text
            indent = 0
        else:
            if "\t" in raw:
                raw = raw.expandtabs(4)
            indent = len(raw) - len(raw.lstrip())
        idx = len(out)
        if b is None:
            if indent == 0:  # a margin line ends the list: it is a new root when it looks like a label
                out.append(_Line(no, 0, False, 0, content, heading, section))
                stack = []
                root = idx
                if heading is not None:
                    out[heading].children.append(idx)
                continue
            parent = stack[-1] if stack else root  # an indented line: it continues the item above
            out.append(_Line(no, indent, False, 0, content, parent, section))
        else:
            while stack and out[stack[-1]].indent >= indent:
                stack.pop()
            parent = stack[-1] if stack else root
            out.append(_Line(no, indent, True, 0, b.group(2).strip(), parent, section))
            stack.append(idx)
        if parent is not None:
            out[parent].children.append(idx)
    return out


# --------------------------------------------------------------------------- classifying lines


# The line classifiers below are pure functions of one line's text, asked about the same
# lines many times (every paper of a section asks about its siblings and ancestors):
# remembered per text.
_MEMO = 1024  # a note's lines; the lines of other notes rarely repeat


@lru_cache(maxsize=_MEMO)
def _strip_md(text: str) -> str:
    """Visible text of a line: Markdown links → their text, emphasis marks and hard breaks dropped."""
    # Each substitution only where its mark occurs (most lines have none).
    if "<" in text:
        text = _AUTOLINK.sub(lambda m: m.group(1), text)
    if "](" in text:
        text = _MDLINK.sub(lambda m: m.group(1), text)
    if "**" in text or "__" in text or "~~" in text:
        text = _EMPHASIS.sub("", text)
    return text.strip().rstrip("\\").strip()


def _without_urls(text: str) -> str:
    if "<" in text:
        text = _AUTOLINK.sub(" ", text)
    if "](" in text:
        text = _MDLINK.sub(lambda m: "" if _is_url_text(m.group(1), m.group(2)) else m.group(1), text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    return text.strip(_SEP + " ")


def _is_url_text(label: str, url: str) -> bool:
    label = label.strip()
    return not label or label == url or label.lower() in {"arxiv", "pdf", "paper", "论文", "link", "链接", "code",
                                                        "代码", "github", "原文", "here", "这里"}


@lru_cache(maxsize=_MEMO)
def _is_field(content: str) -> bool:
    """A line that states a property (a label, a date, a bare URL) rather than naming something."""
    text = _strip_md(content)
    if not text:
        return True
    if _FIELD_LABEL.fullmatch(text) or _FIELD_LABEL.match(text) and _SHORT_LABEL.match(text):
        return True
    if not _without_urls(content):
        return True
    return _date_line(text) is not None


@lru_cache(maxsize=_MEMO)
def _date_line(text: str) -> tuple[FuzzyDate, str] | None:
    """A line that is a date, optionally labelled and followed by a venue: "2023.11，NAACL 2024"."""
    text = _DATE_LABEL.sub("", text, count=1).strip()
    whole = parse_date(text)
    if whole:
        return whole, ""
    found = leading_date(text)
    if found is None:
        return None
    _start, end, date = found
    rest = text[end:]
    if rest and rest[0] not in _SEP + "（(":
        return None
    venue = rest.strip(_SEP + " ").strip("()（）").strip()
    return date, venue


@lru_cache(maxsize=_MEMO)
def _ids(text: str) -> tuple[str, ...]:
    """The arXiv ids of a line, in order."""
    return tuple(r.id for r in find_arxiv(text))


@lru_cache(maxsize=_MEMO)
def _title_shaped(text: str) -> bool:
    """An English paper title: starts with a capital, three or more words, mostly Latin, not a sentence."""
    if not text or len(text) > 300 or _URL.search(text) or not (text[0].isupper() or text[0].isdigit()):
        return False
    if text.endswith(("。", "；", ";", "，")) or (text.endswith(".") and not text.endswith("etc.")):
        return False
    words = _LATIN_WORD.findall(text)
    if len(words) < 3:
        return False
    latin = sum(len(w) for w in words)
    other = len(_TITLE_CHARS.sub("", text))
    return latin >= 4 * other


def _split_label(label: str) -> tuple[str, str]:
    """"CharacterBench，一个基准测试" → ("CharacterBench", "一个基准测试"): the name, then its gloss."""
    m = _NAME_GLOSS.match(label)
    if m and len(m.group(1)) >= 2:
        return m.group(1).strip(), m.group(2).strip()
    return label, ""


@lru_cache(maxsize=_MEMO)
def _norm_title(title: str) -> str:
    t = unicodedata.normalize("NFKC", title).casefold()
    return _NON_WORD.sub("", t)


def _date_from(text: str) -> FuzzyDate | None:
    """A citation's date: a full value, "2023, October 5", any date inside, else a bare year."""
    text = text.strip()
    m = _REVERSED_FULL.match(text)
    if m:
        d = parse_date(f"{m.group(2)}, {m.group(1)}")
        if d:
            return FuzzyDate(d.start, d.end, d.precision, text)
    d = parse_date(text)
    if d:
        return d
    found = find_dates(text)
    if found:
        return found[0][2]
    y = _BARE_YEAR.search(text)
    return FuzzyDate(y.group(1), None, "year", y.group(1)) if y else None


def _venue_from(rest: str) -> str | None:
    """The venue of a citation's tail: the italic part, else the text up to the first comma."""
    rest = _URL.sub("", rest).strip()
    it = _ITALIC.search(rest)
    if it:
        return (it.group(1) or it.group(2)).strip() or None
    rest = _IN_PREFIX.sub("", rest).strip(_SEP + " ")
    head = _VENUE_END.split(rest, maxsplit=1)[0].strip(_SEP + " ")
    return head or None


def parse_citation(text: str) -> tuple[str, FuzzyDate | None, str | None] | None:
    """(title, date, venue) of one reference-list entry, or None when it is not a citation.

    Styles: author–year `Authors (2023, October 5). Title. *Venue*.`; quoted titles
    `A. Author, "Title," in *Venue*, 2019.`; `Title (2024.06) …`; `Title, 2017-06-12,
    https://…`; `Title. *Venue* 2019`.
    """
    text = _MDLINK.sub(lambda m: m.group(1) if not _is_url_text(m.group(1), m.group(2)) else m.group(2),
                       text.strip())
    text = _REF_NUMBER.sub("", text)
    m = _APA.match(text)
    if m and _AUTHORISH.search(m.group("authors")):
        date = _date_from(m.group("date"))
        if date:
            title = m.group("title").rstrip(".。").strip()
            return title, date, _venue_from(m.group("rest") or "")
    q = _QUOTED.search(text)
    if q:
        title = q.group(1).strip().rstrip(",，.")
        rest = text[q.end():]
        date = _date_from(_ITALIC.sub(" ", rest)) or _date_from(rest)
        return title, date, _venue_from(rest)
    m = _PAREN_DATE.match(text)
    if m:
        date = parse_date(m.group("date")) or _date_from(m.group("date")) if _has_year(m.group("date")) else None
        if date:
            title = m.group("title").strip(_SEP + " ")
            if title:
                return title, date, _venue_from(m.group("rest"))
    it = _ITALIC.search(text)
    if it and it.start() > 0:
        title = text[:it.start()].strip(_SEP + " ")
        if title and not _URL.search(title):
            venue = (it.group(1) or it.group(2)).strip()
            return title, _date_from(text[it.end():]) or _date_from(venue), venue
    found = find_dates(text)
    if found and found[0][0] > 0:
        s, e, date = found[0]
        title = text[:s].strip(_SEP + " ")
        rest = text[e:]
        if title and (not rest.strip() or rest[0] in _SEP) and (_URL.search(rest) or not rest.strip(_SEP + " ")):
            return title, date, _venue_from(rest) if not _URL.fullmatch(rest.strip(_SEP + " ")) else None
    return None


def _has_year(text: str) -> bool:
    return bool(_YEAR.search(text))


# --------------------------------------------------------------------------- occurrences


@dataclass
class _Occurrence:
    paper: Paper
    date_line: int | None = None
    order: int = 0


# Cheap tests on a whole note: most notes cite no paper, and they cost one search each.
_CANDIDATE_ITEM = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)、]|\[\d{1,3}\])[ \t]+[\[*_\"“]?[A-Z0-9]", re.MULTILINE)
_FENCE_HINT = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*paper[ \t]*$", re.MULTILINE | re.IGNORECASE)


def _has_paper_block(text: str) -> bool:
    # A fence is three backticks or tildes: looked for first, as two plain substring searches.
    return ("```" in text or "~~~" in text) and _FENCE_HINT.search(text) is not None


def _may_cite(note: Note) -> bool:
    text = note.text
    return bool(might_cite_arxiv(text) or _CANDIDATE_ITEM.search(text) or _has_paper_block(text)
                or note.meta.get("arxiv") or note.meta.get("type") or note.meta.get("paper"))


class _NoteReader:
    """Finds the papers of one note."""

    def __init__(self, note: Note) -> None:
        self.note = note
        self.masked = note.masked
        self.outline = _outline(self.masked)
        self.ids = self._line_ids()
        self.out: list[_Occurrence] = []
        self._papers_memo: dict[int, frozenset[str]] = {}

    def _line_ids(self) -> list[tuple[str, ...]]:
        """The arXiv ids of each outline node (its line): searched only on the lines that name arXiv."""
        starts = self.note.line_starts
        hinted = {bisect_right(starts, m.start()) - 1 for m in _ARXIV_HINT.finditer(self.masked)}
        if not hinted:  # one scan of the note tells both whether and where it names arXiv
            return [()] * len(self.outline)
        return [_ids(node.content) if node.no in hinted else () for node in self.outline]

    def src(self, i: int) -> Source:
        return Source(self.note.path, self.note.source_line(self.outline[i].no))

    def run(self) -> list[_Occurrence]:
        self._front_matter()
        self._paper_blocks()
        titles: dict[int, list[tuple[str, int]]] = {}  # title node → arXiv refs (id, line node)
        same_line: list[tuple[int, str]] = []
        for i, node in enumerate(self.outline):
            for ident in self.ids[i]:
                if self._line_title(node.content):
                    same_line.append((i, ident))
                else:
                    t = self._title_node(i)
                    titles.setdefault(t if t is not None else -1 - i, []).append((ident, i))
        taken = {t for t in titles if t >= 0}
        for i, ident in same_line:
            self._from_line(i, ident)
        for t, refs in titles.items():
            seen: list[str] = []
            for ident, i in refs:
                if ident not in seen:
                    seen.append(ident)
                    self._from_block(t, ident, i, taken)
        self._titled_items(taken)
        return self.out

    # ---- explicit sources

    def _front_matter(self) -> None:
        meta = self.note.meta
        if not (meta.get("arxiv") or str(meta.get("type", "")).lower() == "paper" or isinstance(meta.get("paper"), dict)):
            return
        data: dict[str, Any] = dict(meta.get("paper")) if isinstance(meta.get("paper"), dict) else dict(meta)
        if meta.get("paper_title"):
            data["title"] = meta["paper_title"]
        data.setdefault("title", self.note.title)
        paper = self._explicit(data, Source(self.note.path, 1))
        if paper:
            self.out.append(_Occurrence(paper, 1 if paper.date else None))

    def _paper_blocks(self) -> None:
        if not _has_paper_block(self.note.text):
            return
        i = 0
        raw_lines = self.note.text.split("\n")
        n = len(raw_lines)
        while i < n:
            m = _FENCE.match(raw_lines[i])
            if not m:
                i += 1
                continue
            fence, start = m.group(1), i
            i += 1
            body: list[str] = []
            while i < n and not raw_lines[i].strip().startswith(fence):
                body.append(raw_lines[i])
                i += 1
            i += 1
            line = self.note.source_line(start)
            try:
                data = read_yaml("\n".join(body))
            except yaml.YAMLError as exc:
                self.diags.append(Diagnostic("warning", self.note.path, line, f"```paper block is not YAML: {exc}"))
                continue
            if not isinstance(data, dict):
                self.diags.append(Diagnostic("warning", self.note.path, line,
                                             "```paper block should be a mapping (title, arxiv, date, venue, code)"))
                continue
            paper = self._explicit(data, Source(self.note.path, line))
            if paper:
                self.out.append(_Occurrence(paper, line if paper.date else None))

    diags: list[Diagnostic]

    def _explicit(self, data: dict[str, Any], source: Source) -> Paper | None:
        ident = None
        raw_arxiv = _yaml_id(data.get("arxiv")) or str(data.get("url") or "").strip()
        if raw_arxiv:
            refs = find_arxiv(raw_arxiv if "/" in raw_arxiv and "." in raw_arxiv.split("/")[0]
                              else f"arXiv:{raw_arxiv}")
            ident = refs[0].id if refs else None
        title = str(data["title"]).strip() if data.get("title") else None
        if not (title or ident):
            return None
        date = parse_date(str(data["date"])) if data.get("date") else None
        code = data.get("code") or []
        code = [str(c) for c in (code if isinstance(code, list) else [code])]
        summary = data.get("summary") or []
        summary = [str(s) for s in (summary if isinstance(summary, list) else [summary])]
        urls = [str(data["url"])] if data.get("url") else []
        return Paper(title=title, source=source, arxiv=ident, date=date,
                     arxiv_date=arxiv_date(ident) if ident else None,
                     venue=str(data["venue"]).strip() if data.get("venue") else None,
                     code=code, summary=summary, urls=urls, notes=[self.note.path], inferred=False)

    # ---- arXiv links

    def _line_title(self, content: str) -> str | None:
        """A title written on the link's own line (a Markdown link's text, or a citation)."""
        for m in _MDLINK.finditer(content):
            if _ids(m.group(2)) and not _is_url_text(m.group(1), m.group(2)):
                return m.group(1).strip()
        text = _without_urls(MENTION_RE.sub(" ", content))
        text = _FIELD_LABEL.sub("", text, count=1) if _FIELD_LABEL.match(text) and _SHORT_LABEL.match(text) else text
        text = text.strip(_SEP + " ")
        if not text or _date_line(text) or len(text) < 3:
            return None
        return text

    def _from_line(self, i: int, ident: str) -> None:
        node = self.outline[i]
        cite = parse_citation(node.content)
        urls = [u.rstrip(".,，。;；") for u in _URL.findall(node.content)]
        link_title = next((m.group(1).strip() for m in _MDLINK.finditer(node.content)
                           if _ids(m.group(2)) and not _is_url_text(m.group(1), m.group(2))), None)
        if cite and not link_title:
            title, date, venue = cite
        else:
            title, date, venue = link_title or self._line_title(node.content), None, None
            if title and not link_title:
                title = _FULLWIDTH_COMMA.split(title, maxsplit=1)[0]
        title = _without_urls(title or "") or None
        block = self._block(i, set())
        info = self._block_info(i, block, title_node=i)
        paper = Paper(title=title, source=self.src(i), arxiv=ident, date=date or info["date"],
                      arxiv_date=arxiv_date(ident), venue=venue or info["venue"], code=info["code"] or
                      [_repo(u) for u in urls if _GITHUB.match(u)], summary=info["summary"],
                      urls=[u for u in urls if not _GITHUB.match(u)], notes=[self.note.path])
        self.out.append(_Occurrence(paper, info["date_line"] or (self.src(i).line if date else None)))

    def _title_node(self, i: int) -> int | None:
        """The nearest ancestor (or the line itself) that names something rather than states a field."""
        j: int | None = self.outline[i].parent
        while j is not None:
            if not _is_field(self.outline[j].content):
                return j
            j = self.outline[j].parent
        return None

    def _papers_in(self, i: int) -> frozenset[str]:
        """arXiv ids on the direct children (and their field descendants) of node `i`."""
        hit = self._papers_memo.get(i)
        if hit is None:  # every paper of a section asks about the same parent
            ids: set[str] = set()
            outline = self.outline
            for c in outline[i].children:
                node = outline[c]
                # Whether a line is a field is asked only where it would add an id (ids are rare).
                own = self.ids[c]
                below = [cc for cc in node.children if self.ids[cc]]
                if (own or below) and _is_field(node.content):
                    ids.update(own)
                    for cc in below:
                        if _is_field(outline[cc].content):
                            ids.update(self.ids[cc])
            hit = self._papers_memo[i] = frozenset(ids)
        return hit

    def _direct_ids(self, t: int) -> set[str]:
        """arXiv ids on the lines right under `t` (and under its field labels such as "链接")."""
        ids: set[str] = set()
        outline = self.outline
        for c in outline[t].children:
            node = outline[c]
            ids.update(self.ids[c])
            below = [cc for cc in node.children if self.ids[cc]]
            if below and _is_field(node.content):
                for cc in below:
                    ids.update(self.ids[cc])
        return ids

    def _block(self, t: int, taken: set[int]) -> list[int]:
        """Descendants of `t`, leaving out the blocks of other papers nested inside it."""
        out: list[int] = []
        todo = list(reversed(self.outline[t].children))
        while todo:
            c = todo.pop()
            if c in taken and c != t:
                continue
            out.append(c)
            todo.extend(reversed(self.outline[c].children))
        return out

    def _block_info(self, t: int, block: list[int], title_node: int) -> dict[str, Any]:
        info: dict[str, Any] = {"date": None, "venue": None, "date_line": None, "code": [], "summary": [],
                                "title": None}
        for c in block:
            node = self.outline[c]
            text = _strip_md(node.content)
            for u in _URL.findall(node.content):
                g = _GITHUB.match(u.rstrip(".,，。;；"))
                if g and _repo(u) not in info["code"]:
                    info["code"].append(_repo(u))
            tl = _TITLE_LABEL.match(text)
            if tl and not info["title"] and not _URL.search(tl.group("v")):
                info["title"] = tl.group("v").strip()
                continue
            vl = _VENUE_LABEL.match(text)
            if vl and not info["venue"]:
                info["venue"] = vl.group("v").strip()
                continue
            if info["date"] is None:
                dl = _date_line(text)
                if dl and (node.parent == title_node or _DATE_LABEL.fullmatch(
                        _strip_md(self.outline[node.parent].content) if node.parent is not None else "")
                        or _date_sibling(self.outline, c)):
                    info["date"], venue = dl
                    info["venue"] = info["venue"] or venue or None
                    info["date_line"] = self.note.source_line(node.no)
                    continue
            if (node.parent == title_node and not node.children and not _is_field(node.content)
                    and not text.endswith((":", "：")) and len(info["summary"]) < SUMMARY_LIMIT):
                info["summary"].append(shorten(_strip_md(node.content), 200))
        return info

    def _from_block(self, t: int, ident: str, link_node: int, taken: set[int]) -> None:
        if t < 0:  # no label above the link: a bare link in prose or a link list
            i = -1 - t
            urls = [u.rstrip(".,，。;；") for u in _URL.findall(self.outline[i].content)]
            paper = Paper(title=None, source=self.src(i), arxiv=ident, arxiv_date=arxiv_date(ident),
                          urls=[u for u in urls if not _GITHUB.match(u)], notes=[self.note.path])
            self.out.append(_Occurrence(paper))
            return
        node = self.outline[t]
        # A label over a list of several papers is a section, not a title: only a lone paper's block.
        if len(self._direct_ids(t)) > 1:
            self._from_block(-1 - link_node, ident, link_node, taken)
            return
        label, gloss = _split_label(_strip_md(node.content))
        parent = self._title_node(t) if node.parent is not None else None
        if parent is not None and (_GENERIC.match(label) or self._papers_in(parent) - {ident}):
            parent_label = _split_label(_strip_md(self.outline[parent].content))[0]
            if not self.outline[parent].heading or _GENERIC.match(label):
                label = f"{parent_label} · {label}"
        block = self._block(t, taken)
        info = self._block_info(t, block, title_node=t)
        urls: list[str] = []
        for c in block:
            for u in _URL.findall(self.outline[c].content):
                u = u.rstrip(".,，。;；")
                if _ids(u) and u not in urls:
                    urls.append(u)
        summary = ([gloss] if gloss else []) + info["summary"]
        paper = Paper(title=info["title"] or label, source=self.src(t), arxiv=ident, date=info["date"],
                      arxiv_date=arxiv_date(ident), venue=info["venue"], code=info["code"],
                      summary=summary[:SUMMARY_LIMIT], urls=urls, notes=[self.note.path])
        self.out.append(_Occurrence(paper, info["date_line"]))

    # ---- titles without links

    def _titled_items(self, taken: set[int]) -> None:
        """Paper-title lines in lists ("- R-Tuning: …" + "  - 2023.11，NAACL 2024") and reference lists."""
        sections: dict[str, bool] = {}
        for i, node in enumerate(self.outline):
            if not node.item or i in taken:
                continue
            parent = self.outline[node.parent] if node.parent is not None else None
            top = parent is None or not parent.item
            if top:
                in_section = sections.get(node.section)
                if in_section is None:
                    in_section = sections[node.section] = bool(_PAPER_SECTION.search(node.section))
            else:
                in_section = False
            if not in_section and not _UPPER_START.match(node.content):
                continue
            if self.ids[i]:
                continue
            if parent is not None and parent.item and not _without_urls(parent.content):
                continue  # a description under a link, not a paper
            text = _strip_md(node.content)
            if in_section:
                cite = parse_citation(node.content)
                if cite and cite[0] and not _title_shaped(text):
                    title, date, venue = cite
                    self._add_titled(i, title, date, venue, None)
                    continue
            if not _title_shaped(text):
                continue
            first = self.outline[node.children[0]] if node.children else None
            dl = _date_line(_strip_md(first.content)) if first is not None else None
            has_code = any(_GITHUB.search(self.outline[c].content) for c in node.children)
            cite = parse_citation(node.content) if not dl else None
            if not (dl or has_code or in_section or (cite and cite[1])):
                continue
            if cite and cite[1] and not dl:
                self._add_titled(i, cite[0], cite[1], cite[2], None)
                continue
            date, venue = dl if dl else (None, None)
            self._add_titled(i, text, date, venue or None, self.note.source_line(first.no) if dl else None)

    def _add_titled(self, i: int, title: str, date: FuzzyDate | None, venue: str | None,
                    date_line: int | None) -> None:
        block = self._block(i, set())
        info = self._block_info(i, block, title_node=i)
        paper = Paper(title=title, source=self.src(i), date=date or info["date"], venue=venue or info["venue"],
                      code=info["code"], summary=info["summary"], notes=[self.note.path])
        self.out.append(_Occurrence(paper, date_line or info["date_line"] or (self.src(i).line if date else None)))


def _yaml_id(value: Any) -> str:
    """`arxiv: 2305.10250` unquoted is a YAML float (2305.1025): restore the id's trailing zeros."""
    if isinstance(value, float):
        digits = 5 if int(value) >= 1501 else 4  # five-digit numbers since January 2015
        return f"{value:.{digits}f}"
    return str(value or "").strip()


def _date_sibling(outline: list[_Line], i: int) -> bool:
    """"- 时间" then "- 2024-2-5" at the same level: the date belongs to the label before it."""
    node = outline[i]
    if node.parent is None:
        return False
    sibs = outline[node.parent].children
    k = sibs.index(i)
    return k > 0 and bool(_DATE_LABEL.fullmatch(_strip_md(outline[sibs[k - 1]].content)))


def _repo(url: str) -> str:
    g = _GITHUB.match(url.rstrip(".,，。;；"))
    if not g:
        return url
    name = g.group(2)
    name = name.removesuffix(".git")
    return f"https://github.com/{g.group(1)}/{name}"


# --------------------------------------------------------------------------- merging


def _merge(occurrences: list[_Occurrence], diags: list[Diagnostic]) -> list[Paper]:
    """One paper per arXiv id, else per normalised title; explicit values win field by field."""
    groups: dict[str, list[_Occurrence]] = {}
    title_to_key: dict[str, str] = {}
    for occ in occurrences:
        if occ.paper.arxiv:
            key = "arxiv:" + occ.paper.arxiv
            groups.setdefault(key, []).append(occ)
            if occ.paper.title:
                nt = _norm_title(occ.paper.title)
                if nt and title_to_key.get(nt, key) == key:
                    title_to_key[nt] = key
                elif nt:
                    title_to_key[nt] = ""  # two ids share a title: do not merge by it
    for occ in occurrences:
        if occ.paper.arxiv:
            continue
        nt = _norm_title(occ.paper.title or "")
        if not nt:
            continue
        key = title_to_key.get(nt) or "title:" + nt
        groups.setdefault(key, []).append(occ)
    papers: list[tuple[int, Paper]] = []
    for occs in groups.values():
        if len(occs) == 1:  # most papers are cited once: the rules below, for one citation
            o = occs[0]
            p = o.paper
            merged = Paper(title=p.title or None, source=p.source, arxiv=p.arxiv or None, date=p.date,
                           venue=p.venue or None, code=_union((p.code,)),
                           summary=_union((p.summary,))[:SUMMARY_LIMIT * 2], urls=_union((p.urls,)),
                           notes=_union((p.notes,)), inferred=all((p.inferred,)))
            merged.arxiv_date = arxiv_date(merged.arxiv) if merged.arxiv else None
            _check_date(o, merged, diags)
            papers.append((o.order, merged))
            continue
        order = min(o.order for o in occs)
        occs.sort(key=lambda o: (o.paper.inferred, o.order))
        first = occs[0].paper
        merged = Paper(
            title=next((o.paper.title for o in occs if o.paper.title and not o.paper.inferred), None)
            or next((o.paper.title for o in occs if o.paper.title and _title_shaped(o.paper.title)), None)
            or next((o.paper.title for o in occs if o.paper.title), None),
            source=first.source,
            arxiv=next((o.paper.arxiv for o in occs if o.paper.arxiv), None),
            date=next((o.paper.date for o in occs if o.paper.date), None),
            venue=next((o.paper.venue for o in occs if o.paper.venue), None),
            code=_union(o.paper.code for o in occs),
            summary=_union(o.paper.summary for o in occs)[:SUMMARY_LIMIT * 2],
            urls=_union(o.paper.urls for o in occs),
            notes=_union(o.paper.notes for o in sorted(occs, key=lambda o: o.order)),
            inferred=all(o.paper.inferred for o in occs),
        )
        merged.arxiv_date = arxiv_date(merged.arxiv) if merged.arxiv else None
        for o in occs:
            _check_date(o, merged, diags)
        papers.append((order, merged))
    papers.sort(key=lambda op: op[0])
    return [p for _, p in papers]


def _check_date(o: _Occurrence, merged: Paper, diags: list[Diagnostic]) -> None:
    """A citation whose stated date is more than a month from the paper's arXiv id: a warning."""
    if o.paper.date and dates_differ(o.paper.date, merged.arxiv_date):
        diags.append(Diagnostic(
            "warning", o.paper.source.note, o.date_line or o.paper.source.line,
            f"paper '{merged.title or merged.arxiv}': stated date {o.paper.date.raw} differs from "
            f"its arXiv id {merged.arxiv} ({merged.arxiv_date})"))


def _union(lists) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for items in lists:
        for x in items:
            if x and x not in seen:
                seen.add(x)
                out.append(x)
    return out


# --------------------------------------------------------------------------- entry point


def papers_of(note: Note, diags: list[Diagnostic] | None = None) -> list[Paper]:
    """The papers one note cites, before merging (for tests and tools)."""
    reader = _NoteReader(note)
    reader.diags = diags if diags is not None else []
    return [o.paper for o in reader.run()]


def _note_papers(note: Note) -> tuple[list[tuple[Paper, int | None]], list[Diagnostic]]:
    """(paper, line of its stated date) for each paper one note cites, and that note's warnings.

    Reads only the note, so it is remembered across serve rebuilds (`per_note`); the
    papers are never changed afterwards (merging builds new ones).
    """
    if not _may_cite(note):
        return [], []
    reader = _NoteReader(note)
    reader.diags = []
    return [(o.paper, o.date_line) for o in reader.run()], reader.diags


def note_pass(kb: KnowledgeBase) -> Callable[[Note], tuple[list[tuple[Paper, int | None]], list[Diagnostic]]]:
    """What `collect` reads from one note alone (see `per_note`)."""
    return _note_papers


def collect(kb: KnowledgeBase) -> None:
    paths = sorted(kb.notes)
    passes = [per_note(kb, "papers", kb.notes[path], _note_papers) for path in paths]
    for _, diags in passes:
        kb.diagnostics.extend(diags)

    def merged() -> list[Paper]:
        occurrences: list[_Occurrence] = []
        for found, _ in passes:
            for paper, date_line in found:
                occurrences.append(_Occurrence(paper, date_line, len(occurrences)))
        return _merge(occurrences, kb.diagnostics)

    kb.papers = remembered(kb, "papers", (paths, passes), merged)

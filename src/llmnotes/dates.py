"""Dates as people write them in study notes: "2017年6月", "2023年至今", "2024.06", "June 12, 2017".

Two entry points: `parse_date` for a value that should be a date (a front matter
field, a table cell) and `find_dates` for prose. Both return `FuzzyDate` values.

Rules, chosen to keep the timeline free of noise from numbers that only look like years:

* Years are plausible only in 1950–2100, months 1–12, days valid for the month.
* A bare four-digit year ("NAACL 2024", "2048 tokens") is a date only as a whole value
  (`parse_date("2017")`, `parse_date("(2017)")`) or as part of a range ("2014-2016",
  "2023 - present"). `find_dates` never returns a lone bare year; "2017年" is a year.
* A numeric date followed by a clock time ("2024-03-15 12:34:56,789",
  "2024-03-15T12:34") is a log timestamp in prose, not a date. As a whole value it is a
  date-time (front matter "created: 2024-03-15 12:34"), parsed at day precision.
  Chinese dates keep their time: "2024年9月13日 10:00" is a person writing an event.
* Nothing inside a URL or a path is a date, nor numbers glued to digits, letters, dots
  or slashes (versions "1.2024.3", arXiv ids "2305.10250", "120230101", "0.2023").
* English month names count in Title or UPPER case only ("May 2023"): "may"/"march" are verbs.
* Full-width digits and non-ASCII hyphens/dashes are read as their ASCII forms; offsets
  and `raw` always refer to the text as given.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache
from typing import Literal

from llmnotes.model import FuzzyDate

Precision = Literal["year", "month", "day"]

__all__ = ["MAX_YEAR", "MIN_YEAR", "find_dates", "leading_date", "parse_date"]

MIN_YEAR = 1950
MAX_YEAR = 2100

# One character for one character, so offsets in the folded text are offsets in the input.
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # full-width digits
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
        "\uff0d": "-",  # full-width hyphen-minus
        "\uff0e": ".",  # full-width full stop
        "\uff0f": "/",  # full-width solidus
        "\u301c": "~",  # wave dash
    }
)

_D = "[0-9]"
_S = r"[ \t\u00a0\u3000]*"  # spaces inside a date; never a newline
_S1 = r"[ \t\u00a0\u3000]+"
_Y = rf"[12]{_D}{{3}}(?!{_D})"
_M = rf"{_D}{{1,2}}(?!{_D})"

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_WORDS = ("Jan|uary", "Feb|ruary", "Mar|ch", "Apr|il", "May|", "Jun|e", "Jul|y", "Aug|ust",
                "Sep|t|ember", "Oct|ober", "Nov|ember", "Dec|ember")  # fmt: skip


def _month_name() -> str:
    """Month names and abbreviations, Title or UPPER case: lower-case "may"/"march" are verbs."""
    alts = []
    for word in _MONTH_WORDS:
        for w in (word, word.upper()):
            head, *tails = w.split("|")
            rest = "".join(f"(?:{t}" for t in tails if t) + ")?" * sum(1 for t in tails if t)
            alts.append(head + rest)
    return "(?:" + "|".join(alts) + ")"


_MONTH_NAME = _month_name()
_ORD = "(?:st|nd|rd|th)?"


def _forms(p: str) -> str:
    """The single-date forms, with group names prefixed by `p` (start and end of a range)."""
    cjk = (
        rf"(?P<{p}cy>{_Y}){_S}年"
        rf"(?:{_S}(?P<{p}cm>{_M}){_S}月(?:份|{_S}(?P<{p}cd>{_M}){_S}[日号號])?)?"
    )
    eng1 = (  # June 2017, Jun. 12, 2017
        rf"(?<![A-Za-z])(?P<{p}m1>{_MONTH_NAME})(?![A-Za-z])\.?,?{_S1}"
        rf"(?:(?P<{p}d1>{_M}){_ORD},?{_S1})?(?P<{p}y1>{_Y})"
    )
    eng2 = (  # 12 June 2017
        rf"(?P<{p}d2>{_M}){_ORD}{_S1}(?P<{p}m2>{_MONTH_NAME})(?![A-Za-z])\.?,?{_S1}(?P<{p}y2>{_Y})"
    )
    num = (  # 2024-3, 2023-5-21, 2024.06, 2024/9/26: one separator throughout
        rf"(?P<{p}ny>{_Y})(?P<{p}ns>[-./])(?P<{p}nm>{_M})(?:(?P={p}ns)(?P<{p}nd>{_M}))?"
    )
    return f"{cjk}|{eng1}|{eng2}|{num}"


# Not glued to a word, a number, a version or a path: "v2024.1", "1.2024.3", "/2024/03".
_BEFORE = r"(?<![0-9A-Za-z_/\\])(?<![0-9A-Za-z][.\-])(?<![0-9]:)"
# A date ending in a digit must not run on into more digits, a version, a path or a clock time.
_AFTER = rf"(?:(?<=[0-9])(?![0-9A-Za-z_]|[-./:][0-9A-Za-z]|(?:T|{_S1}){_D}{{1,2}}:{_D}{{2}})|(?<![0-9]))"
_OPEN_WORD = r"今天|今|现在|目前|(?i:present|now|today)(?![A-Za-z])"
_RANGE = (
    rf"(?P<range>{_S}(?:(?:-+|[~～到]){_S})?(?P<open1>至今|迄今)"
    rf"|{_S}(?:-+|[~～至到]){_S}(?:(?P<open2>{_OPEN_WORD})"
    rf"|(?P<upto>{_forms('e')}|(?P<emo>{_M}){_S}月|(?P<eby>{_Y}))))"
)
_FIRST = r"(?=[0-9JFMASOND])"  # cheap filter before the alternatives are tried


def _unnamed(pattern: str) -> str:
    """`pattern` without group names, for use inside a lookahead (names must be unique)."""
    return re.sub(r"\(\?P<\w+>", "(?:", re.sub(r"\(\?P=\w+\)", "[-./]", pattern))


# A bare year starts a match only when a range follows, so prose numbers cost no extra search.
_START = rf"(?P<start>{_forms('s')}|(?P<sby>{_Y})(?={_unnamed(_RANGE)}))"

_DATE_RE = re.compile(rf"{_FIRST}{_BEFORE}{_START}{_RANGE}?{_AFTER}")
_SINGLE_RE = re.compile(rf"{_FIRST}{_BEFORE}{_START}{_AFTER}")

_NEEDS_FOLD = re.compile("[\uff10-\uff19\u2010-\u2015\u2212\uff0d\uff0e\uff0f\u301c]")
_YEAR_HINT = re.compile(r"[12１２][0-9０-９]{3}")  # every date has a four-digit year
_BARE_YEAR = re.compile(_Y)
_DATETIME = re.compile(
    rf"(?P<y>{_Y})(?P<s>[-./])(?P<m>{_M})(?P=s)(?P<d>{_M})(?:T|{_S1})"
    rf"(?:[01]?{_D}|2[0-3]):[0-5]{_D}(?::[0-5]{_D}(?:[.,]{_D}+)?)?(?:{_S}(?:Z|[+-]{_D}{{2}}:?{_D}{{2}}))?"
)


_TWO_DIGITS = [f"{i:02d}" for i in range(32)]  # a month or day as ISO writes it (no format spec parsed)


def _iso(y: str, m: str | int | None = None, d: str | None = None) -> str | None:
    """Zero-padded "YYYY[-MM[-DD]]", or None when the parts are not a plausible date."""
    year = int(y)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if m is None:
        return str(year)  # four digits: MIN_YEAR has four
    month = int(m)
    if not 1 <= month <= 12:
        return None
    if d is None:
        return f"{year}-{_TWO_DIGITS[month]}"
    day = int(d)
    if not 1 <= day <= (29 if month == 2 and calendar.isleap(year) else calendar.mdays[month]):
        return None
    return f"{year}-{_TWO_DIGITS[month]}-{_TWO_DIGITS[day]}"


# Group names of each form, in `_forms` order: year, month, day, month given as a name.
_FORM_GROUPS = (
    ("cy", "cm", "cd", False),
    ("y1", "m1", "d1", True),
    ("y2", "m2", "d2", True),
    ("ny", "nm", "nd", False),
    ("by", None, None, False),
)
_Slots = tuple[tuple[int, int, int, bool], ...]


def _slots(pattern: re.Pattern[str], p: str) -> _Slots:
    """Indexes into `match.groups()` for the forms of prefix `p`: reading a tuple beats named lookups."""
    gi = pattern.groupindex
    return tuple(
        (gi[p + y] - 1, gi[p + mo] - 1 if mo else -1, gi[p + d] - 1 if d else -1, named)
        for y, mo, d, named in _FORM_GROUPS
    )


_DATE_START = _slots(_DATE_RE, "s")
_DATE_END = _slots(_DATE_RE, "e")
_SINGLE_START = _slots(_SINGLE_RE, "s")
_RANGE_I, _OPEN1_I, _OPEN2_I, _EMO_I = (
    _DATE_RE.groupindex[n] - 1 for n in ("range", "open1", "open2", "emo")
)


def _point(gs: tuple[str | None, ...], slots: _Slots) -> str | None:
    """The date one set of groups spells, validated; a bare year counts."""
    for yi, mi, di, named in slots:
        y = gs[yi]
        if y:
            mo: str | int | None = gs[mi] if mi >= 0 else None
            if named and mo:
                mo = _MONTHS[mo[:3].lower()]
            return _iso(y, mo, gs[di] if di >= 0 else None)
    return None


def _precision(iso: str) -> Precision:
    if len(iso) == 4:
        return "year"
    return "month" if len(iso) == 7 else "day"


@lru_cache(maxsize=4096)
def _fuzzy(start: str, end: str | None, raw: str) -> FuzzyDate:
    """The date found, shared by every mention spelt the same: a vault repeats its dates, and
    a frozen dataclass costs more to make than to look up."""
    return FuzzyDate(start, end, _precision(start), raw)


def _end(gs: tuple[str | None, ...], start: str) -> str | None:
    """The end of a matched range: "present", a date not before `start`, or None if invalid."""
    if gs[_OPEN1_I] or gs[_OPEN2_I]:
        return "present"
    emo = gs[_EMO_I]
    end = _iso(start[:4], emo) if emo else _point(gs, _DATE_END)  # 2023年3月-5月: start's year
    if end is None:
        return None
    n = min(len(start), len(end))
    return end if end[:n] >= start[:n] else None


def _from_match(m: re.Match[str], original: str, ranged: bool) -> tuple[int, int, FuzzyDate] | None:
    """Validate a match of `_DATE_RE` (`ranged`) or `_SINGLE_RE`; lone bare years are refused."""
    gs = m.groups()
    start = _point(gs, _DATE_START if ranged else _SINGLE_START)
    if start is None:
        return None
    end = None
    if ranged and gs[_RANGE_I]:
        end = _end(gs, start)
        if end is None:
            return None
    elif m.group("sby"):
        return None
    a, b = m.span()
    return a, b, _fuzzy(start, end, original[a:b])


_URL_STOPS = frozenset("<>\"'`()[]{}|")
_URL_START = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://|www\.|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?::[0-9]+)?/"
)


def _in_url(text: str, at: int) -> bool:
    """Whether position `at` is inside a URL or a domain path ("arxiv.org/abs/..."), by its token."""
    i = at
    while i > 0:
        c = text[i - 1]
        if c >= "\u3000" or c in _URL_STOPS or c.isspace():  # CJK and full-width end a URL
            break
        i -= 1
    return i < at and _URL_START.search(text, i, at) is not None


def _scan(original: str, folded: str) -> list[tuple[int, int, FuzzyDate]]:
    found: list[tuple[int, int, FuzzyDate]] = []
    pos = 0
    while True:
        m = _DATE_RE.search(folded, pos)
        if m is None:
            return found
        hit = None
        if not _in_url(folded, m.start()):
            hit = _from_match(m, original, ranged=True)
            if hit is None and m.group("range"):
                # The range is not valid ("2023年-2016年"); the start may still be a date.
                single = _SINGLE_RE.match(folded, m.start())
                hit = _from_match(single, original, ranged=False) if single else None
        if hit is None:
            pos = m.start() + 1
            continue
        found.append(hit)
        pos = hit[1]


@lru_cache(maxsize=64)
def _at_start(original: str, folded: str) -> tuple[int, int, FuzzyDate] | None:
    """`_scan(original, folded)[0]` if that date starts at offset 0, else None.

    A match at offset 0 is the one `_scan` tries first; when it is not valid, every later
    hit starts further on. So one anchored match answers without scanning the rest.
    Remembered for the last few texts: a value that is not a whole date is often asked
    next whether it starts with one (`parse_date`, then `leading_date`).
    """
    m = _DATE_RE.match(folded)
    if m is None:
        return None
    hit = _from_match(m, original, ranged=True)
    if hit is None and m.group("range"):
        single = _SINGLE_RE.match(folded)
        hit = _from_match(single, original, ranged=False) if single else None
    return hit


# What a date's first character can be (`_FIRST`, before folding full-width digits).
_FIRST_CHARS = frozenset("0123456789JFMASOND\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19")


def leading_date(text: str) -> tuple[int, int, FuzzyDate] | None:
    """The first date of `find_dates(text)` when it starts `text` (offset 0), else None.

    Cheap for the common case, a line of prose: only its first character is looked at.
    """
    if not text or text[0] not in _FIRST_CHARS or not _YEAR_HINT.search(text):
        return None
    return _at_start(text, text.translate(_FOLD) if _NEEDS_FOLD.search(text) else text)


def find_dates(text: str) -> list[tuple[int, int, FuzzyDate]]:
    """Every date mention in a line or paragraph: (start, end, date), offsets into `text`.

    Callers mask code first; URLs are skipped here. Lone bare years are not returned
    (see the module docstring): in prose they are far more often counts or venues.
    """
    if not _YEAR_HINT.search(text):
        return []
    return _scan(text, text.translate(_FOLD) if _NEEDS_FOLD.search(text) else text)


def parse_date(text: str) -> FuzzyDate | None:
    """`text` as a date if it is one and nothing else, after stripping spaces and one pair of parentheses.

    `raw` is the stripped text. A bare year ("2017", "(2017)") is a year here, and an
    ISO date-time ("2024-03-15 12:34:56") is its day.
    """
    s = text.strip()
    if len(s) >= 2 and s[0] in "(（" and s[-1] in ")）":
        s = s[1:-1].strip()
    if not _YEAR_HINT.search(s):
        return None
    folded = s.translate(_FOLD) if _NEEDS_FOLD.search(s) else s
    if _BARE_YEAR.fullmatch(folded):
        iso = _iso(folded)
        return FuzzyDate(iso, None, "year", s) if iso else None
    dt = _DATETIME.fullmatch(folded)
    if dt:
        iso = _iso(dt.group("y"), dt.group("m"), dt.group("d"))
        return FuzzyDate(iso, None, "day", s) if iso else None
    # The whole value is one date: the date at offset 0 ends where the value ends.
    hit = _at_start(s, folded) if folded[:1] in _FIRST_CHARS else None
    if hit is not None and hit[1] == len(s):
        return hit[2]
    return None

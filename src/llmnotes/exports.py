"""Exports of the knowledge base: JSON (everything), BibTeX and CSL-JSON (the papers).

`llmnotes export --format json|bibtex|csl` prints them; the MkDocs plugin writes them
into every site as `entries.json`, `papers.bib` and `papers.csl.json`. The JSON schema
is documented in the README ("Exports"); `SCHEMA_VERSION` changes when a field's
meaning does. Nothing here knows about MkDocs.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .arxiv import abs_url
from .model import FuzzyDate, Note, Paper
from .urls import page_url

if TYPE_CHECKING:
    from .cache import Fingerprints
    from .kb import KnowledgeBase

SCHEMA_VERSION = 1
FORMATS = ("json", "bibtex", "csl")
# File names of the exports in a built site, by format.
SITE_FILES = {"json": "entries.json", "bibtex": "papers.bib", "csl": "papers.csl.json"}


def render(kb: KnowledgeBase, fmt: str, use_directory_urls: bool = True, compact: bool = False) -> str:
    """The export of `kb` in `fmt` as text (ends with a newline); note URLs as the site writes them.

    `compact`: JSON without indentation, as a site ships it. Indented JSON is for a person
    reading the CLI's output; it is a third bigger and, being written by Python's pure-Python
    encoder, about ten times slower to produce (1 s for a 2,000-note vault).
    """
    if fmt == "json" and compact:
        return encoded(kb, fmt, use_directory_urls).decode("utf-8")
    if fmt == "bibtex":
        return to_bibtex(kb.papers)
    if fmt in ("json", "csl"):
        data = to_json_data(kb, use_directory_urls) if fmt == "json" else to_csl(kb.papers)
        return (_compact(data) if compact else json.dumps(data, ensure_ascii=False, indent=1)) + "\n"
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def encoded(kb: KnowledgeBase, fmt: str, use_directory_urls: bool = True,
            part: Callable[[str, Callable[[], bytes]], bytes] | None = None,
            kept_notes: tuple[dict[Any, bytes], dict[Any, bytes]] | None = None) -> bytes:
    """`render(..., compact=True)` as UTF-8, as a site ships it.

    `part(name, make)`: the JSON export is written a top-level field at a time, each field's
    UTF-8 from `part` (`make()` unless the caller kept it; `serve` keeps each under `key`),
    and joined as bytes: a retitle then writes the note list again, not the 5 MB of every
    entry, and copies the rest once.

    `kept_notes`: (the last build's, this build's) UTF-8 of each entry of the note list, by
    what it holds (`serve`, Memo.table): a retitle writes out one note's entry, not 2,000.
    """
    if fmt != "json":
        return render(kb, fmt, use_directory_urls, compact=True).encode("utf-8")
    make = part or (lambda name, make_field: make_field())
    fields: dict[str, Callable[[], bytes]] = {
        name: lambda field=field: _compact(field()).encode("utf-8")
        for name, field in _json_fields(kb, use_directory_urls).items()}
    if kept_notes is not None:
        fields["notes"] = lambda: _note_list(kb, use_directory_urls, kept_notes)
    # What json.dumps writes of a dict with compact separators, a field at a time.
    pieces: list[bytes] = []
    for name, field_bytes in fields.items():
        pieces += [b",", _compact(name).encode("utf-8"), b":", make(name, field_bytes)]
    pieces[0] = b"{"
    pieces.append(b"}\n")
    return b"".join(pieces)


def _note_list(kb: KnowledgeBase, use_directory_urls: bool, kept: tuple[dict[Any, bytes], dict[Any, bytes]]) -> bytes:
    """The "notes" field as json.dumps writes it, an entry at a time, each kept by what it holds."""
    last, now = kept
    entries = []
    for n in kb.notes.values():
        tags = kb.note_tags.get(n.path, [])
        key = (n.path, n.title, n.page_path, tuple(tags))
        made = last.get(key)
        if made is None:
            made = _compact(_note_entry(n, tags, use_directory_urls)).encode("utf-8")
        now[key] = made
        entries.append(made)
    return b"[" + b",".join(entries) + b"]"


def _note_entry(n: Note, tags: list[str], use_directory_urls: bool) -> dict[str, Any]:
    return {"path": n.path, "title": n.title, "url": page_url(n.page_path, use_directory_urls), "tags": tags}


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def key(fingerprints: Fingerprints, fmt: str, part: str | None = None) -> list[str]:
    """Digests of every part of the knowledge base `render(kb, fmt, ...)` reads (for cache.Memo);
    with `part`, of what that top-level field of the JSON export reads."""
    fp = fingerprints
    if fmt == "json":
        reads = _JSON_READS.values() if part is None else [_JSON_READS[part]]
        names = dict.fromkeys(name for read in reads for name in read)  # each once, in order
        return [fmt, part or "", *(fp.names() if name == "names" else fp.part(name) for name in names)]
    return [fmt, fp.part("papers")]


# --------------------------------------------------------------------------- JSON


def _date(d: FuzzyDate | None) -> str | None:
    return d.start if d else None


def to_json_data(kb: KnowledgeBase, use_directory_urls: bool = True) -> dict[str, Any]:
    """Every entry of the knowledge base as plain data, each with the note (and line) it came from."""
    return {name: make() for name, make in _json_fields(kb, use_directory_urls).items()}


# What each top-level field of the JSON export reads of the knowledge base (`key`):
# "names" are the notes' paths, pages and titles (Fingerprints.names), the rest parts of `kb`.
_JSON_READS = {"version": (), "notes": ("names", "note_tags"), "events": ("events",), "papers": ("papers",),
               "links": ("links",), "tables": ("tables",), "tags": ("tags",), "wikilinks": ("wikilinks",)}


def _json_fields(kb: KnowledgeBase, use_directory_urls: bool) -> dict[str, Callable[[], Any]]:
    """The JSON export's top-level fields, in order, each as what makes its value."""
    def papers() -> list[dict[str, Any]]:
        return [{"key": key, "title": p.title, "arxiv": p.arxiv, "date": _date(p.date),
                 "arxiv_date": p.arxiv_date, "date_mismatch": p.date_mismatch, "venue": p.venue,
                 "code": p.code, "urls": p.urls, "summary": p.summary, "notes": p.notes,
                 "line": p.source.line, "inferred": p.inferred}
                for key, p in zip(bib_keys(kb.papers), kb.papers)]

    return {
        "version": lambda: SCHEMA_VERSION,
        "notes": lambda: [_note_entry(n, kb.note_tags.get(n.path, []), use_directory_urls)
                          for n in kb.notes.values()],
        "events": lambda: [{"date": e.date.start, "end": e.date.end, "precision": e.date.precision,
                            "text": e.text, "note": e.source.note, "line": e.source.line, "inferred": e.inferred}
                           for e in kb.events],
        "papers": papers,
        "links": lambda: _links(kb),
        "tables": lambda: [{"note": t.source.note, "line": t.source.line, "header": t.header, "rows": t.rows}
                           for t in kb.tables],
        "tags": lambda: {tag: paths for tag, paths in kb.tags.items()},
        "wikilinks": lambda: [{"source": w.source.note, "target": w.target, "resolved": w.resolved,
                               "line": w.source.line} for w in kb.wikilinks],
    }


def _links(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """One entry per URL, with the first non-empty text and every note that links to it."""
    by_url: dict[str, dict[str, Any]] = {}
    for link in kb.links:
        entry = by_url.setdefault(link.url, {"url": link.url, "text": "", "notes": []})
        if not entry["text"] and link.text:
            entry["text"] = link.text
        if link.source.note not in entry["notes"]:
            entry["notes"].append(link.source.note)
    return list(by_url.values())


# --------------------------------------------------------------------------- BibTeX

_BIB_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_BIB_RE = re.compile(r"[\\{}&%$#_~^]")
_STOPWORDS = {"a", "an", "the", "on", "of", "for", "in", "and", "to", "with", "towards", "toward"}


def bib_escape(text: str) -> str:
    """Text for a BibTeX field: special characters escaped, so braces always balance."""
    return _BIB_RE.sub(lambda m: _BIB_SPECIAL[m.group(0)], " ".join(text.split()))


def _bib_url(url: str) -> str:
    """A URL inside braces: characters that would unbalance or escape them are percent-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def _key_base(p: Paper) -> str:
    """`memorybank2023`: first significant ASCII word of the title + year; the arXiv id without a title."""
    ascii_title = unicodedata.normalize("NFKD", p.title or "").encode("ascii", "ignore").decode()
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", ascii_title)]
    word = next((w for w in words if w not in _STOPWORDS), words[0] if words else "")
    date = p.date.start if p.date else p.arxiv_date
    year = date[:4] if date else ""
    if not word:
        word = "arxiv" + re.sub(r"[^0-9]", "", p.arxiv) if p.arxiv else "paper"
        if p.arxiv:
            return word
    return f"{word}{year}"


def bib_keys(papers: list[Paper]) -> list[str]:
    """Unique citation keys, stable for the same notes: collisions get a, b, c… in index order."""
    bases = [_key_base(p) for p in papers]
    counts: dict[str, int] = {}
    for b in bases:
        counts[b] = counts.get(b, 0) + 1
    used: set[str] = set()
    keys: list[str] = []
    seen: dict[str, int] = {}
    for b in bases:
        if counts[b] == 1:
            key = b
        else:
            n = seen.get(b, 0)
            key = b + _suffix(n)
            while key in used:
                n += 1
                key = b + _suffix(n)
            seen[b] = n + 1
        used.add(key)
        keys.append(key)
    return keys


def _suffix(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(97 + r) + s
    return s


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def to_bibtex(papers: list[Paper]) -> str:
    """One @misc entry per paper; arXiv papers carry eprint and archivePrefix."""
    out: list[str] = []
    for key, p in zip(bib_keys(papers), papers):
        fields: list[tuple[str, str]] = []
        if p.title:
            fields.append(("title", "{" + bib_escape(p.title) + "}"))
        date = p.date.start if p.date else p.arxiv_date
        if date:
            fields.append(("year", date[:4]))
            if len(date) >= 7:
                fields.append(("month", _MONTHS[int(date[5:7]) - 1]))
        if p.venue:
            fields.append(("howpublished", bib_escape(p.venue)))
        if p.arxiv:
            fields += [("eprint", bib_escape(p.arxiv)), ("archivePrefix", "arXiv")]
            if "/" in p.arxiv:
                fields.append(("primaryClass", bib_escape(p.arxiv.split("/")[0])))
        url = abs_url(p.arxiv) if p.arxiv else (p.urls[0] if p.urls else None)
        if url:
            fields.append(("url", _bib_url(url)))
        if p.code:
            fields.append(("note", "Code: \\url{" + _bib_url(p.code[0]) + "}"))
        body = ",\n".join(f"  {name} = {value if name in ('month',) else '{' + value + '}'}"
                          for name, value in fields)
        out.append(f"@misc{{{key},\n{body}\n}}\n")
    return "\n".join(out)


# --------------------------------------------------------------------------- CSL-JSON


def _date_parts(date: str | None) -> dict[str, Any] | None:
    if not date:
        return None
    return {"date-parts": [[int(x) for x in date.split("-")]]}


def to_csl(papers: list[Paper]) -> list[dict[str, Any]]:
    """CSL-JSON items (what Zotero, Pandoc and citeproc read)."""
    items: list[dict[str, Any]] = []
    for key, p in zip(bib_keys(papers), papers):
        item: dict[str, Any] = {"id": key, "type": "article"}
        if p.title:
            item["title"] = p.title
        issued = _date_parts(p.date.start if p.date else p.arxiv_date)
        if issued:
            item["issued"] = issued
        url = abs_url(p.arxiv) if p.arxiv else (p.urls[0] if p.urls else None)
        if url:
            item["URL"] = url
        if p.venue:
            item["container-title"] = p.venue
        if p.arxiv:
            item["number"] = f"arXiv:{p.arxiv}"
            item["publisher"] = "arXiv"
        items.append(item)
    return items

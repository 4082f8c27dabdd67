"""The paper index `/papers/`: one row per paper, sortable and filterable, readable without JavaScript.

Rows are rendered newest first (undated last); `assets/papers.js` adds sorting by any
column and the text and tag filters on top of the same table. The page links the
site's exports (entries.json, papers.bib, papers.csl.json) when the plugin writes them.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from ..arxiv import abs_url
from ..exports import SITE_FILES, bib_keys
from ..model import Paper
from ..urls import relative_url
from . import GeneratedPage, PageContext

if TYPE_CHECKING:
    from ..kb import KnowledgeBase

PAGE = "papers.md"


def _sort_date(p: Paper) -> str:
    return p.date.start if p.date else (p.arxiv_date or "")


def _rows(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Each paper's row without its citing notes, newest first (undated last). Reads the papers
    and their notes' tags alone: kept across serve rebuilds while those are the same."""
    rows = []
    for p, key in zip(kb.papers, bib_keys(kb.papers)):
        tags: list[str] = []
        for n in p.notes:
            for t in kb.note_tags.get(n, []):
                if t not in tags:
                    tags.append(t)
        links = [abs_url(p.arxiv)] if p.arxiv else []
        links += [u for u in p.urls if u not in links and not u.startswith(tuple(links))][: 3 - len(links)]
        row = {"paper": p, "key": key, "title": p.title or (f"arXiv:{p.arxiv}" if p.arxiv else "?"),
               "date": _sort_date(p), "tags": tags, "links": links, "line": p.source.line,
               "source_note": p.source.note}
        # What papers_row.html reads of the row and its paper (`row_key`, in `build`, adds the citing notes).
        row["shown"] = (key, row["title"], row["date"], tuple(tags), tuple(links), p.inferred, p.arxiv,
                        tuple(p.summary[:2]), (p.date.raw, p.date.start) if p.date else None,
                        p.arxiv_date, p.date_mismatch, p.venue, tuple(p.code))
        rows.append(row)
    dated = sorted((r for r in rows if r["date"]), key=lambda r: r["date"], reverse=True)
    return dated + [r for r in rows if not r["date"]]




def _arranged(kb: KnowledgeBase) -> tuple[list[dict[str, Any]], list[str], int, bool]:
    """The rows, and what the page shows of the papers as a whole: every tag, how many dates
    disagree with arXiv's, whether any paper was inferred."""
    rows = _rows(kb)
    tags = sorted({t for r in rows for t in r["tags"]}, key=str.casefold)
    return rows, tags, sum(p.date_mismatch for p in kb.papers), any(r["paper"].inferred for r in rows)


def key(ctx: PageContext) -> list[str]:
    """What `build` and papers.html read: the papers, the tags of their notes, note titles and pages."""
    return [ctx.fingerprints.names(), ctx.fingerprints.part("papers"), ctx.fingerprints.part("note_tags")]


def build(ctx: PageContext) -> list[GeneratedPage]:
    kb, L = ctx.kb, ctx.labels
    # The rows as the papers give them, the same objects across serve rebuilds while the papers
    # and their notes' tags are; each row's citing notes are added as it is rendered (`view`).
    rows, tags, mismatches, inferred = ctx.derived("papers", ["papers", "note_tags"], lambda: _arranged(kb))

    def notes(r: dict[str, Any]) -> list[Any]:
        return [kb.notes[n] for n in r["paper"].notes if n in kb.notes]

    def row_key(r: dict[str, Any]) -> tuple:
        """Everything papers_row.html reads of a row: the row's fields, the paper's, and each
        citing note's title and page (its link)."""
        return r["shown"], tuple((n.path, n.title, n.page_path) for n in notes(r))

    exports = []
    if ctx.options.get("exports", True) is not False:
        here = ctx.url(PAGE)
        exports = [(name, relative_url(here, name)) for name in SITE_FILES.values()]
    # Each row kept across serve rebuilds while what it shows is the same (`row_key`); one whose
    # citing notes kept their names is taken by its place, its key unmade (KeptItems.many).
    row = ctx.items("papers_row.html", "row", PAGE, row_key, view=lambda r: dict(r, notes=notes(r)))
    unchanged = ctx.unchanged_notes()
    # What papers.html reads besides the rows' items.
    frame = (len(rows), tuple(tags), tuple(exports), mismatches, inferred)
    body = partial(ctx.segmented, "papers.html", PAGE, frame, rows, "row", row, rows=rows, tags=tags,
                   exports=exports, mismatches=mismatches,
                   unchanged=None if unchanged is None else lambda r: unchanged(r["paper"].notes))
    return [GeneratedPage(PAGE, L["papers"], body)]

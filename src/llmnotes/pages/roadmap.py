"""The roadmap page: concept trees, study plans and learning steps of every roadmap note.

Trees are nested <ul> inside <details>, so a branch folds without any script;
roadmap.js adds the filter and fold-all buttons. Each note's section is left out of
search (its note is found for the words) and bracketed for search.without_excluded.
Every node links to the note of its name, else to the concept page of its name.
Plan cells are note Markdown: we escape them and turn only their links into <a>.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup, escape

from ..extract.roadmap import progress, walk
from ..model import RoadmapNode
from ..wikilinks import MDLINK, WIKILINK, nearest
from . import GeneratedPage, PageContext, Segments

PAGE = "roadmap.md"
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


class _Links:
    """Where a name or a link written in a note leads, as an href from the roadmap page."""

    def __init__(self, ctx: PageContext, page: str):
        self.ctx, self.page = ctx, page
        self.resolver = ctx.kb.resolver  # the one its links were resolved with (kept across rebuilds)
        self.concepts = ctx.options.get("concepts", True) is not False

    def note(self, path: str) -> str:
        return self.ctx.href(self.page, self.ctx.kb.notes[path].page_path)

    def concept(self, name: str) -> str | None:
        concept = self.ctx.kb.concept_for(name) if self.concepts and name else None
        return self.ctx.href(self.page, concept.page_path) if concept else None

    def node(self, node: RoadmapNode) -> str | None:
        if not node.target:
            return None
        if node.target in self.ctx.kb.notes:
            return self.note(node.target)
        return self.concept(node.target)

    def name(self, name: str, from_note: str) -> str | None:
        found = self.resolver.candidates(name)
        return self.note(nearest(found, from_note)) if found else self.concept(name)

    def cell(self, md: str, from_note: str) -> Markup:
        """Escaped cell text with its wiki-links, Markdown links and <br> made real."""
        spans: list[tuple[int, int, Markup]] = []
        for m in WIKILINK.finditer(md):
            target, _, label = m.group(2).partition("|")
            name = target.split("#")[0].strip()
            href = self.name(name, from_note)
            text = escape(label.strip() or target.strip())
            spans.append((m.start(), m.end(), Markup(f'<a href="{escape(href)}">{text}</a>') if href else text))
        for m in MDLINK.finditer(md):
            url, text = m.group(3).strip("<>"), escape(m.group(2))
            if m.group(1):
                spans.append((m.start(), m.end(), text))
                continue
            href = url if url.lower().startswith(("http://", "https://")) else self._local(url, from_note)
            spans.append((m.start(), m.end(), Markup(f'<a href="{escape(href)}">{text}</a>') if href else text))
        for m in _BR.finditer(md):
            spans.append((m.start(), m.end(), Markup("<br>")))
        out, pos = Markup(""), 0
        for start, end, html in sorted(spans, key=lambda s: s[0]):
            if start < pos:
                continue  # a link inside a link: the outer one won
            out += escape(md[pos:start]) + html
            pos = end
        return out + escape(md[pos:])

    def _local(self, url: str, from_note: str) -> str | None:
        path = unquote(url.split("#")[0])
        hit = self.resolver.resolve_path(path, from_note)
        if hit:
            return self.note(hit)
        return self.name(posixpath.splitext(posixpath.basename(path))[0], from_note)


def key(ctx: PageContext) -> list[str]:
    """What `build` and roadmap.html read: the roadmap nodes; note titles, names and pages,
    concept pages (`Fingerprints.names`)."""
    return [ctx.fingerprints.names(), ctx.fingerprints.part("roadmap")]


def build(ctx: PageContext) -> list[GeneratedPage]:
    kb = ctx.kb
    if not kb.roadmap:
        return []

    def body() -> str | Segments:
        # What the nodes alone give each note's section, then the sections in the page's order (by
        # note title): both the same objects across serve rebuilds while the nodes and the order are.
        by_note = ctx.derived("roadmap", ["roadmap"], lambda: _sections(kb.roadmap))
        order = tuple(sorted(by_note, key=lambda p: (kb.notes[p].title.casefold(), p)))
        sections = ctx.derived("roadmap order", ["roadmap"], lambda: [
            dict(by_note[path], index=i, path=path) for i, path in enumerate(order, 1)], also=order)
        links = _Links(ctx, PAGE)
        parts = {"node_href": links.node, "cell": links.cell, "progress": progress}
        # Each note's section kept across serve rebuilds while what it shows is the same: a retitle
        # renders the sections that show the title, not the 600 of a large vault.
        section = ctx.items("roadmap_section.html", "section", PAGE, section_key(ctx, links),
                            view=lambda s: dict(s, note=kb.notes[s["path"]]), **parts)
        return ctx.segmented("roadmap.html", PAGE, (), sections, "section", section,
                             unchanged=unchanged_sections(ctx), sections=sections, **parts)

    return [GeneratedPage(PAGE, ctx.labels["roadmap"], body)]


def _sections(roadmap: list[RoadmapNode]) -> dict[str, dict[str, Any]]:
    """Each roadmap note's section as its nodes give it: its trees, plans and steps, its progress,
    and what `section_key` and `unchanged_sections` read of its nodes (their repr, the names they
    link to, whether a plan cell holds a link)."""
    by_note: dict[str, dict[str, list[RoadmapNode]]] = defaultdict(lambda: {"tree": [], "plan": [], "steps": []})
    for node in roadmap:
        by_note[node.source.note][node.kind].append(node)
    sections = {}
    for path, parts in by_note.items():
        done = total = 0
        for node in [*parts["tree"], *parts["steps"], *parts["plan"]]:
            d, t = progress(node)
            done, total = done + d, total + t
        nodes = [*parts["tree"], *parts["plan"], *parts["steps"]]
        linked = any("[" in cell for plan in parts["plan"] for row in (plan, *plan.children) for cell in row.cells)
        sections[path] = {"trees": parts["tree"], "plans": parts["plan"], "steps": parts["steps"], "done": done,
                          "total": total, "nodes": repr(nodes), "linked": linked,
                          "targets": tuple(dict.fromkeys(n.target for n in walk(nodes) if n.target))}
    return sections


def section_key(ctx: PageContext, links: _Links) -> Callable[[dict[str, Any]], tuple]:
    """What the `section` macro of roadmap_section.html reads of one note's section besides labels
    and templates: its place, the note's title and page, its nodes, where each node links, and,
    for plan cells holding a link, the names links resolve to (`Fingerprints.names`)."""
    kb = ctx.kb

    def key(section: dict[str, Any]) -> tuple:
        note = kb.notes[section["path"]]
        nodes = [*section["trees"], *section["plans"], *section["steps"]]
        return (section["index"], note.path, note.title, note.page_path, section["nodes"],
                tuple(links.node(n) for n in walk(nodes)), ctx.fingerprints.names() if section["linked"] else "")

    return key


def unchanged_sections(ctx: PageContext) -> Callable[[dict[str, Any]], bool] | None:
    """Whether what `section_key` reads of a section besides the section itself is as at the last
    build (KeptItems.many): its note's and its nodes' notes' names; for a node naming no note (a
    concept's page) or a plan cell holding a link, every name. None when that cannot be told."""
    unchanged = ctx.unchanged_notes()
    if unchanged is None:
        return None
    notes = ctx.kb.notes
    if ctx.fingerprints.same_names_as_last():
        return lambda s: unchanged((s["path"], *s["targets"]))
    return lambda s: (not s["linked"] and all(t in notes for t in s["targets"])
                      and unchanged((s["path"], *s["targets"])))

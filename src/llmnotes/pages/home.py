"""The home page, when the notes have no index.md of their own."""

from __future__ import annotations

from . import EMITTERS, GeneratedPage, PageContext

# Generated sections the home page points to, with the page each emitter writes.
SECTIONS = [("timeline", "timeline.md"), ("papers", "papers.md"), ("roadmap", "roadmap.md"),
            ("links", "links.md"), ("tags", "tags/index.md")]


def build(ctx: PageContext) -> list[GeneratedPage]:
    kb = ctx.kb
    if "index.md" in ctx.taken or "README.md" in ctx.taken:
        return []
    counts = {
        "notes": len(kb.notes), "events": len(kb.events), "papers": len(kb.papers),
        "links": len(kb.links), "tags": len(kb.tags), "tables": len(kb.tables),
    }
    sections = [(name, path) for name, path in SECTIONS
                if name in EMITTERS and ctx.options.get(name, True) is not False
                and (name != "tags" or kb.tags)]
    recent = sorted(kb.notes.values(), key=lambda n: (-n.mtime, n.path))[:10]
    body = ctx.later("home.html", "index.md", counts=counts, sections=sections, recent=recent)
    return [GeneratedPage("index.md", ctx.options.get("site_name") or ctx.labels["home"], body)]

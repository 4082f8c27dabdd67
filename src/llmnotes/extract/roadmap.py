"""Roadmaps: concept trees, study plans and ordered learning steps.

A note is a roadmap when it is tagged `#Roadmap` (also 路线图 / 学习路线, also inside a
heading, where flattened notes put their tags) or says `roadmap: true` in its front
matter. From such a note we read
- the concept tree: tree text (`├─`/`└─` lines, in or out of code blocks) and nested or
  task lists;
- the study plan: tables whose header names weeks, 周次 or stages;
- ordered learning steps: numbered lists.
A fenced ```` ```roadmap ```` block, in any note, is explicit and wins: a note holding
one contributes only its blocks.

Tree text whose indentation was lost (a flattened note, repaired line by line) is read
by the branch markers alone; see `parse_tree_text`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..model import Note, RoadmapNode, Source
from ..wikilinks import MDLINK, WIKILINK, nearest
from . import per_note, remembered
from .tables import find_html_tables, find_pipe_tables

if TYPE_CHECKING:
    from ..kb import KnowledgeBase

ROADMAP_TAGS = ("roadmap", "路线图", "学习路线")
ROADMAP_TAG = re.compile(r"(?:^|(?<=[\s(（]))#(?:roadmap|路线图|学习路线)(?:/[\w\-/]*)?(?![\w\-])", re.IGNORECASE | re.MULTILINE)
_ROADMAP_WORD = re.compile("roadmap", re.IGNORECASE)  # as `"roadmap" in text.lower()`, without a lowered copy
EXPLICIT = re.compile(r"^ {0,3}(?:`{3,}|~{3,})\s*roadmap\b", re.IGNORECASE | re.MULTILINE)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)")
# A branch: bars/spaces, then a marker (box drawing or ASCII), then the node text.
BRANCH = re.compile(r"^(?P<prefix>[ \t│┃|]*?)(?P<marker>[├┣]━*─*|[└┗]━*─*|\|--+|`--+|\+--+)\s*(?P<text>.*)$")
FLAT_PREFIX = re.compile(r"^(?:[│┃|] ?)*$")
LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>[-*+]|\d{1,3}[.)])[ \t]+(?:\[(?P<task>[ xX])\][ \t]+)?(?P<text>.*)$")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")
_HEADINGS = re.compile(HEADING.pattern, re.MULTILINE)  # every heading line of a text, in one search
_BRANCH_MARKS = "├┣└┗"  # or "--" (`|--`, `` `-- ``, `+--`): every BRANCH marker holds one of them
DESCRIPTION = re.compile(r"\s*(?:——|—|–|--)\s*|\s+-\s+")
PARENS = re.compile(r"\s*[（(][^()（）]*[)）]\s*")
PLAN_HEADER = re.compile(r"^(?:weeks?|stages?|phases?|周|周次|第几周|阶段|学习阶段)(?:\s*[#/(（].*)?$", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+|\s#\S+\s")  # sentence ends, or a tag between
_EMPHASIS = re.compile(r"\*\*|__|`|~~")
DONE_MARK = re.compile(r"\[[xX]\](?!\()|✅|☑|✔")
OPEN_MARK = re.compile(r"\[ \]|⬜|☐")


def is_roadmap(note: Note, tags: list[str], masked: str) -> bool:
    flag = note.meta.get("roadmap")
    if flag is True or (isinstance(flag, str) and flag.strip().lower() in ("true", "yes", "1")):
        return True
    if any(t.casefold().split("/")[0] in ROADMAP_TAGS for t in [*note.tags, *tags]):
        return True
    return bool(ROADMAP_TAG.search(masked))


# ---------------------------------------------------------------------- node text


def plain(md: str) -> str:
    """Markdown of a node → the words a reader sees: [[a|b]] → b, [t](u) → t, no emphasis marks."""
    text = md
    if "[" in text:
        text = WIKILINK.sub(lambda m: (m.group(2).split("|", 1)[-1]).split("#")[0], text)
        text = MDLINK.sub(lambda m: m.group(2), text)
    if "*" in text or "_" in text or "`" in text or "~" in text:
        text = _EMPHASIS.sub("", text)
    return " ".join(text.split())


def split_title(text: str) -> tuple[str, str]:
    """`反向传播 —— 让网络可训练` → (`反向传播`, `让网络可训练`)."""
    m = DESCRIPTION.search(text)
    if m and m.start() > 0 and text[m.end():].strip():
        return text[:m.start()].strip(), text[m.end():].strip()
    return text.strip(), ""


def make_node(md: str, source: Source, kind: str = "tree", done: bool | None = None) -> RoadmapNode:
    title, description = split_title(plain(md))
    node = RoadmapNode(title=title or md.strip(), source=source, done=done, kind=kind,  # type: ignore[arg-type]
                       description=description)
    link = WIKILINK.search(md)
    if link and plain(link.group(0)) == node.title:  # a node written as a wiki-link goes where it points
        node.target = "[[" + link.group(2).split("|")[0].split("#")[0].strip() + "]]"
    return node


# ---------------------------------------------------------------------- tree text


def parse_tree_text(lines: list[tuple[Source, str]]) -> list[RoadmapNode]:
    """Tree text (`├─ X`, `└─ X`, `│ └─ X`) → root nodes.

    With real indentation the marker's column gives the depth. Without it (a repaired
    flattened note: one branch per line, no leading spaces) the markers alone decide:
    a `├─` opens a group under its parent, `└─` closes the group it belongs to, k `│`
    step into the k-th open group, and a branch with no open group hangs under the
    previous node (a chain, as `└─` lines follow each other down a path).
    """
    branches = [(src, BRANCH.match(text), text) for src, text in lines if text.strip()]
    indented = any(m and not FLAT_PREFIX.match(m.group("prefix")) for _, m, _ in branches)
    roots: list[RoadmapNode] = []
    stack: list[tuple[int, RoadmapNode]] = []  # real indentation: (marker column, node)
    groups: list[RoadmapNode] = []  # flattened: parents of open ├ groups, outermost first
    prev: RoadmapNode | None = None
    for src, m, text in branches:
        if m is None:
            if text.strip().strip("│┃|").strip() == "":
                continue
            if prev is not None and text[:1] in " \t│┃|":  # continuation of the node above
                extra = text.strip().strip("│┃|").strip()
                prev.description = f"{prev.description} {extra}".strip()
                continue
            prev = make_node(text.strip(), src)
            roots.append(prev)
            stack, groups = [(-1, prev)], []
            continue
        body = m.group("text").strip()
        if not body:
            continue
        node = make_node(body, src)
        marker = m.group("marker")[0]
        if indented:
            col = len(m.group("prefix").expandtabs(4))
            while stack and stack[-1][0] >= col:
                stack.pop()
            parent = stack[-1][1] if stack else None
            stack.append((col, node))
        else:
            k = sum(m.group("prefix").count(c) for c in "│┃|")
            if k < len(groups):
                parent = groups[k]
                del groups[k + 1:]
                if marker in "└┗`":
                    del groups[k:]
            else:
                parent = prev
                if marker in "├┣|+" and parent is not None:
                    groups.append(parent)
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
        prev = node
    return roots


def _may_branch(text: str) -> bool:
    """Whether `text` can hold a BRANCH line: a cheap test before matching every line."""
    return "--" in text or any(c in text for c in _BRANCH_MARKS)


def is_tree_text(lines: list[str]) -> bool:
    return sum(1 for line in lines if BRANCH.match(line) and BRANCH.match(line).group("text").strip()) >= 2


# ---------------------------------------------------------------------- lists


def parse_lists(lines: list[str], sources: Sequence[Source] | _Sources,
                masked: list[str] | None = None) -> list[tuple[str, int, list[RoadmapNode]]]:
    """List blocks → (kind, first line, top-level nodes); kind "steps" for numbered lists.

    `masked` (the lines with code blanked) decides the structure, so a list inside a
    code block is not read; the node text comes from `lines`.

    A block is kept when it is a tree (nested, or holding task items) or numbered
    steps (two or more); a flat bullet list is prose, not a roadmap.
    """
    blocks: list[tuple[str, int, list[RoadmapNode]]] = []
    roots: list[RoadmapNode] = []
    stack: list[tuple[int, RoadmapNode]] = []
    ordered, first = True, 0

    def close() -> None:
        if not roots:
            return
        if ordered and len(roots) >= 2:
            for n in walk(roots):
                n.kind = "steps"
            blocks.append(("steps", first, list(roots)))
        elif any(n.children for n in roots) or any(_has_task(n) for n in roots):
            blocks.append(("tree", first, list(roots)))

    for i, line in enumerate(masked if masked is not None else lines):
        m = LIST_ITEM.match(line)
        if m is None:
            if line.strip() and not (roots and line[:1] in " \t"):
                close()
                roots, stack, ordered = [], [], True
            continue
        indent = len(m.group("indent").expandtabs(4))
        numbered = m.group("mark")[0].isdigit()
        if roots and indent <= stack[0][0] and numbered != ordered:  # bullets ↔ numbers: a new list
            close()
            roots, stack, ordered = [], [], True
        task = m.group("task")
        node = make_node(lines[i][m.start("text"):], sources[i], done=None if task is None else task != " ")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if stack:
            stack[-1][1].children.append(node)
        else:
            if not roots:
                first = i
            roots.append(node)
            ordered = ordered and numbered
        stack.append((indent, node))
    close()
    return blocks


def _has_task(node: RoadmapNode) -> bool:
    return node.done is not None or any(_has_task(c) for c in node.children)


# ---------------------------------------------------------------------- one note


def note_roadmap(note: Note, roadmap_note: bool, masked: str | None = None) -> list[RoadmapNode]:
    """Root nodes of one note: its explicit blocks, else (for a roadmap note) what we infer."""
    text = note.text
    masked = note.masked if masked is None else masked
    lines = text.split("\n")
    src = _Sources(note)
    mlines = masked.split("\n")
    starts = note.line_starts
    headings = [(bisect_right(starts, h.start()) - 1, plain(h.group(2))) for h in _HEADINGS.finditer(masked)]
    heading_lines = [i for i, _ in headings]

    def section(i: int) -> str:
        j = bisect_right(heading_lines, i) - 1
        return headings[j][1] if j >= 0 else note.title

    explicit: list[RoadmapNode] = []
    code_trees: list[RoadmapNode] = []
    for info, start, body in _fences(lines) if "```" in text or "~~~" in text else ():  # a fence holds one
        content = [(src[i], lines[i]) for i in body]
        if info.lower() == "roadmap":
            explicit += _block_nodes(content, section(start), src[start])
        elif roadmap_note and is_tree_text([t for _, t in content]):
            code_trees += _wrap(parse_tree_text(content), section(start), src[start])
    if explicit:
        return explicit
    if not roadmap_note:
        return []
    nodes = code_trees
    # Tree text written outside code: runs of branch lines, rooted at the line above.
    i = 0 if _may_branch(masked) else len(mlines)
    while i < len(mlines):
        if BRANCH.match(mlines[i]) and BRANCH.match(mlines[i]).group("text").strip() and not LIST_ITEM.match(mlines[i]):
            j = i
            while j < len(mlines) and mlines[j].strip() and (BRANCH.match(mlines[j]) or mlines[j][:1] in "│┃"):
                j += 1
            above = mlines[i - 1].strip() if i > 0 else ""
            first = i - 1 if above and len(above) <= 80 and not HEADING.match(above) else i
            run = [(src[k], lines[k]) for k in range(first, j)]
            if is_tree_text([t for _, t in run]):
                nodes += _wrap(parse_tree_text(run), section(first), src[first])
            i = j
        else:
            i += 1
    for kind, first, roots in parse_lists(lines, src, mlines):
        nodes.append(RoadmapNode(_list_title(mlines, first) or section(first), src[first], roots,
                                 kind=kind))  # type: ignore[arg-type]
    for line, header, rows in find_pipe_tables(text, masked) + find_html_tables(text, masked):
        if any(PLAN_HEADER.match(plain(c).strip(" *:：")) for c in header):
            nodes.append(_plan(header, rows, src[line], section(line)))
    nodes.sort(key=lambda n: (n.source.line, {"tree": 0, "plan": 1, "steps": 2}[n.kind]))
    return nodes


class _Sources:
    """`Source` of each text line of a note, made when asked (most lines are never a node)."""

    def __init__(self, note: Note) -> None:
        self.note = note

    def __getitem__(self, i: int) -> Source:
        return Source(self.note.path, self.note.source_line(i))


def _list_title(mlines: list[str], first: int) -> str:
    """A short line right above a list introduces it ("三门课就够了:"): that names the list."""
    k = first - 1
    if k > 0 and not mlines[k].strip():  # one blank line may part the list from its introduction
        k -= 1
    above = mlines[k].strip() if k >= 0 else ""
    if above.endswith((":", "：")):
        above = _sentence_tail(above)
    if not above or len(above) > 40 or above.endswith((".", "。", "!", "！", "?", "？")) or HEADING.match(above) or LIST_ITEM.match(above) or "|" in above:
        return ""
    return plain(above).rstrip(":：")


def _sentence_tail(line: str) -> str:
    """The last sentence of a line: "...的部分 三节课就够了:" introduces with "三节课就够了"."""
    return _SENTENCE_BREAK.split(line)[-1].strip()


def _fences(lines: list[str]):
    """(info word, opening line, content line indexes) of each fenced block."""
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group(1), m.group(2)
        j = i + 1
        while j < len(lines) and not (lines[j].strip().startswith(fence) and not lines[j].strip().strip(fence[0])):
            j += 1
        yield info, i, list(range(i + 1, min(j, len(lines))))
        i = j + 1


def _block_nodes(content: list[tuple[Source, str]], title: str, src: Source) -> list[RoadmapNode]:
    """An explicit ```roadmap block: tree text, or a (nested, task, numbered) list."""
    texts = [t for _, t in content]
    if is_tree_text(texts):
        return _wrap(parse_tree_text(content), title, src)
    out = [RoadmapNode(title, roots[0].source, roots, kind=kind)  # type: ignore[arg-type]
           for kind, _, roots in parse_lists(texts, [s for s, _ in content])]
    if not out:  # a flat list in an explicit block is still a tree
        roots = [make_node(m.group("text") if (m := LIST_ITEM.match(t)) else t, s)
                 for s, t in content if t.strip()]
        out = _wrap(roots, title, src) if len(roots) > 1 else roots
    return out


def _wrap(roots: list[RoadmapNode], title: str, src: Source) -> list[RoadmapNode]:
    """Tree text with one root is its own tree; several roots share a node named by the section."""
    if len(roots) <= 1:
        return roots
    return [RoadmapNode(title, src, roots)]


def _plan(header: list[str], rows: list[list[str]], src: Source, title: str) -> RoadmapNode:
    col = next(i for i, c in enumerate(header) if PLAN_HEADER.match(plain(c).strip(" *:：")))
    root = RoadmapNode(title, src, kind="plan", cells=header)
    for row in rows:
        if not any(c.strip() for c in row):
            continue
        name = row[col] if col < len(row) else row[0]
        joined = " ".join(row)
        done = True if DONE_MARK.search(joined) else (False if OPEN_MARK.search(joined) else None)
        root.children.append(RoadmapNode(plain(name), src, kind="plan", done=done, cells=row))
    return root


def walk(nodes: list[RoadmapNode]) -> Iterator[RoadmapNode]:
    """Every node of the trees `nodes`, each before its children."""
    for n in nodes:
        yield n
        yield from walk(n.children)


def progress(node: RoadmapNode) -> tuple[int, int]:
    """(done, total) task items in a tree."""
    done = total = 0
    for n in walk([node]):
        if n.done is not None:
            total += 1
            done += bool(n.done)
    return done, total


# ---------------------------------------------------------------------- collect


def _link_targets(kb: KnowledgeBase, nodes: list[RoadmapNode]) -> None:
    """Each node points at the note of its name, else the concept page of its name."""
    for n, target in zip(walk(nodes), _targets(kb, nodes)):
        n.target = target


def _targets(kb: KnowledgeBase, nodes: list[RoadmapNode]) -> list[str | None]:
    """What `_link_targets` sets on each node of `nodes`, in `walk` order (plan nodes keep theirs)."""
    resolver = kb.resolver
    targets: list[str | None] = []
    for n in walk(nodes):
        if n.kind == "plan":
            targets.append(n.target)
            continue
        names = []
        if n.target and n.target.startswith("[["):
            names.append(n.target[2:-2])
        names += [n.title, PARENS.sub(" ", n.title).strip()]
        target = None
        for name in names:
            found = resolver.candidates(name) if name else []
            if found:
                target = nearest(found, n.source.note)
                break
        if target is None:
            for name in names:
                concept = kb.concept_for(name) if name else None
                if concept:
                    target = concept.name
                    break
        targets.append(target)
    return targets


def _note_nodes(note: Note, scan_tags: list[str]) -> list[RoadmapNode]:
    """Root nodes of one note, before their names are resolved (remembered per note).

    `scan_tags` are the note's inline tags as written: whether a note is a roadmap
    depends on tags case-insensitively, so their canonical spelling does not matter.
    """
    text = note.text
    if not (note.meta.get("roadmap") or "路线" in text or _ROADMAP_WORD.search(text)):
        return []  # cheap test first: most notes are no roadmap
    masked = note.masked
    flagged = is_roadmap(note, scan_tags, masked)
    if not flagged and not EXPLICIT.search(text):
        return []
    return note_roadmap(note, flagged, masked)


def _copy(nodes: list[RoadmapNode]) -> list[RoadmapNode]:
    """Fresh nodes for this build: resolving names sets `target` on them."""
    return [RoadmapNode(n.title, n.source, _copy(n.children), n.done, n.kind, n.target, n.description,
                        list(n.cells)) for n in nodes]


def note_pass(kb: KnowledgeBase) -> Callable[[Note], list[RoadmapNode]]:
    """What `collect` reads from one note alone (see `per_note`)."""
    def nodes_of(note: Note) -> list[RoadmapNode]:
        scan = kb.scans.get(note.path)
        return _note_nodes(note, scan.tags if scan else [])

    return nodes_of


def collect(kb: KnowledgeBase) -> None:
    nodes_of = note_pass(kb)
    kept = getattr(kb, "_memos", None) is not None  # nodes kept for the next build: resolve copies
    found = [per_note(kb, "roadmap", note, nodes_of) for note in kb.notes.values()]

    # Serve: note path → (its nodes as read, the copy their targets were set on) at the last build.
    last = kb._collected.get("roadmap linked", {}) if kept else {}
    now: dict[str, tuple[list[RoadmapNode], list[RoadmapNode]]] = {}

    def linked() -> list[RoadmapNode]:
        if not kept:
            roadmap = [root for roots in found for root in roots]
            _link_targets(kb, roadmap)
            return roadmap
        # The nodes read are kept for the next build: their names resolve on copies. A note's copy
        # is the last build's while it is of the same nodes and they resolve the same (a retitle
        # moves the targets of a few notes' nodes, not of the 600 roadmap notes of a large vault).
        roadmap = []
        for note, roots in zip(kb.notes, found):
            if not roots:
                continue
            targets = _targets(kb, roots)
            done = last.get(note)
            if done is None or done[0] is not roots or [n.target for n in walk(done[1])] != targets:
                copied = _copy(roots)
                for n, target in zip(walk(copied), targets):
                    n.target = target
                done = (roots, copied)
            now[note] = done
            roadmap += done[1]
        kb._collected["roadmap linked"] = now
        return roadmap

    # Names resolve with kb.resolver (the same object while no note's name changed), else to concepts.
    concepts = [(key, c.name) for key, c in kb.concepts.items()]
    kb.roadmap = remembered(kb, "roadmap", (found, kb.resolver, concepts), linked)

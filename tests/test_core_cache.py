"""Rebuilds with a cache (`serve`): after any edit, the knowledge base a fresh build gives.

`KnowledgeBase.build(root, cache=...)` keeps each note's own work (its scan, each
extractor's reading of it) across rebuilds and redoes the cross-note work (resolving
names, tag spellings, dedupe). These tests edit a small vault in the ways that move
cross-note results (a renamed title other notes link to, a tag's first spelling, a
deleted note) and compare every part of the rebuilt knowledge base with a fresh build.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS

import llmnotes.kb as kb_module
from llmnotes.kb import KnowledgeBase

NOTES = {
    "topics/Transformer.md": (
        "---\ntags: [NLP]\n---\n# Transformer\n\n"
        "Self-attention 架构，见 [[Attention]] 和 [[BERT 预训练]]。 #Architecture\n\n"
        "- 2017年6月：Transformer 提出 [[Attention]] #llm\n"
        "- 2018年10月：BERT 发布 #Architecture\n\n"
        "![[diagram.png]]\n\n"
        "## 论文\n\n"
        "- Attention Is All You Need\n"
        "  - 时间：2017-6-12，NeurIPS 2017\n"
        "  - 论文：https://arxiv.org/abs/1706.03762\n"
    ),
    "topics/Attention.md": (
        "# Attention\n\n注意力机制。回到 [[Transformer]]，参见 [BERT](../bert.md)。\n\n"
        "| 时间 | 事件 |\n| --- | --- |\n| 2014 | Bahdanau attention |\n\n"
        "相关链接：https://zhuanlan.zhihu.com/p/123456 #llm\n"
    ),
    "bert.md": (
        "# BERT 预训练\n\n2018年10月，Google 发布 BERT。 #LLM\n\n"
        "- [BERT paper](https://arxiv.org/abs/1810.04805)\n"
        "- 链接 [[Transformer|T]] 与 [[GPT]]\n"
    ),
    "roadmap.md": (
        "# 学习路线 #Roadmap\n\n"
        "- [ ] Transformer\n"
        "  - [ ] Attention\n"
        "  - [x] BERT 预训练\n"
        "- [ ] GPT\n"
    ),
    "assets/diagram.png": "",
}


def write(root: Path, rel: str, text: str) -> None:
    """Write a file and move its mtime on, so the change is seen whatever the disk's clock."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    if st.st_mtime_ns <= before:
        os.utime(path, ns=(st.st_atime_ns, before + 1_000_000))


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    for rel, text in NOTES.items():
        write(tmp_path, rel, text)
    return tmp_path


def snapshot(kb: KnowledgeBase) -> dict:
    """Everything a page or an export reads from the knowledge base, as plain data."""

    def plain(obj):
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if isinstance(obj, dict):
            return {str(k): plain(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [plain(x) for x in obj]
        return obj

    notes = {p: {**plain(n), "mtime": None, "page_path": n.page_path} for p, n in kb.notes.items()}
    return {
        "notes": notes,
        "scans": plain(kb.scans),
        "diagnostics": [str(d) for d in kb.diagnostics],
        "wikilinks": plain(kb.wikilinks),
        "backlinks": plain(kb.backlinks),
        "concepts": plain(kb.concepts),
        "tags": plain(kb.tags),
        "note_tags": plain(kb.note_tags),
        "events": plain(kb.events),
        "papers": plain(kb.papers),
        "links": plain(kb.links),
        "tables": plain(kb.tables),
        "roadmap": plain(kb.roadmap),
    }


def assert_like_fresh(root: Path, cache: dict) -> KnowledgeBase:
    rebuilt = KnowledgeBase.build(root, cache=cache)
    fresh = KnowledgeBase.build(root)
    got, want = snapshot(rebuilt), snapshot(fresh)
    for part in want:  # part by part, so a failure names what went stale
        assert got[part] == want[part], part
    return rebuilt


def resolved(kb: KnowledgeBase, note: str) -> dict[str, str | None]:
    return {link.target: link.resolved for link in kb.scans[note].links}


def test_rebuild_without_changes_gives_the_same_knowledge_base(vault):
    cache: dict = {}
    first = KnowledgeBase.build(vault, cache=cache)
    again = assert_like_fresh(vault, cache)
    assert snapshot(first) == snapshot(again)
    # The image was found by name in another folder, once per build: never "resolved" twice.
    image = next(s for s in again.scans["topics/Transformer.md"].spans if s.kind == "image")
    assert image.url == "../assets/diagram.png"


def test_appending_to_a_note_adds_its_new_entries_and_links(vault):
    cache: dict = {}
    KnowledgeBase.build(vault, cache=cache)
    write(vault, "bert.md", NOTES["bert.md"] + "\n- 2019年5月：ERNIE 发布，见 [[Attention]] https://example.org/ernie\n")
    kb = assert_like_fresh(vault, cache)
    assert any(e.date.start == "2019-05" and e.source.note == "bert.md" for e in kb.events)
    assert any(link.source.note == "bert.md" for link in kb.backlinks["topics/Attention.md"])
    assert any(link.url == "https://example.org/ernie" for link in kb.links)


def test_renaming_a_title_other_notes_link_to(vault):
    cache: dict = {}
    before = KnowledgeBase.build(vault, cache=cache)
    assert resolved(before, "topics/Transformer.md")["BERT 预训练"] == "bert.md"
    # The roadmap node "BERT 预训练" points at the note by its title.
    assert any(n.target == "bert.md" for root in before.roadmap for n in _walk(root))

    write(vault, "bert.md", NOTES["bert.md"].replace("# BERT 预训练", "# BERT 论文笔记"))
    kb = assert_like_fresh(vault, cache)
    # Transformer.md did not change, yet its link by the old title is now broken.
    assert resolved(kb, "topics/Transformer.md")["BERT 预训练"] is None
    assert any("broken wiki-link 'BERT 预训练'" in d.message for d in kb.diagnostics)
    assert "bert.md" not in {n.target for root in kb.roadmap for n in _walk(root)}

    write(vault, "bert.md", NOTES["bert.md"])  # and back
    kb = assert_like_fresh(vault, cache)
    assert resolved(kb, "topics/Transformer.md")["BERT 预训练"] == "bert.md"


def test_a_tag_s_first_spelling_moves_to_another_note(vault):
    cache: dict = {}
    before = KnowledgeBase.build(vault, cache=cache)
    assert "LLM" in before.tags  # bert.md comes first and writes "#LLM"
    event = next(e for e in before.events if e.source.note == "topics/Transformer.md" and e.date.start == "2017-06")
    assert "LLM" in event.tags  # written "#llm", shown as first spelt

    # bert.md drops the tag: Attention.md's "#llm" becomes the first spelling, and the event
    # of Transformer.md, which did not change, shows it.
    write(vault, "bert.md", NOTES["bert.md"].replace(" #LLM", ""))
    kb = assert_like_fresh(vault, cache)
    assert "llm" in kb.tags and "LLM" not in kb.tags
    event = next(e for e in kb.events if e.source.note == "topics/Transformer.md" and e.date.start == "2017-06")
    assert "llm" in event.tags and "LLM" not in event.tags


def test_deleting_and_adding_notes(vault):
    cache: dict = {}
    KnowledgeBase.build(vault, cache=cache)
    (vault / "topics" / "Attention.md").unlink()
    kb = assert_like_fresh(vault, cache)
    assert "topics/Attention.md" not in kb.notes
    assert kb.concept_for("Attention") is not None

    write(vault, "gpt.md", "# GPT\n\n2018年6月，GPT 发布，基于 [[Transformer]]。 #LLM\n")
    kb = assert_like_fresh(vault, cache)
    assert resolved(kb, "bert.md")["GPT"] == "gpt.md"
    assert kb.concept_for("GPT") is None


def test_changes_made_to_a_built_knowledge_base_do_not_reach_the_next_build(vault):
    cache: dict = {}
    kb = KnowledgeBase.build(vault, cache=cache)
    # Whatever is done to the links of one build (a build hands the last one's resolved scans
    # out again only while they hold what it resolves)...
    for link in kb.wikilinks:
        link.resolved = "nowhere.md"
    for span in (s for scan in kb.scans.values() for s in scan.spans):
        span.url = "changed"
    # ...the next build starts from the notes again.
    assert_like_fresh(vault, cache)


def test_pages_exports_and_search_names_leave_the_entries_as_built(vault):
    """Serve hands a part whose inputs did not change (kb.events, kb.papers, ...) to the next
    build as it is (extract.remembered): whatever reads a built knowledge base must not change it."""
    from llmnotes import exports, search
    from llmnotes.i18n import Labels
    from llmnotes.pages import PageContext, generate_pages
    from llmnotes.render import NoteRenderer

    kb = KnowledgeBase.build(vault, cache={})
    before = snapshot(kb)
    labels = Labels("zh", {})
    for page in generate_pages(PageContext(kb, labels, taken={n.page_path for n in kb.notes.values()})):
        assert page.markdown
    renderer = NoteRenderer(kb, labels)
    for note in kb.notes.values():
        assert renderer.render(note)
    for fmt in exports.SITE_FILES:
        assert exports.render(kb, fmt, True, compact=True)
    assert search.page_names(kb)
    after = snapshot(kb)
    for part in before:
        assert after[part] == before[part], part


def test_a_rebuild_reuses_the_cross_note_work_when_an_edit_changes_no_entry(vault):
    cache: dict = {}
    first = KnowledgeBase.build(vault, cache=cache)
    write(vault, "bert.md", NOTES["bert.md"] + "\n更多。\n")  # prose: no event, paper, link or table
    second = assert_like_fresh(vault, cache)
    assert second.events is first.events and second.papers is first.papers
    write(vault, "bert.md", NOTES["bert.md"] + "\n- 2019年2月：GPT-2 发布\n")
    third = assert_like_fresh(vault, cache)
    assert third.events is not second.events and third.papers is second.papers


def test_a_rebuild_redoes_only_the_edited_note(vault, monkeypatch):
    cache: dict = {}
    KnowledgeBase.build(vault, cache=cache)
    scanned: list[str] = []
    real = kb_module.scan_note
    monkeypatch.setattr(kb_module, "scan_note", lambda note: scanned.append(note.path) or real(note))
    KnowledgeBase.build(vault, cache=cache)
    assert scanned == []
    write(vault, "bert.md", NOTES["bert.md"] + "\n更多。\n")
    KnowledgeBase.build(vault, cache=cache)
    assert scanned == ["bert.md"]


@pytest.mark.parametrize("folder", [FIXTURES, SEEDS], ids=["fixtures", "seeds"])
def test_every_note_edited_in_turn(folder: Path, tmp_path: Path):
    if not folder.is_dir():
        pytest.skip(f"{folder.name} is not present")
    import shutil

    vault = tmp_path / "v"
    shutil.copytree(folder, vault)
    cache: dict = {}
    KnowledgeBase.build(vault, cache=cache)
    notes = sorted(p for p in vault.rglob("*") if p.suffix in (".md", ".txt", ".markdown") and p.is_file())
    for k, path in enumerate(notes[:12]):
        rel = path.relative_to(vault).as_posix()
        text = path.read_bytes().decode("utf-8", errors="replace")
        if k % 3 == 2:  # a new title, which other notes may link to
            text = f"---\ntitle: Renamed {k}\n---\n" + text
        else:
            text += f"\n- 2021年{k % 12 + 1}月：edited [[{notes[0].stem}]] #Edited{k}\n"
        write(vault, rel, text)
        assert_like_fresh(vault, cache)


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="reading notes on several processes needs fork()")
@pytest.mark.parametrize("folder", ["vault", FIXTURES / "vault", SEEDS], ids=str)
def test_notes_read_on_several_processes_give_the_same_knowledge_base(folder, vault: Path, monkeypatch):
    """A build on several cores runs the extractors' per-note passes ahead, on every core."""
    root = vault if folder == "vault" else Path(folder)
    if not root.is_dir():
        pytest.skip(f"{root} is not here")
    one = snapshot(KnowledgeBase.build(root))
    from llmnotes import forkmap

    spread = forkmap.map_claimed
    calls = []

    def recorded(items, compute, processes):
        calls.append(processes)
        return spread(items, compute, processes)

    monkeypatch.setattr(forkmap, "map_claimed", recorded)
    three = snapshot(KnowledgeBase.build(root, processes=3))
    assert calls == [3]  # the parallel pass ran
    for part in one:
        assert three[part] == one[part], part

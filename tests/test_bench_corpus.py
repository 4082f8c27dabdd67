"""The benchmark corpus: deterministic, and a real build of it loses nothing.

`make bench` compares timings of two builds of the same generated corpus; that only
means something if the generator gives the same bytes every time and if llmnotes
builds every note and keeps every paper and dated line the generator wrote.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from conftest import REPO, build_site, write_notes

from llmnotes import extract
from llmnotes.kb import KnowledgeBase

sys.path.insert(0, str(REPO / "benchmarks"))
import gen_corpus
import run as bench

NOTES = 30


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("bench") / "notes"
    return out, gen_corpus.generate(out, NOTES, seed=7)


def test_generator_is_deterministic(tmp_path, corpus):
    folder, truth = corpus
    again = gen_corpus.generate(tmp_path / "again", NOTES, seed=7)
    assert _digest(tmp_path / "again") == _digest(folder)
    assert again == truth
    other = gen_corpus.generate(tmp_path / "other", NOTES, seed=8)
    assert _digest(tmp_path / "other") != _digest(folder)
    assert other != truth


def test_corpus_has_the_shapes_of_real_notes(corpus):
    folder, truth = corpus
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.md"))]
    assert len(texts) == NOTES == truth["notes"]
    joined = "\n".join(texts)
    assert sum(t.startswith("---\n") for t in texts) in range(NOTES // 6, NOTES // 2 + 1)  # about a third
    for shape in ("[[", "](http", "https://arxiv.org/abs/", "https://github.com/", "| --- |", "```python",
                  "年", " #"):
        assert shape in joined, shape
    assert truth["arxiv"] and truth["dated_lines"]


def test_core_loses_nothing(corpus):
    folder, truth = corpus
    kb = KnowledgeBase.build(folder)
    assert len(kb.notes) == NOTES
    # Links to names no note has become concept pages rather than vanishing.
    assert kb.concepts
    if "papers" in extract.MODULES:
        assert {p.arxiv for p in kb.papers if p.arxiv} == set(truth["arxiv"])
    if "timeline" in extract.MODULES:
        found = {(e.source.note, e.source.line) for e in kb.events}
        missing = [tuple(d) for d in truth["dated_lines"] if tuple(d) not in found]
        assert not missing, missing[:5]


@pytest.mark.slow
def test_build_of_generated_corpus_has_every_note_as_a_page(corpus, tmp_path):
    folder, _ = corpus
    site = build_site(folder, tmp_path / "site")
    for note in folder.rglob("*.md"):
        rel = note.relative_to(folder).with_suffix("")
        page = site / rel / "index.html"
        assert page.is_file(), rel
        number = int(note.stem.split("-")[1])
        assert f"学习笔记 {number}<" in page.read_text(encoding="utf-8"), rel
    assert (site / "search" / "search_index.json").is_file()


def test_bench_of_a_vault_edits_a_note_whose_title_it_can_change(tmp_path):
    """`run.py --corpus VAULT` times a retitle by adding a word to a note's first line: it must
    pick a note whose title that line sets, whatever the note's kind (the seeds are .txt)."""
    write_notes(tmp_path, {"a/0.md": "---\ntitle: T\n---\n# T\n",  # front matter names it
                           "a/1.txt": "这一行很长" * 10 + "\n正文\n",  # a title cut short: the edit unseen
                           "b/2.txt": "发展历程\n\n正文\n", "b/3.md": "# Three\n"})
    assert bench.edited_note(tmp_path) == "b/2.txt"
    (tmp_path / "b" / "2.txt").write_text("# 发展历程\n\n## 2022年\n", encoding="utf-8")
    assert bench.edited_note(tmp_path) == "b/2.txt"  # a heading in a .txt note is its title too
    (tmp_path / "b" / "2.txt").write_text("正文在前\n# 发展历程\n", encoding="utf-8")
    assert bench.edited_note(tmp_path) == "b/3.md"  # the first heading names it, not line one
    (tmp_path / "b" / "3.md").unlink()
    with pytest.raises(SystemExit, match="no note .* has a title its first line sets"):
        bench.edited_note(tmp_path)

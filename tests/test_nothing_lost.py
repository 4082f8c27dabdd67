"""Nothing lost: every letter and digit a note shows its reader appears on that note's page.

For every note of every fixture vault (and ../shared/seeds when present) we take the
note's text, drop what is markup rather than text (link destinations, HTML tags,
attribute lists, entities, image sources, wiki-link targets that have a label), and
count its letters and digits. The rendered page's article must hold at least as many
of each: a character the page lacks is text the site lost.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import FIXTURES, SEEDS, build_site

from llmnotes.kb import KnowledgeBase
from llmnotes.urls import page_url

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IMAGE = re.compile(r"!\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\([^)\n]*\)")
_EMBED_ASSET = re.compile(r"!\[\[[^\]\n]+\.(?:png|jpe?g|gif|svg|webp|bmp|pdf)(?:\|[^\]\n]*)?\]\]", re.IGNORECASE)
_WIKILINK = re.compile(r"!?\[\[([^\[\]\n]+?)\]\]")
_LINK_DEST = re.compile(r"\]\((?:<[^<>\n]+>|[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S+.*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ATTRS = re.compile(r"\{\s*[:#.][^{}\n]*\}|\{\s*\w+=[^{}\n]*\}")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)
_TOC = re.compile(r"^\s*\[(?:toc|\[_toc_\])\]\s*$", re.IGNORECASE | re.MULTILINE)
_WORD = re.compile(r"[^\W_]", re.UNICODE)
# Block markers the reader sees as structure, not text: a fence's language, list numbers, task boxes.
_FENCE_INFO = re.compile(r"^([ \t>]*)(`{3,}|~{3,})[^\n`]*$", re.MULTILINE)
# "14. 15. 16. x" and "- 2. x" are chains of list markers (nested lists), so all of them go.
_OL_MARK = re.compile(r"^([ \t>]*)(?:(?:\d{1,9}[.)]|[-*+])[ \t]+)*\d{1,9}[.)](?=[ \t]|$)", re.MULTILINE)
_TASK = re.compile(r"^([ \t>]*[-*+][ \t]+)\[[ xX]\]", re.MULTILINE)


def visible_source(text: str) -> str:
    """The note's text with markup removed: what a reader of the note is meant to see."""
    text = _COMMENT.sub(" ", text)
    text = _FENCE_INFO.sub(r"\1\2", text)
    text = _OL_MARK.sub(r"\1", text)
    text = _TASK.sub(r"\1", text)
    text = _EMBED_ASSET.sub(" ", text)
    text = _IMAGE.sub(" ", text)

    def wiki(m: re.Match) -> str:
        target, _, label = m.group(1).partition("|")
        return f" {label} " if label.strip() else f" {target} "

    text = _WIKILINK.sub(wiki, text)
    text = _LINK_DEST.sub("] ", text)
    text = _REF_DEF.sub(" ", text)
    text = _AUTOLINK.sub(r" \1 ", text)
    text = _TAG.sub(" ", text)
    text = _ATTRS.sub(" ", text)
    text = _ENTITY.sub(" ", text)
    return _TOC.sub(" ", text)


class _Article(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def page_text(page: Path) -> str:
    p = _Article()
    p.feed(page.read_text(encoding="utf-8"))
    return "".join(p.parts)


def vaults() -> list[Path]:
    found = []
    for d in sorted(FIXTURES.rglob("*")):
        holds_notes = d.is_dir() and any(f.suffix in (".md", ".txt", ".markdown") for f in d.iterdir() if f.is_file())
        # a vault is the top-most folder holding notes
        if holds_notes and not any(v in d.parents for v in found):
            found.append(d)
    if SEEDS.is_dir():
        found.append(SEEDS)
    return found


def _id(path: Path) -> str:
    return "seeds" if path == SEEDS else path.relative_to(FIXTURES).as_posix()


@pytest.mark.parametrize("vault", vaults(), ids=_id)
def test_every_character_of_every_note_reaches_its_page(vault, tmp_path):
    site = build_site(vault, tmp_path / "site")
    kb = KnowledgeBase.build(vault)
    assert kb.notes
    lost: dict[str, str] = {}
    for path, note in kb.notes.items():
        if note.encoding == "binary":
            continue
        page = site / unquote(page_url(note.page_path)) / "index.html"
        assert page.is_file(), f"{path} has no page"
        want = Counter(_WORD.findall(visible_source(note.text)))
        have = Counter(_WORD.findall(page_text(page)))
        missing = want - have
        if missing:
            lost[path] = "".join(sorted(missing.elements()))[:200]
    assert not lost, f"characters missing from their pages: {lost}"

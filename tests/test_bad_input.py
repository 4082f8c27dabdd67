"""Bad input never breaks the site or loses a note.

Each case writes a small folder of notes into tmp_path (binary, huge and symlinked
files are made here, never committed), builds it with MkDocs (not strict), and checks:
the build finishes, every note file of the folder has a page that shows its text, and
a diagnostic names the file that is wrong (or, for input that is odd but valid, that
no error names it).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import build_site

from llmnotes.kb import KnowledgeBase
from llmnotes.urls import page_url

NOTE_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass
class Case:
    """Writes its notes into a folder; says which diagnostics must name which file."""

    write: Callable[[Path], None]
    # file (posix, relative) → pattern a diagnostic about it must match; None: no error may name it
    expect: dict[str, str | None] = field(default_factory=dict)
    # file → text its page must show (besides the default: every note's MARK-… word)
    shows: dict[str, str] = field(default_factory=dict)


def _w(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


# ---------------------------------------------------------------------------- the cases


def _gbk(d: Path) -> None:
    _w(d, "国标 笔记.md", "# 国标编码的笔记\n\n注意力机制 MARK-gbk 是核心。\n".encode("gbk"))


def _utf16(d: Path) -> None:
    _w(d, "utf16-bom.md", "# UTF-16 笔记\n\n带 BOM 的 MARK-u16bom 文本。\n".encode("utf-16"))
    _w(d, "utf16-le.md", "# UTF-16LE 笔记\n\n没有 BOM 的 MARK-u16le 文本。\n".encode("utf-16-le"))


def _invalid_utf8(d: Path) -> None:
    _w(d, "bad-bytes.md", "# 坏字节\n\n好的一行 MARK-bytes\n".encode() + b"bad \xff\xff bytes here\n")


def _malformed_yaml(d: Path) -> None:
    _w(d, "bad-yaml.md", "---\ntitle: [unclosed\ntags: a: b\n---\n\n正文 MARK-yaml 还在。\n")


def _impossible_dates(d: Path) -> None:
    # Valid YAML whose dates Python cannot hold: PyYAML raises ValueError, not a YAMLError.
    _w(d, "bad-date-fm.md", "---\ntitle: 日期\ndate: 2020-13-45\n---\n\n正文 MARK-fmdate 还在。\n")
    _w(d, "bad-date-blocks.md", "# 块\n\n正文 MARK-blockdate 还在。\n\n```timeline\n- date: 2021-02-30\n"
                                "  text: 不存在的一天\n```\n\n```paper\ntitle: T\ndate: 0000-01-01\n```\n")


def _not_mapping(d: Path) -> None:
    _w(d, "list-fm.md", "---\n- one\n- two\n---\n\n正文 MARK-list 还在。\n")
    _w(d, "scalar-fm.md", "---\njust a string\n---\n\n正文 MARK-scalar 还在。\n")


def _binary(d: Path) -> None:
    _w(d, "image.md", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    _w(d, "ok.md", "# 正常\n\nMARK-okbinary\n")


def _empty(d: Path) -> None:
    _w(d, "empty.md", b"")
    _w(d, "blank.md", "\n\n   \n")
    _w(d, "ok.md", "# 正常\n\n链接到 [[empty]]。MARK-okempty\n")


def _huge_line(d: Path) -> None:
    unit = "大模型预训练使用海量语料，Transformer 是基础架构。 "
    _w(d, "huge.md", "MARK-huge " + unit * (5 * 1024 * 1024 // len(unit.encode())))


def _many_links(d: Path) -> None:
    for i in range(50):
        _w(d, f"t{i}.md", f"# T{i}\n\nMARK-t{i}\n")
    _w(d, "hub.md", "# Hub\n\nMARK-hub " + " ".join(f"[[t{i % 50}]]" for i in range(5000)) + "\n")


def _cycle(d: Path) -> None:
    _w(d, "a.md", "# A\n\nMARK-a 见 [[b]] 和 [[a]]。\n\n![[b]]\n")
    _w(d, "b.md", "# B\n\nMARK-b 见 [[c]]。\n\n![[a]]\n")
    _w(d, "c.md", "# C\n\nMARK-c 回到 [[a]]。\n")


def _same_title(d: Path) -> None:
    _w(d, "x/one.md", "---\ntitle: 同名笔记\n---\nMARK-one\n")
    _w(d, "y/two.md", "---\ntitle: 同名笔记\n---\nMARK-two\n")
    _w(d, "hub.md", "# Hub\n\n[[同名笔记]] MARK-samehub\n")


NAMES = ["with space.md", "中文 笔记.md", "c#sharp.md", "100% done.md", "rocket 🚀.md"]


def _names(d: Path) -> None:
    for i, name in enumerate(NAMES):
        _w(d, name, f"# 名字 {i}\n\nMARK-name{i}\n")
    links = " ".join(f"[n{i}]({name.replace('%', '%25').replace('#', '%23').replace(' ', '%20')})"
                     for i, name in enumerate(NAMES))
    _w(d, "hub.md", f"# Hub\n\n[[with space]] [[中文 笔记]] [[rocket 🚀]] {links} MARK-nameshub\n")


def _outside(d: Path) -> None:
    outside = d.parent / "outside"
    _w(outside, "secret.md", "# Secret\n\nSECRET-OUTSIDE-TEXT\n")
    _w(outside, "secret.png", b"\x89PNG\r\n\x1a\nSECRET-OUTSIDE-IMAGE")
    _w(d, "inside.md", "# Inside\n\nMARK-inside [s](../outside/secret.md) [[../outside/secret]]\n\n"
       "![p](../outside/secret.png) [up](../../etc/passwd.md)\n")
    (d / "linked.md").symlink_to(outside / "secret.md")
    (d / "linked-dir").symlink_to(outside, target_is_directory=True)


def _symlink_loop(d: Path) -> None:
    _w(d, "sub/note.md", "# Note\n\nMARK-loopnote\n")
    _w(d, "top.md", "# Top\n\nMARK-looptop [[note]]\n")
    (d / "sub" / "loop").symlink_to("..", target_is_directory=True)
    (d / "sub" / "again").symlink_to("..", target_is_directory=True)
    (d / "self").symlink_to(".", target_is_directory=True)
    (d / "chain.md").symlink_to("chain2.md")
    (d / "chain2.md").symlink_to("chain.md")


def _nested(d: Path) -> None:
    _w(d, "deep.md", "# Deep\n\nMARK-deep\n\n" + "".join("  " * i + f"- level{i}\n" for i in range(1000)))


def _same_url(d: Path) -> None:
    _w(d, "a.md", "# A md\n\nMARK-amd\n")
    _w(d, "a.txt", "A txt\n\nMARK-atxt\n")
    _w(d, "b.markdown", "# B markdown\n\nMARK-bmarkdown\n")
    _w(d, "b.md", "# B md\n\nMARK-bmd\n")


CASES: dict[str, Case] = {
    "gbk": Case(_gbk, {"国标 笔记.md": r"GB18030|GBK"}, {"国标 笔记.md": "注意力机制"}),
    "utf16": Case(_utf16, {"utf16-bom.md": "UTF-16", "utf16-le.md": "UTF-16"},
                  {"utf16-bom.md": "带 BOM 的", "utf16-le.md": "没有 BOM 的"}),
    "invalid-utf8": Case(_invalid_utf8, {"bad-bytes.md": r"UTF-8"}, {"bad-bytes.md": "bytes here"}),
    "malformed-yaml": Case(_malformed_yaml, {"bad-yaml.md": r"front matter"}, {"bad-yaml.md": "title: [unclosed"}),
    "impossible-yaml-dates": Case(_impossible_dates, {"bad-date-fm.md": r"front matter.*month must be",
                                                      "bad-date-blocks.md": r":5: warning: timeline block.*day is out"},
                                  {"bad-date-fm.md": "date: 2020-13-45"}),
    "front-matter-not-mapping": Case(_not_mapping, {"list-fm.md": "not a mapping", "scalar-fm.md": "not a mapping"},
                                     {"list-fm.md": "- one", "scalar-fm.md": "just a string"}),
    "binary": Case(_binary, {"image.md": "binary", "ok.md": None}),
    "empty": Case(_empty, {"empty.md": "empty", "blank.md": "empty", "ok.md": None}),
    "huge-line": Case(_huge_line, {"huge.md": None}, {"huge.md": "Transformer 是基础架构"}),
    "5000-links": Case(_many_links, {"hub.md": None}),
    "cycle": Case(_cycle, {"a.md": None, "b.md": None, "c.md": None}),
    "same-title": Case(_same_title, {"x/one.md": "duplicate title", "y/two.md": "duplicate title"}),
    "file-names": Case(_names, {"hub.md": None, **{n: None for n in NAMES}}),
    "outside-links": Case(_outside, {"inside.md": r"\.\./outside/secret|outside the notes folder",
                                     "linked.md": "outside the notes folder"}),
    "symlink-loop": Case(_symlink_loop, {"sub/loop": "symbolic link", "self": "symbolic link",
                                         "chain.md": "symbolic link"}),
    "nested-lists": Case(_nested, {"deep.md": r"nest"}, {"deep.md": "level999"}),
    "same-url": Case(_same_url, {"a.txt": r"same (page|URL)", "b.markdown": r"same (page|URL)"}),
}


# ---------------------------------------------------------------------------- helpers


class _Text(HTMLParser):
    """Visible text of a page's article (not the navigation), and the hrefs in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self._skip = 0
        self._article = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "article":
            self._article += 1
        if tag == "a" and self._article:
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "article" and self._article:
            self._article -= 1

    def handle_data(self, data):
        if self._article and not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        """Without any whitespace: highlighting splits `a: b` into spans, the reader sees the same."""
        return "".join("".join(self.parts).split())


def parse(page: Path) -> _Text:
    p = _Text()
    p.feed(page.read_text(encoding="utf-8"))
    return p


def note_files(folder: Path) -> list[str]:
    """Every regular note file of the folder, found without the loader (not following links)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [x for x in dirnames if not Path(dirpath, x).is_symlink()]
        for name in filenames:
            full = Path(dirpath, name)
            if name.lower().endswith(NOTE_SUFFIXES) and not full.is_symlink():
                out.append(full.relative_to(folder).as_posix())
    return sorted(out)


def page_file(site: Path, page_path: str) -> Path:
    return site / unquote(page_url(page_path)) / "index.html"


@dataclass
class Built:
    notes: Path
    site: Path
    kb: KnowledgeBase
    log: list[str]


def build_case(tmp_path: Path, case: Case, caplog) -> Built:
    notes = tmp_path / "notes"
    notes.mkdir()
    case.write(notes)
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.llmnotes")
    site = build_site(notes, tmp_path / "site")
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("mkdocs.plugins.llmnotes")]
    return Built(notes, site, KnowledgeBase.build(notes), messages)


# ---------------------------------------------------------------------------- the test


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_builds_and_keeps_every_note(name, tmp_path, caplog):
    case = CASES[name]
    b = build_case(tmp_path, case, caplog)

    files = note_files(b.notes)
    assert files, "the case wrote no notes"
    page_paths = [b.kb.notes[f].page_path for f in files if f in b.kb.notes]
    assert sorted(b.kb.notes) == files, "the knowledge base lost or invented a note"
    assert len(set(page_paths)) == len(page_paths), "two notes share one page"
    for f in files:
        page = page_file(b.site, b.kb.notes[f].page_path)
        assert page.is_file(), f"{f} has no page"
        text = parse(page).text
        raw = (b.notes / f).read_bytes()
        mark = re.search(rb"MARK-[\w-]+", raw)
        if mark:
            assert mark.group().decode() in text, f"{f}: its text is missing from its page"
        if f in case.shows:
            assert "".join(case.shows[f].split()) in text, f"{f}: {case.shows[f]!r} is missing from its page"

    for path, pattern in case.expect.items():
        about = [m for m in b.log if f"{path}:" in m or m.startswith(f"llmnotes: {path}")
                 or f" {path}: " in m]
        if pattern is None:
            errors = [m for m in about if ": error:" in m]
            assert not errors, errors
        else:
            assert any(re.search(pattern, m) for m in about), f"no diagnostic about {path} matches " \
                f"{pattern!r}; about it: {about}"


# ---------------------------------------------------------------------------- case specifics


def test_outside_files_are_never_read_nor_linked(tmp_path, caplog):
    b = build_case(tmp_path, CASES["outside-links"], caplog)
    for f in b.site.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert b"SECRET-OUTSIDE" not in data, f"{f.relative_to(b.site)} holds text from outside the notes"
    page = page_file(b.site, "inside.md")
    for href in parse(page).hrefs:
        if "://" in href or href.startswith(("#", "mailto:")):
            continue
        target = urlsplit(urljoin("http://h/inside/", href)).path
        assert target.startswith("/") and ".." not in target
        assert (b.site / unquote(target).lstrip("/")).resolve().is_relative_to(b.site.resolve()), href


def test_odd_file_names_get_working_urls(tmp_path, caplog):
    b = build_case(tmp_path, CASES["file-names"], caplog)
    hub = page_file(b.site, "hub.md")
    targets = set()
    for href in parse(hub).hrefs:
        if "://" in href or href.startswith("#"):
            continue
        path = urlsplit(urljoin("http://h/hub/", href)).path
        dest = b.site / unquote(path).lstrip("/")
        if dest.is_dir():
            dest = dest / "index.html"
        assert dest.is_file(), f"link {href!r} from the hub leads nowhere"
        targets.add(dest.parent.name)
    for i, name in enumerate(NAMES):
        assert name[:-3] in targets, f"the hub does not link to {name}"


def test_5000_wiki_links_all_become_links(tmp_path, caplog):
    b = build_case(tmp_path, CASES["5000-links"], caplog)
    hrefs = [h for h in parse(page_file(b.site, "hub.md")).hrefs if re.search(r"\bt\d+/", h)]
    assert len(hrefs) >= 5000
    # One entry per linking note on the target's page, however often it links.
    t0 = parse(page_file(b.site, "t0.md")).hrefs
    assert sum(1 for h in t0 if h.rstrip("/").endswith("hub")) == 1


def test_symlink_loop_does_not_multiply_pages(tmp_path, caplog):
    b = build_case(tmp_path, CASES["symlink-loop"], caplog)
    pages = [p.relative_to(b.site).as_posix() for p in b.site.rglob("index.html")]
    assert not [p for p in pages if "/loop/" in p or "/again/" in p or p.startswith("self/")], pages


def test_same_url_notes_both_published(tmp_path, caplog):
    b = build_case(tmp_path, CASES["same-url"], caplog)
    a_md, a_txt = b.kb.notes["a.md"].page_path, b.kb.notes["a.txt"].page_path
    assert a_md == "a.md", "the Markdown note keeps its natural URL"
    assert a_txt != a_md
    assert "MARK-atxt" in parse(page_file(b.site, a_txt)).text



def test_readme_beside_an_index_is_published_with_our_warning_alone(tmp_path, caplog):
    """MkDocs leaves a README.md beside an index.md out of a site, and warns (failing --strict).
    Both are notes: the README gets a page of its own, and the one warning says where."""
    notes = tmp_path / "notes"
    _w(notes, "a/index.md", "# 索引\n\nMARK-index\n")
    _w(notes, "a/README.md", "# 说明\n\nMARK-readme\n")
    caplog.set_level(logging.WARNING)
    site = build_site(notes, tmp_path / "site")
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "same page URL" in warnings[0] and "a/index-2/" in warnings[0], warnings
    pages = {p.parent.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("index.html")}
    assert {"MARK-index", "MARK-readme"} == {m for url in ("a", "a/index-2") for m in re.findall(r"MARK-\w+", pages[url])}

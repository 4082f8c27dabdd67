"""`llmnotes serve` rebuilds only what changed, and the site it serves is the site a full build makes.

A serve rebuild is a dirty MkDocs build driven by the plugin (cache.py): pages whose
Markdown did not change are not rewritten, yet every page a change reaches (the edited
note, the notes it now links to, every page once the navigation changes) is, and the
search index holds each page once, as a clean build would.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from llmnotes import search
from llmnotes.cache import Memo, collapse_chrome, tuned_index
from llmnotes.cli import DEFAULT_CONFIG


def _config(notes: Path, site: Path):
    return load_config(str(DEFAULT_CONFIG), docs_dir=str(notes), site_dir=str(site), site_name="t")


def _plain(notes: Path, site: Path):
    """A config for a plain build. MkDocs keeps plugin objects for the whole process, so undo serve's state."""
    config = _config(notes, site)
    config.plugins.on_startup(command="build", dirty=False)
    config.plugins["material/search"].search_index_prev = None
    return config


@pytest.fixture
def serving(tmp_path):
    """A vault and a `rebuild()` that does what `llmnotes serve` does on each save."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "alpha.md").write_text("# 注意力笔记\n\n自注意力机制是核心。参见 [[beta]]。\n", encoding="utf-8")
    (notes / "beta.md").write_text("# 位置编码笔记\n\n旋转位置编码 RoPE。\n", encoding="utf-8")
    (notes / "gamma.md").write_text("# 量化笔记\n\n低比特量化节省显存。\n", encoding="utf-8")
    site = tmp_path / "site"
    first = _config(notes, site)
    first.plugins.on_startup(command="serve", dirty=True)

    def rebuild(config=None) -> None:
        build(config or _config(notes, site), dirty=True)

    rebuild(first)
    yield notes, site, rebuild
    _plain(notes, site)  # leave the process's plugin objects as a plain build expects


def _page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def _index(site: Path) -> list[tuple[str, str, str]]:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return sorted((d["location"], d["title"], d["text"]) for d in docs)


def _edit(path: Path, text: str) -> None:
    time.sleep(0.01)  # distinct modification time, as a real save
    path.write_text(text, encoding="utf-8")


def test_edit_rewrites_that_page_only_and_keeps_the_index_whole(serving, tmp_path):
    notes, site, rebuild = serving
    before = {n: (site / n / "index.html").stat().st_mtime_ns for n in ("alpha", "beta", "gamma")}
    _edit(notes / "gamma.md", "# 量化笔记\n\n低比特量化节省显存。zebrafish 新增一句。\n")
    rebuild()
    assert "zebrafish" in _page(site, "gamma")
    assert (site / "alpha" / "index.html").stat().st_mtime_ns == before["alpha"]
    # The rewritten page's navigation still shows the other notes by their titles.
    assert "注意力笔记" in _page(site, "gamma") and "位置编码笔记" in _page(site, "gamma")
    index = _index(site)
    assert sum("zebrafish" in text for _, _, text in index) == 1
    assert any(loc.startswith("beta/") for loc, _, _ in index)

    build(_plain(notes, tmp_path / "clean"))
    assert _index(site) == _index(tmp_path / "clean")


def test_the_sitemap_is_written_again_only_when_the_pages_it_lists_change(serving):
    notes, site, rebuild = serving
    sitemap = site / "sitemap.xml"
    written = sitemap.stat().st_mtime_ns
    _edit(notes / "gamma.md", "# 量化笔记\n\n低比特量化节省显存。zebrafish 新增一句。\n")
    rebuild()
    rebuild()  # the first rebuild after the first build lists the same pages: both leave it
    assert sitemap.stat().st_mtime_ns == written and (site / "sitemap.xml.gz").is_file()
    _edit(notes / "delta.md", "# 蒸馏笔记\n\n知识蒸馏。\n")
    rebuild()
    assert sitemap.stat().st_mtime_ns != written  # a new page: written again (its content: as a fresh build's)


def test_new_link_reaches_the_target_and_new_note_reaches_every_navigation(serving, tmp_path):
    notes, site, rebuild = serving
    assert "注意力笔记" not in _page(site, "gamma")  .split('class="md-content"')[1]
    _edit(notes / "alpha.md", "# 注意力笔记\n\n自注意力机制是核心。参见 [[beta]] 和 [[gamma]]。\n")
    rebuild()
    # gamma's Markdown changed (a backlink from alpha): rewritten though its file was not touched.
    assert "注意力笔记" in _page(site, "gamma").split('class="md-content"')[1]

    _edit(notes / "delta.md", "# 蒸馏笔记\n\n知识蒸馏。\n")
    rebuild()
    for name in ("alpha", "beta", "gamma"):
        assert "蒸馏笔记" in _page(site, name), name

    build(_plain(notes, tmp_path / "clean"))
    assert _index(site) == _index(tmp_path / "clean")


def test_pages_written_again_for_their_navigation_keep_their_search_entries(serving, monkeypatch):
    """A retitle rewrites every page whose navigation lists the note; only the retitled page is
    indexed again, the others keep their entries of the last rebuild, whole. Where the theme is
    the one navpatch.py was checked with, they are not even rendered: their title is swapped."""
    from material.plugins.search.plugin import SearchIndex

    from llmnotes import navpatch

    notes, site, rebuild = serving
    before = _index(site)
    indexed: dict[str, str] = {}
    add = SearchIndex.add_entry_from_context

    def recorded(self, page):
        indexed[page.file.src_uri] = page.content or ""
        return add(self, page)

    monkeypatch.setattr(SearchIndex, "add_entry_from_context", recorded)
    _edit(notes / "gamma.md", "# 量化笔记一\n\n低比特量化节省显存。\n")
    rebuild()
    assert "alpha.md" not in indexed and "beta.md" not in indexed  # patched, not rendered
    assert "量化笔记一" in _page(site, "alpha") and "量化笔记一" in _page(site, "beta")
    assert "自注意力机制" in _page(site, "alpha")
    assert [e for e in _index(site) if not e[0].startswith("gamma")] == \
        [e for e in before if not e[0].startswith("gamma")]
    # A theme it was not checked with: the pages are rendered for their navigation
    monkeypatch.setattr(navpatch, "_CHECKED", frozenset())
    indexed.clear()
    _edit(notes / "gamma.md", "# 量化笔记二\n\n低比特量化节省显存。\n")
    rebuild()
    assert {"alpha.md", "beta.md", "gamma.md"} <= set(indexed)  # every navigation shows gamma's title
    assert indexed["alpha.md"] == indexed["beta.md"] == ""  # not parsed again
    assert "低比特量化" in indexed["gamma.md"]
    assert "量化笔记二" in _page(site, "alpha") and "自注意力机制" in _page(site, "alpha")
    after = _index(site)
    assert [e for e in after if not e[0].startswith("gamma")] == [e for e in before if not e[0].startswith("gamma")]
    assert any(e[0].startswith("gamma") and e[1] == "量化笔记二" for e in after)
    # With a plugin it does not know on the site (one that might read the page as search does),
    # every page written reaches it whole.
    from llmnotes import parallel

    monkeypatch.setattr(parallel, "SAFE_PLUGINS", {"llmnotes"})
    indexed.clear()
    _edit(notes / "gamma.md", "# 量化笔记三\n\n低比特量化节省显存。\n")
    rebuild()
    assert "自注意力机制" in indexed["alpha.md"] and "旋转位置编码" in indexed["beta.md"]
    assert [e for e in _index(site) if not e[0].startswith("gamma")] == \
        [e for e in before if not e[0].startswith("gamma")]


def test_a_rebuild_says_only_the_warnings_that_are_new(serving, caplog):
    notes, _site, rebuild = serving
    caplog.set_level(logging.INFO)
    _edit(notes / "gamma.md", "# 量化笔记\n\n低比特量化节省显存。[[无此笔记]]\n")
    caplog.clear()
    rebuild()
    said = [r.getMessage() for r in caplog.records]
    assert any("gamma.md" in m and "无此笔记" in m for m in said), said
    _edit(notes / "beta.md", "# 位置编码笔记\n\n旋转位置编码 RoPE。[[另一个缺失]]\n")
    caplog.clear()
    rebuild()
    said = [r.getMessage() for r in caplog.records]
    assert any("beta.md" in m and "另一个缺失" in m for m in said)  # the new one
    assert not any("无此笔记" in m for m in said)  # the old one is not said again
    assert any("1 warning(s) as in the last rebuild" in m for m in said)
    assert not any("llmnotes: llmnotes:" in m for m in said)  # MkDocs's plugin logger names us once


# ----------------------------------------------------------------------- served site == fresh build

RICH = {
    "alpha.md": "# 注意力笔记\n\n自注意力机制是核心。参见 [[beta]]。 #论文\n\n## 时间线\n\n"
                "- 2017/6/12：Transformer 发布，参见 [[beta]]。\n",
    "beta.md": "# 位置编码笔记\n\n旋转位置编码 RoPE。参见 [[Mamba]]。\n\n## 论文 Papers\n\n"
               "- RoPE: RoFormer Enhanced Transformer\n  - 时间：2021-4-20，arXiv\n"
               "  - 论文：https://arxiv.org/abs/2104.09864\n\n相关链接：https://zhuanlan.zhihu.com/p/359502624\n",
    "gamma.md": "# 量化笔记\n\n低比特量化节省显存。[[注意力笔记]] #工程\n",
}

# Saves in a serve session, each one feeding a different cached page or entry.
EDITS = [
    ("body text only", "gamma.md", "# 量化笔记\n\n低比特量化节省显存，zebrafish [[注意力笔记]] #工程\n"),
    ("dated event added", "gamma.md", ("# 量化笔记\n\n低比特量化节省显存。[[注意力笔记]] #工程\n\n## 时间线\n\n"
                                       "- 2022/8/15：LLM.int8() 发布\n")),
    ("tag of another note added", "beta.md", RICH["beta.md"] + "\n同属 #工程\n"),
    ("new tag added", "beta.md", RICH["beta.md"] + "\n同属 #工程 #推理优化\n"),
    ("tag removed", "alpha.md", RICH["alpha.md"].replace(" #论文", "")),
    ("linked note retitled", "alpha.md", RICH["alpha.md"].replace(" #论文", "").replace("注意力笔记", "自注意力总结")),
    ("paper added", "gamma.md", ("# 量化笔记\n\n低比特量化节省显存。\n\n## 论文 Papers\n\n"
                                 "- QLoRA: Efficient Finetuning of Quantized LLMs\n  - 时间：2023-5-23，NeurIPS 2023\n"
                                 "  - 论文：https://arxiv.org/abs/2305.14314\n")),
    ("alias added", "beta.md", "---\naliases: [RotaryPE]\n---\n" + RICH["beta.md"] + "\n同属 #工程 #推理优化\n"),
    ("alias jieba lacks added", "beta.md",
     "---\naliases: [RotaryPE, 旋转位置编码]\n---\n" + RICH["beta.md"] + "\n同属 #工程 #推理优化\n"),
    ("concept gets a note", "mamba.md", "# Mamba\n\n状态空间模型。 #论文\n"),
    ("tagged note retitled", "beta.md", "---\naliases: [RotaryPE, 旋转位置编码]\n---\n"
     + RICH["beta.md"].replace("位置编码笔记", "旋转位置编码笔记") + "\n同属 #工程 #推理优化\n"),
]

# Both run in a process of their own, as `llmnotes serve` and `llmnotes build` do: the search
# segmenter's dictionary lives as long as its process (plugin.py), and words other tests taught
# it would cut this vault's text differently. The session and the fresh builds see the same
# vaults in the same order, so they teach it the same words.
_SERVE_SESSION = """
import json, shutil, sys, time
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
from llmnotes.cli import DEFAULT_CONFIG
root = Path(sys.argv[1])
notes, site = root / "notes", root / "site"
def config():
    return load_config(str(DEFAULT_CONFIG), docs_dir=str(notes), site_dir=str(site), site_name="t")
first = config()
first.plugins.on_startup(command="serve", dirty=True)
build(first, dirty=True)
shutil.copytree(site, root / "served-start")
for n, (name, text) in enumerate(json.loads(sys.argv[2])):
    time.sleep(0.01)  # a distinct modification time, as a real save
    if text is None:
        (notes / name).unlink()
    else:
        (notes / name).parent.mkdir(parents=True, exist_ok=True)
        (notes / name).write_text(text, encoding="utf-8")
    build(config(), dirty=True)
    done = first.plugins["llmnotes"]._incremental
    print(json.dumps([done.patched, done.spliced]))  # pages patched or spliced, not rendered
    shutil.copytree(notes, root / f"notes-{n}")
    shutil.copytree(site, root / f"served-{n}")
"""

_CLEAN_BUILDS = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from llmnotes.cli import DEFAULT_CONFIG
for notes, site in zip(sys.argv[1::2], sys.argv[2::2]):
    config = load_config(str(DEFAULT_CONFIG), docs_dir=notes, site_dir=site, site_name="t")
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
"""


def _run(script: str, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def _site(site: Path) -> dict[str, object]:
    """Every file a reader can fetch; the search index as its config and its set of entries."""
    out: dict[str, object] = {}
    for f in sorted(site.rglob("*")):
        rel = f.relative_to(site).as_posix()
        if not f.is_file() or rel.endswith(".gz"):
            continue
        if rel == "search/search_index.json":
            data = json.loads(f.read_text(encoding="utf-8"))
            out[rel] = (data["config"], sorted(json.dumps(d, sort_keys=True, ensure_ascii=False) for d in data["docs"]))
        elif rel == "sitemap.xml":
            out[rel] = re.sub(r"<lastmod>[^<]*</lastmod>", "", f.read_text(encoding="utf-8"))
        else:
            out[rel] = f.read_bytes()
    return out


def _serve_then_compare(tmp_path: Path, vault: dict[str, str], edits: list[tuple[str, str, str]]) -> list[list[int]]:
    """Save `edits` one by one in a serve session on `vault`; after each, the site served must be
    the site a fresh build of the same notes makes. Returns, per save, the pages it wrote without
    rendering them: [patched (navpatch.py), spliced (splice.py)]."""
    notes = tmp_path / "notes"
    for name, text in vault.items():
        (notes / name).parent.mkdir(parents=True, exist_ok=True)
        (notes / name).write_text(text, encoding="utf-8")
    done = [json.loads(line) for line in
            _run(_SERVE_SESSION, str(tmp_path), json.dumps([(name, text) for _, name, text in edits]))]
    steps = range(len(edits))
    _run(_CLEAN_BUILDS, *(str(tmp_path / f"{kind}-{n}") for n in steps for kind in ("notes", "clean")))
    for n, (what, _, _) in enumerate(edits):
        expected, got = _site(tmp_path / f"clean-{n}"), _site(tmp_path / f"served-{n}")
        for rel, content in expected.items():
            assert got.get(rel) == content, f"after '{what}': {rel} differs from a fresh build"
    return done


def test_served_site_equals_a_fresh_build_after_each_kind_of_edit(tmp_path):
    spliced = [n for _, n in _serve_then_compare(tmp_path, RICH, EDITS)]
    # The edits reached the pages they feed (so the comparison above compared something).
    def served(step: int, page: str) -> str:
        return (tmp_path / f"served-{step}" / page).read_text(encoding="utf-8")

    assert "zebrafish" in served(0, "alpha/index.html")  # a backlink's sentence
    assert "LLM.int8()" in served(1, "timeline/index.html")
    assert "位置编码笔记" in served(2, "tags/工程/index.html")
    assert "推理优化" in served(3, "tags/index.html")
    assert "自注意力总结" in served(5, "timeline/index.html")
    assert "2305.14314" in served(6, "papers.bib")
    assert "RotaryPE" in served(7, "search/search_index.json")
    assert "旋转位置编码" in served(8, "search/search_index.json")
    assert "旋转位置编码笔记" in served(10, "tags/推理优化/index.html")  # a tag page kept, then renewed
    # A retitle changes items of the long pages only: they are written from their last output
    # (splice.py): the timeline for alpha's event; for beta's paper, the paper index, the links
    # page and the timeline (the paper's date is an event of the note), and beta's line on the
    # pages of its two tags.
    assert spliced[5] == 1 and spliced[10] == 5
    assert spliced[1] == spliced[6] == 0  # an event, a paper added: the page around the items changed


# Notes in folders: the pruned navigation of a page opens its own folder only.
FOLDERS = {
    "a/a1.md": "# 甲一\n\n注意力。\n",
    "a/a2.md": "# 甲二\n\n位置编码。\n",
    "a/a3.md": "# 甲三\n\n量化。\n",
    "b/b1.md": "# 乙一\n\n蒸馏。\n",
    "b/b2.md": "# 乙二\n\n剪枝。\n",
    "b/b3.md": "# 乙三\n\n见 [讲义](../files/x.pdf)。\n",  # a link to a file that comes later
}
NAV_EDITS = [
    ("retitled", "a/a2.md", "# 甲二改\n\n位置编码。\n"),
    ("added last in its folder", "a/a4.md", "# 甲四\n\n推理。\n"),
    ("a file a page links to added", "files/x.pdf", "%PDF-1.4\n"),
    ("added after it", "a/a5.md", "# 甲五\n\n解码。\n"),
    ("removed", "a/a4.md", None),
    ("added first in another folder", "b/b0.md", "# 乙零\n\n对齐。\n"),
    ("retitled with markup", "a/a3.md", "# 甲三 <b>&</b> \"引号\"\n\n量化。\n"),
    ("retitled with a line break", "a/a5.md", "---\ntitle: \"甲五\\n改\"\n---\n\n解码。\n"),
    ("added at the top", "top.md", "# 总览\n\n入口。\n"),
    ("retitled at the top", "top.md", "# 总览改\n\n入口。\n"),
]


def test_a_change_of_the_navigation_rewrites_the_pages_that_show_it(tmp_path):
    """Retitling, adding or removing a note rewrites the pages whose pruned navigation, footer or
    links show it, not the others; the site served is still the site a fresh build makes."""
    patched = [n for n, _ in _serve_then_compare(tmp_path, FOLDERS, NAV_EDITS)]

    def rewritten(step: int) -> set[str]:
        """The note pages the save of `step` wrote (a page not written keeps its file time)."""
        before = tmp_path / (f"served-{step - 1}" if step else "served-start")
        pages = {p.parent.relative_to(tmp_path / f"served-{step}").as_posix()
                 for p in (tmp_path / f"served-{step}").glob("[ab]/*/index.html")}
        return {p for p in pages if not (before / p / "index.html").exists()
                or (before / p / "index.html").stat().st_mtime_ns
                != (tmp_path / f"served-{step}" / p / "index.html").stat().st_mtime_ns}

    # the retitled note's folder lists its title; b/b1's footer links a/a3, which kept its title
    assert rewritten(0) == {"a/a1", "a/a2", "a/a3"}
    # a/a4 is the new last page of a: b/b1's footer now links it
    assert rewritten(1) == {"a/a1", "a/a2", "a/a3", "a/a4", "b/b1"}
    assert rewritten(2) == {"b/b3"}  # its link to files/x.pdf now finds the file
    assert rewritten(3) == {"a/a1", "a/a2", "a/a3", "a/a4", "a/a5", "b/b1"}
    assert rewritten(4) == {"a/a1", "a/a2", "a/a3", "a/a5"}  # b/b1's footer still links a/a5
    # b's first page changed: every page's link to the folder b
    assert rewritten(5) == {"a/a1", "a/a2", "a/a3", "a/a5", "b/b0", "b/b1", "b/b2", "b/b3"}
    assert rewritten(6) == {"a/a1", "a/a2", "a/a3", "a/a5"}
    assert "甲三 &lt;b&gt;&amp;&lt;/b&gt;" in (tmp_path / "served-6" / "a" / "a1" / "index.html").read_text("utf-8")
    # Retitles alone are patched into the pages that list the note (navpatch.py), unless the title
    # is one the theme's output changes; the home page is listed on every page.
    assert patched[0] == 2 and patched[6] == 3
    assert patched[1] == patched[3] == patched[4] == patched[5] == 0  # the entries changed, not titles
    # A title with a line break the chrome would fold: the pages listing it are rendered; only
    # b/b1 is spared, whose navigation changed in a neighbour's title that no footer shows
    assert patched[7] == 1 and rewritten(7) == {"a/a1", "a/a2", "a/a3", "a/a5"}
    every = {"a/a1", "a/a2", "a/a3", "a/a5", "b/b0", "b/b1", "b/b2", "b/b3"}
    assert patched[9] >= len(every) and rewritten(9) == every  # listed on every page


# Notes whose titles the long pages show as items (an event's note, a link's citing note)
# and, every page listing every note, in their navigation.
LONG = {
    "alpha.md": "# 注意力笔记\n\n## 时间线\n\n- 2017/6/12：Transformer 发布\n",
    "beta.md": "# 位置编码笔记\n\n相关链接：https://zhuanlan.zhihu.com/p/359502624\n",
    "gamma.md": "# 量化笔记\n\n低比特量化节省显存。\n",
}
LONG_EDITS = [
    ("retitled, in no item", "gamma.md", LONG["gamma.md"].replace("量化笔记", "低比特量化笔记")),
    ("retitled, in the links page's items", "beta.md", LONG["beta.md"].replace("位置编码笔记", "旋转位置编码笔记")),
    ("retitled, in the timeline's items", "alpha.md", LONG["alpha.md"].replace("注意力笔记", "自注意力总结")),
    ("retitled again, in no item", "gamma.md", LONG["gamma.md"].replace("量化笔记", "量化笔记二")),
    ("retitled again, in the links page's items", "beta.md", LONG["beta.md"].replace("位置编码笔记", "RoPE 笔记")),
]


def test_long_pages_written_from_their_last_output_are_the_pages_a_fresh_build_makes(tmp_path):
    """A retitle swaps the items of the timeline and the links page into their last output
    (splice.py), and the titles of their navigation: before that, a retitle shown only in their
    navigation patched the output (navpatch.py); the next splice starts from that output."""
    done = _serve_then_compare(tmp_path, LONG, LONG_EDITS)
    assert [spliced for _, spliced in done] == [0, 1, 1, 0, 1]
    assert all(patched > 0 for patched, _ in done)  # every page lists the retitled note
    links = (tmp_path / "served-4" / "links" / "index.html").read_text(encoding="utf-8")
    assert "RoPE 笔记" in links and "量化笔记二" in links and "自注意力总结" in links


def test_tuned_index_is_the_full_tuning_made_entry_by_entry():
    """Serve tunes only entries it has not seen; the bytes are those of tuning the whole index."""
    def index(text: str) -> dict:
        docs = [{"location": "", "title": "首页", "text": "知识\u200b索引 \u200b，"},
                {"location": "a/", "title": "注意力\u200b机制", "text": f"<p>{text}</p>  <p>b</p>"},
                {"location": "a/#s", "title": "小节", "text": "x"},
                {"location": "%E4%B8%AD/", "title": "中", "text": "中文", "tags": ["t"]}]
        return {"config": {"separator": search.SEPARATOR, "lang": ["zh"]}, "docs": docs}

    def word_by_word(text: str) -> str:  # a segmenter that knows no words
        return search.segment_han(text, list)

    def knows_a_word(text: str) -> str:  # ... and one that learnt a word since
        return search.segment_han(text, lambda run: [run[:2], *run[2:]] if run.startswith("旋转") else list(run))

    memo = Memo()
    kept: dict[str, dict] = {}  # serve hands back the very same entries for pages it did not rebuild
    both = {"a/": ["别名"], "中/": ["旋转编码"]}  # the very same names twice, as serve's PageNames hands them
    rounds = [("一\u200b二", {"a/": ["别名"]}, word_by_word), ("一\u200b二", both, word_by_word),
              ("一\u200b二", both, knows_a_word),  # only the segmenter changed
              ("三", {"a/": ["别名", "RoPE"], "中/": ["旋转编码"]}, knows_a_word), ("三", {}, knows_a_word)]
    for text, names, segment in rounds:
        memo.new_build()
        data = kept.setdefault(text, index(text))
        before = copy.deepcopy(data)

        def tune(data: dict, names: dict, segment=segment) -> dict:
            return search.tune_index(data, names, segment)

        full = search.dump_index(tune(copy.deepcopy(data), names))
        assert tuned_index(memo, data, names, tune, search.dump_index, segment) == full
        # Told which segmenter cut the names, a page of the same entries and names is taken by place.
        assert tuned_index(memo, data, names, tune, search.dump_index, segment, segmenter=segment) == full
        assert data["docs"] == before["docs"]  # the caller keeps the entries: never tuned in place
    assert memo.hits > 0


def test_collapse_chrome_keeps_content_and_preformatted_text():
    page = ('<html>\n  <head>\n    <title>t</title>\n  </head>\n  <nav>\n\n      <ul>\n        <li>a</li>\n'
            '      </ul>\n  </nav>\n<div class="md-content">\n<pre>  x = 1\n\n    y</pre>\n  <p>a\n\n b</p></div>')
    out = collapse_chrome(page)
    assert out.endswith(page[page.index('<div class="md-content">'):])
    assert "<nav><ul><li>a</li></ul></nav>" in out
    assert len(out) < len(page)
    script = '<script>var a = 1\n  <b\n</script>\n  <nav>x</nav>\n<div class="md-content"></div>'
    assert collapse_chrome(script).startswith('<script>var a = 1\n<b\n</script><nav>x</nav>')
    footer = ('<div class="md-content"><article><pre>a\n\n  </pre>\n  </article>\n  </div>\n'
              '  <footer>\n    <p>x</p>\n  </footer>')
    assert collapse_chrome(footer) == ('<div class="md-content"><article><pre>a\n\n  </pre>\n  </article>\n'
                                       '</div><footer><p>x</p></footer>')


def test_fingerprints_follow_every_change_of_a_part_and_keep_an_equal_one():
    """A part equal to the last build's keeps its digest; any change, an order of a dict's
    keys included (pages list tags in that order), gives another."""
    from types import SimpleNamespace

    from llmnotes.cache import Fingerprints
    from llmnotes.model import FuzzyDate, Source, TimelineEvent

    def kb(text: str, tags: dict) -> SimpleNamespace:
        event = TimelineEvent(FuzzyDate("2021-04-20", None, "day", "2021/4/20"), text, Source("a.md", 3), ["t"], [])
        return SimpleNamespace(events=[event], tags=tags, notes={}, concepts={})

    first = Fingerprints(kb("RoFormer", {"a": ["x.md"], "b": ["y.md"]}))
    digests = (first.part("events"), first.part("tags"), first.names())
    same = Fingerprints(kb("RoFormer", {"a": ["x.md"], "b": ["y.md"]}), first)
    assert (same.part("events"), same.part("tags"), same.names()) == digests
    changed = Fingerprints(kb("RoFormer 发布", {"b": ["y.md"], "a": ["x.md"]}), same)
    assert changed.part("events") != digests[0]
    assert changed.part("tags") != digests[1]  # same items, another order
    assert changed.names() != digests[2]  # the names list the tags, in order
    back = Fingerprints(kb("RoFormer", {"a": ["x.md"], "b": ["y.md"]}), changed)
    assert (back.part("events"), back.part("tags")) == digests[:2]


def test_fingerprints_name_the_notes_whose_names_changed_since_the_last_build():
    from types import SimpleNamespace

    from llmnotes.cache import Fingerprints
    from llmnotes.model import Note

    def kb(*notes: Note) -> SimpleNamespace:
        return SimpleNamespace(notes={n.path: n for n in notes}, concepts={}, tags={})

    a, b = Note("a.md", "注意力", ""), Note("b.md", "位置编码", "", aliases=["RoPE"])
    first = Fingerprints(kb(a, b))
    assert first.changed_notes() is None and not first.same_names_as_last()  # no last build
    same = Fingerprints(kb(a, b), first)
    assert same.changed_notes() == set() and same.same_names_as_last()
    retitled = Fingerprints(kb(Note("a.md", "自注意力", ""), b), same)
    assert retitled.changed_notes() == {"a.md"} and not retitled.same_names_as_last()
    moved = Fingerprints(kb(Note("a.md", "自注意力", ""), Note("c.md", "新笔记", "")), retitled)
    assert moved.changed_notes() == {"b.md", "c.md"}  # one gone, one added


def test_memo_keeps_a_value_through_two_builds_unused_and_forgets_it_in_the_third():
    memo = Memo()
    made: list[str] = []

    def get(key: str) -> str:
        return memo.get(key, lambda: made.append(key) or key)

    memo.new_build()
    get("a"), get("b")
    memo.new_build()
    get("b")
    memo.new_build()
    assert get("a") == "a" and made == ["a", "b"]  # unused by the last build only: kept
    for _ in range(3):
        memo.new_build()
    get("b")  # unused by the last three builds: made again
    assert made == ["a", "b", "b"] and len(memo) == 1

"""`llmnotes serve` rebuilds only what changed, and the site it serves is the site a full build makes.

A serve rebuild is a dirty MkDocs build driven by the plugin (cache.py): pages whose
Markdown did not change are not rewritten, yet every page a change reaches (the edited
note, the notes it now links to, every page once the navigation changes) is, and the
search index holds each page once, as a clean build would.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from llmnotes.cache import collapse_chrome
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


def test_collapse_chrome_keeps_content_and_preformatted_text():
    page = ('<html>\n  <head>\n    <title>t</title>\n  </head>\n  <nav>\n\n      <ul>\n        <li>a</li>\n'
            '      </ul>\n  </nav>\n<div class="md-content">\n<pre>  x = 1\n\n    y</pre>\n  <p>a\n\n b</p></div>')
    out = collapse_chrome(page)
    assert out.endswith(page[page.index('<div class="md-content">'):])
    assert "<nav>\n<ul>\n<li>a</li>\n</ul>\n</nav>\n" in out
    assert len(out) < len(page)

"""The navigation a knowledge base gets (nav.py): overview first, large folders split."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import build_site

from llmnotes import nav


def _primary_nav(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    return html[html.index("md-nav--primary"):html.index("md-content")]


def test_a_large_folder_is_split_so_each_page_carries_a_bounded_navigation(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    (vault / "big").mkdir(parents=True)
    for i in range(250):
        (vault / "big" / f"n{i:03d}.md").write_text(f"# Big {i:03d}\n\ntext\n", encoding="utf-8")
    site = build_site(vault, tmp_path / "site")
    first, last = _primary_nav(site / "big/n000/index.html"), _primary_nav(site / "big/n249/index.html")
    for html in (first, last):
        links = re.findall(r'href="[^"]*n\d{3}/"', html)
        assert 50 <= len(links) <= nav.MAX_SECTION_ENTRIES + 5, len(links)
        assert all(label in html for label in ("1–100", "101–200", "201–250"))
    assert "Big 000" in first and "Big 249" in last
    assert "Big 249" not in first  # another run of the folder: one click away, not on this page
    for i in range(250):  # nothing lost: every note has its page
        assert (site / f"big/n{i:03d}/index.html").is_file()


def test_split_keeps_order_and_nests_past_the_limit() -> None:
    from mkdocs.structure.nav import Section

    children = [Section(f"s{i}", []) for i in range(23)]
    (top,) = nav.split_large([Section("top", list(children))], limit=5)
    runs = top.children
    assert [r.title for r in runs] == ["1–5", "6–10", "11–15", "16–20", "21–23"]
    assert [c for r in runs for c in r.children] == children
    (deep,) = nav.split_large([Section("deep", [Section(f"x{i}", []) for i in range(30)])], limit=5)
    assert len(deep.children) <= 5 and all(len(r.children) <= 5 for r in deep.children)

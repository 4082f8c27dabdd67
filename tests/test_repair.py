"""Flattened-note repair: restores Markdown blocks by inserting line breaks only."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from llmnotes.repair import is_flattened, repair_flattened

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
# CI clones the repo with shared/ beside it: <repo>/../shared/seeds.
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
EXTENSIONS = ["tables", "fenced_code"]
SITE_EXTENSIONS = ["toc", "tables", "attr_list", "md_in_html", "admonition", "pymdownx.details",
                   "pymdownx.superfences", "pymdownx.tasklist"]


def nonws(s: str) -> str:
    return re.sub(r"\s", "", s)


def render(text: str, extensions: list[str] = EXTENSIONS) -> str:
    return markdown.markdown(text, extensions=extensions)


def fix(text: str) -> str:
    """Repair a short test string (the length threshold is for real notes)."""
    out = repair_flattened(text, min_length=0)
    assert nonws(out) == nonws(text)
    return out


@pytest.fixture(scope="module")
def flattened() -> str:
    return (FORMATS / "flattened.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def repaired(flattened: str) -> str:
    return repair_flattened(flattened)


# --------------------------------------------------------------------------- detection


def test_fixture_is_one_long_line(flattened: str) -> None:
    assert flattened.rstrip("\n").count("\n") == 0
    assert len(flattened) >= 1000


def test_detects_flattened_note(flattened: str) -> None:
    assert is_flattened(flattened)


def test_normal_notes_are_not_flattened(repaired: str) -> None:
    assert not is_flattened(repaired)
    assert not is_flattened("# Title\n\n- a\n- b\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n")
    assert not is_flattened("")


def test_long_prose_line_is_not_flattened() -> None:
    prose = "这是一段很长的正文，没有任何 Markdown 结构。" * 60 + " - 只有一个破折号"
    assert len(prose) > 1000
    assert not is_flattened(prose)


def test_long_line_inside_code_fence_is_not_flattened() -> None:
    code = "x = a - b  # " + "# heading - item - item > q " * 60
    note = f"# Note\n\n```python\n{code}\n```\n"
    assert not is_flattened(note)
    assert repair_flattened(note) == note


def test_only_flattened_lines_change(flattened: str) -> None:
    text = "---\ntitle: x\n---\n" + flattened
    out = repair_flattened(text)
    assert out.startswith("---\ntitle: x\n---\n# Overview\n\n")


# --------------------------------------------------------------------------- invariant


def test_never_changes_non_whitespace(flattened: str, repaired: str) -> None:
    assert nonws(repaired) == nonws(flattened)
    assert repaired.count("\n") > 40


def test_idempotent(repaired: str) -> None:
    assert repair_flattened(repaired) == repaired


# --------------------------------------------------------------------------- the fixture


def test_fixture_structure(repaired: str) -> None:
    html = render(repaired)
    assert "<h1>Overview</h1>" in html
    assert "<h2>Storage Engines</h2>" in html
    assert "<h2>为什么要自己实现?</h2>" in html
    assert "<h2>常见误区</h2>" in html
    assert html.count("<h1>") == 1 and html.count("<h2>") == 3
    assert html.count("<table>") == 2
    assert html.count("<pre>") == 1
    assert html.count("<blockquote>") == 1


def test_dated_list(repaired: str) -> None:
    items = [ln for ln in repaired.split("\n") if re.match(r"- \d{4}年:", ln)]
    assert len(items) == 7
    html = render(repaired)
    first_ul = html[html.index("<ul>") : html.index("</ul>")]
    assert first_ul.count("<li>") == 7


def test_tables_with_empty_cells(repaired: str) -> None:
    lines = repaired.split("\n")
    start = lines.index("| 引擎 | 适用场景 | 代表产品 |")
    assert lines[start + 1 : start + 6] == [
        "| --- | --- | --- |",
        "| B+树 | 读多写少 | InnoDB<br>PostgreSQL |",
        "| LSM树 | 写密集 | RocksDB<br>Cassandra |",
        "| | 时序数据 | |",
        "| 哈希 | 点查询 | |",
    ]
    assert lines[start - 1] == "" and lines[start + 6] == ""
    # The prose after the last row is a paragraph of its own.
    assert lines[start + 7].startswith("选型时还要考虑运维成本")
    html = render(repaired)
    first = html[html.index("<table>") : html.index("</table>")]
    assert first.count("<tr>") == 5 and first.count("<td></td>") == 3
    second = html[html.rindex("<table>") : html.rindex("</table>")]
    assert second.count("<tr>") == 3 and 'style="text-align: right;"' in second


def test_blockquote_with_list_then_ordered_list(repaired: str) -> None:
    html = render(repaired)
    quote = html[html.index("<blockquote>") : html.index("</blockquote>")]
    assert "<p>索引不是越多越好</p>" in quote
    assert quote.count("<li>") == 2
    ol = html[html.index("<ol>") : html.index("</ol>")]
    assert ol.count("<li>") == 3
    assert "[[SQL 基础]]" in ol


def test_tree_code_block(repaired: str) -> None:
    block = repaired[repaired.index("```text") : repaired.index("```", repaired.index("```text") + 3) + 3]
    assert block.split("\n") == [
        "```text",
        "存储系统",
        "├─ 单机引擎",
        "│ ├─ B+树",
        "│ └─ LSM树",
        "└─ 分布式存储",
        "└─ 共识协议",
        "```",
    ]
    html = render(repaired)
    assert '<pre><code class="language-text">存储系统\n├─ 单机引擎\n│ ├─ B+树' in html


def test_tags_links_code_and_images(repaired: str) -> None:
    lines = repaired.split("\n")
    # A tag is not a heading; opening a paragraph it gets a leading space.
    assert " #实践 自己写一遍才能真正理解写放大和读放大的取舍,这是只看文档很难体会到的。" in lines
    html = render(repaired)
    assert "<h1>实践" not in html and "#数据库" in html
    # " - " inside a link text or inline code is not a list item.
    assert '<a href="https://raft.github.io/">Raft - 共识算法</a>' in html
    assert "<code>SELECT a - b FROM t</code>" in html
    assert "[[关系数据库]]" in html
    assert "\n\n![架构图](images/db-arch.png)\n\n" in repaired


def test_renders_with_site_extensions(repaired: str) -> None:
    html = render(repaired, SITE_EXTENSIONS)
    assert html.count("<table>") == 2
    assert html.count("<blockquote>") == 1
    assert "存储系统\n├─ 单机引擎" in html


# --------------------------------------------------------------------------- rules


def test_heading_text_stops_at_prose() -> None:
    out = fix("# Summary 以下是按时间顺序的梳理,供参考: - a - b")
    assert out.split("\n")[:3] == ["# Summary", "", "以下是按时间顺序的梳理,供参考:"]
    assert "\n\n- a\n- b" in out


def test_heading_keeps_short_words_and_question_mark() -> None:
    out = fix("## AI 决策 ![x](a.png) 正文在这里 # 为什么这样做? #标签 然后是正文 - x")
    lines = out.split("\n")
    assert "## AI 决策" in lines and "# 为什么这样做?" in lines
    assert " #标签 然后是正文" in lines
    assert "![x](a.png)" in lines


def test_heading_stops_at_constructs() -> None:
    out = fix("# Cues [链接 文字](a.md) ## Notes [[Page]] # 学习建议(快速过一遍) 1. 第一步 2. 第二步")
    lines = [ln for ln in out.split("\n") if ln]
    assert lines == ["# Cues", "[链接 文字](a.md)", "## Notes", "[[Page]]", "# 学习建议(快速过一遍)",
                     "1. 第一步", "2. 第二步"]


def test_heading_limit_on_long_titles() -> None:
    out = fix("# Scaling Laws and Emergent Abilities of Large Models 正文开始了,这里有逗号 - a - b")
    assert out.split("\n")[0] == "# Scaling Laws and Emergent Abilities"


def test_marker_after_marker_stays_in_item() -> None:
    out = fix("# T - 1. 语义理解 - 2. 冷启动 > - 引用里的列表 > 1. 引用里的编号")
    lines = [ln for ln in out.split("\n") if ln]
    assert lines == ["# T", "- 1. 语义理解", "- 2. 冷启动", "> - 引用里的列表", "> 1. 引用里的编号"]


def test_dash_between_words_splits() -> None:
    # Documented limitation: a spaced dash cannot be told from a list marker.
    out = fix("# T 某个问题的回答 - 知乎 https://example.com/a-b - c")
    assert "\n\n- 知乎 https://example.com/a-b\n- c" in out


def test_table_stops_when_cells_run_out() -> None:
    out = fix("# T | a | b | | --- | --- | | 1 | | | | 2 | 后面是正文 | 不是表格 |")
    lines = out.split("\n")
    assert lines[2:7] == ["| a | b |", "| --- | --- |", "| 1 | |", "| | 2 |", ""]
    assert lines[7] == "后面是正文 | 不是表格 |"


def test_table_pipes_inside_links_do_not_count() -> None:
    out = fix("# T | 图 | 说明 | | --- | --- | | ![a|100](x.png) | [[页|别名]] | 结束")
    html = render(out)
    assert html.count("<td>") == 2 and "结束" in html.split("</table>")[1]


def test_fence_without_info_and_ascii_tree() -> None:
    out = fix("# T ``` root |-- a |   `-- b `-- c ``` after - x")
    assert "```\nroot\n|-- a\n|   `-- b\n`-- c\n```" in out
    assert out.endswith("```\n\nafter\n\n- x")


def test_horizontal_rule() -> None:
    out = fix("# T 正文,有逗号 --- more - x")
    assert out.split("\n\n") == ["# T", "正文,有逗号", "---", "more", "- x"]


# --------------------------------------------------------------------------- real seeds


@pytest.fixture(scope="module")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


def test_seed_flattened_note(seeds: Path) -> None:
    flat = [p for p in sorted(seeds.iterdir()) if is_flattened(p.read_text(encoding="utf-8"))]
    assert flat, "one seed is a flattened note"
    for path in flat:
        text = path.read_text(encoding="utf-8")
        out = repair_flattened(text)
        assert nonws(out) == nonws(text)
        html = render(out)
        assert "<h1>Summary</h1>" in html
        first_list = html[html.index("<h1>Summary</h1>") :]
        first_list = first_list[first_list.index("<ul>") : first_list.index("</ul>")]
        assert first_list.count("<li>") >= 10
        assert html.count("<table>") == 4
        assert html.count("<pre>") == 1
        assert not is_flattened(out)


def test_other_seeds_untouched(seeds: Path) -> None:
    for path in sorted(seeds.iterdir()):
        text = path.read_text(encoding="utf-8")
        if "\n" in text.strip():
            assert not is_flattened(text), path.name
            assert repair_flattened(text) == text

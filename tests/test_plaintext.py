"""Plain-text notes to Markdown: every line and character survives rendering."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from llmnotes.plaintext import MISSING_IMAGE_CLASS, plaintext_to_markdown

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
# CI clones the repo with shared/ beside it: <repo>/../shared/seeds.
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
EXTENSIONS = ["tables", "fenced_code"]
SITE_EXTENSIONS = ["toc", "tables", "attr_list", "md_in_html", "admonition", "pymdownx.details",
                   "pymdownx.superfences", "pymdownx.tasklist"]

_ITEM_MARKER = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")


class _Visible(HTMLParser):
    """Text a reader sees: character data plus image alt text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")


def visible(html: str) -> str:
    p = _Visible()
    p.feed(html)
    p.close()
    return "".join(p.parts)


def nonws(s: str) -> str:
    return re.sub(r"\s", "", s)


def render(md: str, extensions: list[str] = EXTENSIONS) -> str:
    return markdown.markdown(md, extensions=extensions)


def expected_visible(text: str) -> str:
    """Input characters a reader must see: list markers are shown as bullets/numbers and
    images as the picture (alt text), everything else literally."""
    out = []
    for line in text.splitlines():
        line = _ITEM_MARKER.sub("", line, count=1)
        out.append(_IMAGE.sub(r"\1", line))
    return nonws("".join(out))


def shown(md: str, extensions: list[str] = EXTENSIONS) -> str:
    return nonws(visible(render(md, extensions))).replace("imagemissing", "")


def convert(text: str) -> str:
    md, line_map = plaintext_to_markdown(text)
    assert len(line_map) == len(md.split("\n"))
    return md


@pytest.fixture(scope="module")
def outline() -> str:
    return (FORMATS / "outline.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def outline_md(outline: str) -> str:
    return convert(outline)


# --------------------------------------------------------------------------- nothing lost


@pytest.mark.parametrize("extensions", [EXTENSIONS, SITE_EXTENSIONS])
def test_every_character_visible(outline: str, outline_md: str, extensions: list[str]) -> None:
    assert shown(outline_md, extensions) == expected_visible(outline)


def test_markdown_keeps_input_characters_in_order(outline: str, outline_md: str) -> None:
    it = iter(nonws(html.unescape(outline_md)))
    assert all(ch in it for ch in nonws(outline))


def test_line_map(outline: str) -> None:
    md, line_map = plaintext_to_markdown(outline)
    src = outline.split("\n")
    out = md.split("\n")
    assert line_map == sorted(line_map)
    assert set(line_map) >= {n for n, s in enumerate(src, 1) if s.strip()}
    for line, n in zip(out, line_map):
        if line.strip():
            words = re.findall(r"[\u4e00-\u9fff]+|[A-Za-z]{3,}", src[n - 1])
            assert all(w in line for w in words), (line, src[n - 1])


def test_each_input_line_is_its_own_visual_line(outline_md: str) -> None:
    html = render(outline_md)
    assert "2023年，开始读论文<br />\n先读了 Raft，再读 Paxos<br />\n感觉 Raft 更容易理解</p>" in html


# --------------------------------------------------------------------------- structure


def test_headings(outline_md: str) -> None:
    html = render(outline_md)
    assert "<h2>1.背景</h2>" in html
    assert "<h2>二、工具</h2>" in html
    assert "<h3>Raft</h3>" in html
    assert "<h3>Paxos，经典但难懂的共识算法</h3>" in html
    # A short line followed by a blank line, not by an outline, stays a paragraph.
    assert "<p>总结</p>" in html


def test_nested_outline(outline_md: str) -> None:
    html = render(outline_md)
    assert "<li>要点<ul>\n<li>领导者选举</li>" in html
    # Text indented under an item stays in it; its numbered steps nest below it.
    assert "<li>结论：<br />\n    以下是实验中记录的几个现象，供以后对照：<ol>\n<li>启动集群<ul>" in html
    assert "<li>切断 leader<ul>\n<li>新 leader 在 300ms 内产生</li>" in html
    # The unindented "[图片]" between two indented items stays with the item above.
    assert re.search(r"<li>搭建三节点集群<br />\s*<span class=\"" + MISSING_IMAGE_CLASS, html)
    assert "<li>模拟网络分区</li>" in html
    assert html.count("<ul>") == 8


def test_four_spaces_per_level(outline_md: str) -> None:
    lines = outline_md.split("\n")
    assert "    - 领导者选举" in lines
    assert "        1. 启动集群" in lines
    assert "            - 观察选举耗时" in lines


def test_urls_become_links(outline_md: str) -> None:
    html = render(outline_md)
    assert '<a href="https://raft.github.io/">https://raft.github.io/</a>。' in html
    assert '<a href="https://example.com/tools/index.html?tab=1&amp;lang=zh">' in html
    assert '<a href="https://lamport.azurewebsites.net/pubs/paxos-simple.pdf">' in html


def test_missing_image_marker(outline_md: str) -> None:
    html = render(outline_md)
    assert f'<span class="{MISSING_IMAGE_CLASS}" title="image missing">[图片] image missing</span>' in html


def test_literal_characters(outline_md: str) -> None:
    html = render(outline_md)
    text = visible(html)
    assert "a*b*c 和 snake_case_name 以及 <div>不是标签</div> 还有 x|y" in text
    assert "#不是标签也不是标题" in text and "<h1>" not in html
    assert "> 不是引用" in text and "<blockquote>" not in html
    assert "`反引号` 和 [方括号] 和 [注](见下文)" in text and "<code>" not in html
    assert "C:\\temp\\new 和 1 < 2 && 3 > 2" in text
    assert "<hr" not in html
    assert '<img alt="架构图" src="arch.png" />' in html


# --------------------------------------------------------------------------- rules


def test_numbered_lines_in_a_row_are_not_headings() -> None:
    md = convert("1.准备数据\n2.训练\n3.评估")
    assert "#" not in md
    assert visible(render(md)).split("\n") == ["1.准备数据", "2.训练", "3.评估"]


def test_long_or_sentence_numbered_line_is_not_heading() -> None:
    assert not convert("1.这是一句很长的话，后面还跟着很多很多内容，所以它不是一个标题。").startswith("#")
    assert not convert("一、首先：").startswith("#")
    assert not convert("3.14 是圆周率").startswith("#")


def test_title_needs_an_outline_below_and_no_prose_above() -> None:
    assert convert("标题\n- a").startswith("### 标题")
    assert not convert("数据集已发布：\n- a").startswith("#")
    md = convert("前面是一段正文\n最后一行\n- a")
    assert "#" not in md
    assert "\n\n- a" in md


def test_ordered_run_from_one_is_a_list() -> None:
    html = render(convert("- 步骤\n  1. 一\n  2. 二\n  3. 三"))
    assert "<ol>" in html and html.count("<li>") == 4


def test_ordered_run_not_from_one_keeps_its_numbers() -> None:
    md = convert("3. 第三步\n4. 第四步")
    assert md.split("\n") == ["- 3\\. 第三步", "- 4\\. 第四步"]
    assert "3. 第三步" in visible(render(md))


def test_ordered_items_next_to_bullets_keep_their_numbers() -> None:
    md = convert("- 甲\n1. 乙\n- 丙")
    assert "1. 乙" in visible(render(md))


def test_any_indent_width_and_tabs() -> None:
    md = convert("- a\n   - b\n\t- c\n - d\n- e")  # a tab is 4 columns: deeper than "   - b"
    assert md.split("\n") == ["- a", "    - b", "        - c", "    - d", "- e"]


def test_blank_lines_inside_outline_are_dropped() -> None:
    md = convert("- a\n\n  - b\n\n- c\n\n正文")
    assert md.split("\n") == ["- a", "    - b", "- c", "", "正文"]


def test_indented_prose_is_not_code() -> None:
    html = render(convert("        缩进的正文"))
    assert "<pre>" not in html and "缩进的正文" in html


def test_markdown_already_in_text_is_kept() -> None:
    md = convert("## 小节\n[文档](https://example.com/doc) 和 [[维基链接]]\n```python\nx = a * b  # <tag>\n```")
    html = render(md)
    assert "<h2>小节</h2>" in html
    assert '<a href="https://example.com/doc">文档</a>' in html
    assert "[[维基链接]]" in md
    assert "<pre><code class=\"language-python\">x = a * b  # &lt;tag&gt;" in html


def test_url_trailing_punctuation_stays_outside() -> None:
    md = convert("见 https://example.com/a_(b)，以及 https://example.com/x.")
    assert "<https://example.com/a_(b)>" in md and "<https://example.com/x>." in md


def test_line_start_syntax_is_escaped() -> None:
    for line in ["+++ 不是列表", "!!! note 不是提示框", "=== 不是下划线", ": 不是定义", "??? 不是折叠", "#标签"]:
        html = render(convert("正文\n" + line), SITE_EXTENSIONS)
        assert line in visible(html), line
        assert not re.search(r"<(h\d|ul|ol|dl|div|details)", html), line


def test_empty_and_crlf() -> None:
    assert plaintext_to_markdown("") == ("", [1])
    md, line_map = plaintext_to_markdown("一\r\n二\r\n")
    assert md == "一  \n二" and line_map == [1, 2]


# --------------------------------------------------------------------------- real seeds


@pytest.fixture(scope="module")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


def test_seed_plain_text_outline(seeds: Path) -> None:
    from llmnotes.repair import is_flattened

    def is_plain_outline(text: str) -> bool:
        return (not is_flattened(text) and re.search(r"^\s*- ", text, re.MULTILINE) is not None
                and re.search(r"^#{1,6} |^\s*```", text, re.MULTILINE) is None)

    plain = [p for p in sorted(seeds.iterdir()) if is_plain_outline(p.read_text(encoding="utf-8"))]
    assert plain, "one seed is a plain-text outline"
    for path in plain:
        text = path.read_text(encoding="utf-8")
        md, line_map = plaintext_to_markdown(text)
        assert len(line_map) == len(md.split("\n"))
        for extensions in (EXTENSIONS, SITE_EXTENSIONS):
            assert shown(md, extensions) == expected_visible(text), path.name


def test_all_seeds_keep_characters(seeds: Path) -> None:
    for path in sorted(seeds.iterdir()):
        text = path.read_text(encoding="utf-8")
        md, _ = plaintext_to_markdown(text)
        it = iter(nonws(html.unescape(md)))
        assert all(ch in it for ch in nonws(text.expandtabs(4))), path.name

"""Timeline extraction on small notes in the real shapes, on the seeds, and the built page."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from conftest import FIXTURES, ServedPage, build_site, write_notes

from llmnotes.extract.timeline import event_links
from llmnotes.kb import KnowledgeBase
from llmnotes.model import TimelineEvent

VAULT = FIXTURES / "timeline"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.build(VAULT)


def events_of(kb: KnowledgeBase, note: str) -> list[TimelineEvent]:
    return [e for e in kb.events if e.source.note == note]


def dates(events: list[TimelineEvent]) -> Counter:
    return Counter((e.date.start, e.date.end, e.date.precision) for e in events)


def line_of(note: str, needle: str) -> int:
    """1-based line of the fixture file that holds `needle` (computed, not hard-coded)."""
    for i, line in enumerate((VAULT / note).read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {note}")


# ------------------------------------------------------------------ inferred events


def test_dated_list_items_become_events_with_the_prefix_stripped(kb):
    evs = events_of(kb, "dated_list.md")
    assert dates(evs) == Counter({("2012", None, "year"): 1, ("2017-06", None, "month"): 1,
                                  ("2020-05", None, "month"): 1, ("2023", "present", "year"): 1})
    by_date = {e.date.start: e for e in evs}
    assert by_date["2017-06"].text.startswith("[[Transformer]]")  # "2017年6月：" is shown as the date
    assert "2012年" not in by_date["2012"].text
    assert all(e.inferred for e in evs)


def test_counts_and_versions_never_become_dates(kb):
    assert not [e for e in kb.events if "1750" in e.date.start or e.date.start.startswith("2305")]
    gpt3 = next(e for e in events_of(kb, "dated_list.md") if e.date.start == "2020-05")
    assert "1750亿" in gpt3.text


def test_events_carry_source_line_tags_and_links(kb):
    by_date = {e.date.start: e for e in events_of(kb, "dated_list.md")}
    for start, needle in [("2012", "2012年"), ("2017-06", "2017年6月"), ("2023", "2023年至今")]:
        assert by_date[start].source.line == line_of("dated_list.md", needle)
    assert by_date["2012"].tags[0] == "vision"  # the line's own tag first
    assert "history" in by_date["2017-06"].tags  # front matter tags of the note
    assert by_date["2012"].links == ["ImageNet"]
    assert by_date["2020-05"].links == ["https://example.com/gpt3"]


def test_short_dated_line_takes_the_lines_under_it_as_description(kb):
    evs = {e.date.start: e for e in events_of(kb, "outline.md")}
    first, *details = evs["2021"].text.split("\n")
    assert first == "预训练时代"
    assert details == ["规模越来越大", "2021年本质上还是规模竞赛"]  # same year: description, not an event
    assert evs["2021"].source.line == line_of("outline.md", "2021年，")
    # a different date inside a description line is an event of its own
    assert evs["2023-03"].text == "Claude 在2023年3月发布"
    assert evs["2023-03"].source.line == line_of("outline.md", "2023年3月")
    assert dates(events_of(kb, "outline.md"))[("2021", None, "year")] == 1


def test_dated_heading_and_date_inside_a_sentence(kb):
    evs = {e.date.start: e for e in events_of(kb, "outline.md")}
    assert evs["2019-02"].text.split("\n") == ["GPT-2", "发布了 GPT-2 模型"]
    assert evs["2024-09-13"].date.precision == "day"
    assert "o1" in evs["2024-09-13"].text
    assert "2024" not in evs  # "## 2024年" is a section heading, not an event
    # a short line heading the paragraph names what the dated sentence under it is about
    assert evs["2024-06"].text.startswith("Anthropic — 在2024年6月")
    assert not evs["2024-06"].text.endswith("：")


def test_dates_that_belong_to_the_line_above(kb):
    evs = events_of(kb, "papers.md")
    text = {e.date.start: e.text for e in evs}
    assert text["2023-05-21"] == "MemoryNet"  # "- 时间：2023-5-21" under it
    assert text["2023-10-16"] == "AgentBench"  # "- 时间" then the date nested below
    assert text["2024-10"].startswith("AgentBench") and text["2024-10"].endswith("综述")
    assert text["2023-11"].startswith("Paper One") and "NAACL 2024" in text["2023-11"]
    assert next(e for e in evs if e.date.start == "2023-05-21").source.line == line_of("papers.md", "2023-5-21")
    assert len(evs) == 4


def test_nothing_from_code_urls_logs_versions_or_as_of_dates(kb):
    evs = events_of(kb, "noise.md")
    assert [(e.date.start, e.text) for e in evs] == [("2022-11", "我们在2022年11月开始学习。")]
    assert evs[0].source.line == line_of("noise.md", "2022年11月")


def test_table_rows_with_a_date_cell(kb):
    evs = {e.date.start: e for e in events_of(kb, "table.md")}
    assert set(evs) == {"2019", "2018-10", "2017-06"}  # 2048 under "上下文" is a count, not a year
    assert evs["2019"].text == "GPT-2 · 15亿"
    assert evs["2017-06"].links == ["Transformer"]
    assert evs["2018-10"].source.line == line_of("table.md", "2018年10月")


# ------------------------------------------------------------------ explicit events


def test_timeline_block_events_replace_inferred_ones(kb):
    evs = events_of(kb, "explicit.md")
    transformer = [e for e in evs if e.date.start == "2017-06"]
    assert len(transformer) == 1 and transformer[0].inferred is False
    assert transformer[0].tags == ["arch"]
    assert transformer[0].source.line == line_of("explicit.md", "date: 2017-06")
    bert = next(e for e in evs if e.date.start == "2018-10")
    assert bert.links == ["BERT"] and bert.source.line == line_of("explicit.md", "2018年10月")
    assert any(e.date.start == "2019-02" and e.text == "GPT-2" for e in evs)  # short form
    ranged = next(e for e in evs if e.date.start == "2014")
    assert (ranged.date.end, ranged.date.precision) == ("2016", "year")


def test_unreadable_explicit_dates_are_warnings_with_file_and_line(kb):
    warnings = [d for d in kb.diagnostics if d.level == "warning" and "date" in d.message]
    places = {(d.path, d.line) for d in warnings}
    assert ("explicit.md", line_of("explicit.md", "someday")) in places
    assert ("frontmatter.md", line_of("frontmatter.md", "not a date")) in places
    assert not any(e.text in ("未知", "broken") for e in kb.events)


def test_front_matter_event_and_timeline(kb):
    evs = {e.date.start: e for e in events_of(kb, "frontmatter.md")}
    assert set(evs) == {"2023-03-14", "2023-11"}
    assert evs["2023-03-14"].text == "OpenAI 发布 GPT-4" and evs["2023-03-14"].date.precision == "day"
    assert evs["2023-03-14"].source.line == line_of("frontmatter.md", "event:")
    assert evs["2023-11"].source.line == line_of("frontmatter.md", "2023-11")
    assert not any(e.inferred for e in evs.values())


def test_front_matter_date_alone_makes_no_event(tmp_path):
    (tmp_path / "a.md").write_text("---\ndate: 2021-01-02\n---\n正文\n", encoding="utf-8")
    assert KnowledgeBase.build(tmp_path).events == []


def test_an_event_stated_in_several_notes_is_listed_once(tmp_path):
    # Equal once full-width forms, letter case, spaces and a final full stop are set aside.
    (tmp_path / "a.md").write_text("- 2023年3月：GPT-4 发布，多模态。\n- 2023年3月：Claude 发布\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("- 2023年3月：ＧＰＴ-4  发布,多模态\n- 2023年3月：claude 发布。\n"
                                   "- 2023年3月：PaLM API 发布\n", encoding="utf-8")
    texts = [e.text for e in KnowledgeBase.build(tmp_path).events]
    assert texts == ["GPT-4 发布，多模态。", "Claude 发布", "PaLM API 发布"]


def test_a_bare_year_is_a_date_only_under_its_own_tables_year_column(tmp_path):
    # The second table follows the first with no blank line between: its own header row
    # (above its separator) names the columns, not the first table's.
    (tmp_path / "a.md").write_text(
        "| 模型 | 年份 |\n|---|---|\n| GPT-2 | 2019 |\n"
        "| 模型 | 上下文 |\n|---|---|\n| GPT-4 | 2048 |\n| Claude | 2023-03 |\n\n"
        "| 名称 | 数量 |\n|---|---|\n| X | 2020 |\n", encoding="utf-8")
    events = [(e.date.start, e.text) for e in KnowledgeBase.build(tmp_path).events]
    assert events == [("2019", "GPT-2"), ("2023-03", "Claude")]


def test_every_row_of_a_long_table_reads_its_own_tables_header(tmp_path):
    # Rows are read in order, each finding its header through the dated row above it.
    rows = "".join(f"| M{i} | {2000 + i} |\n" for i in range(30))
    later = "".join(f"| N{i} | {2000 + i} |\n" for i in range(5))
    (tmp_path / "a.md").write_text(f"| 模型 | 年份 |\n|---|---|\n{rows}| 模型 | 参数 |\n|---|---|\n{later}",
                                   encoding="utf-8")
    events = [(e.date.start, e.text) for e in KnowledgeBase.build(tmp_path).events]
    assert events == [(str(2000 + i), f"M{i}") for i in range(30)]


def test_event_links_finds_wiki_links_note_links_and_urls():
    text = "见 [[A|甲]]、[B](b%20c.md)、![img](x.png) 和 https://x.org/p。"
    assert event_links(text) == ["A", "b c.md", "https://x.org/p"]


def test_event_links_alone_in_a_text_are_found():
    """Each kind of link is found in a text that holds no other kind (each is looked for only
    where its first characters occur)."""
    assert event_links("发布于 https://x.org/p，详见官网。") == ["https://x.org/p"]
    assert event_links("见 [[A]]。") == ["A"]
    assert event_links("见 [B](b.md)。") == ["b.md"]
    assert event_links("GPT-4 发布，没有链接。") == []


def test_extraction_is_linear_in_the_number_of_dated_lines(tmp_path):
    """Many dated items in one list: every one is an event, nothing is dropped or duplicated."""
    lines = [f"- {2000 + i % 50}年{i % 12 + 1}月：事件 {i}" for i in range(3000)]
    (tmp_path / "big.md").write_text("# 大事记\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    evs = KnowledgeBase.build(tmp_path).events
    assert len(evs) == 3000
    assert {e.source.line for e in evs} == set(range(3, 3003))


# ------------------------------------------------------------------ the seeds


def seed_events(kb: KnowledgeBase, prefix: str) -> list[TimelineEvent]:
    return [e for e in kb.events if e.source.note.startswith(prefix)]


def test_seeds_every_dated_event_of_000_and_001(seeds_dir):
    kb = KnowledgeBase.build(seeds_dir)
    got_001 = dates(seed_events(kb, "001_"))
    assert got_001 == Counter({
        ("2012", None, "year"): 1, ("2013", None, "year"): 1, ("2014", None, "year"): 1,
        ("2017-06", None, "month"): 1, ("2018-06", None, "month"): 1, ("2018-10", None, "month"): 1,
        ("2019-06", None, "month"): 1, ("2020-05", None, "month"): 1, ("2022-11", None, "month"): 1,
        ("2023", "present", "year"): 1,
    })
    got_000 = dates(seed_events(kb, "000_"))
    assert got_000 == Counter({
        ("2022", None, "year"): 1, ("2023", None, "year"): 1, ("2023-03", None, "month"): 1,
        ("2024", None, "year"): 1, ("2025", None, "year"): 1, ("2024-09-13", None, "day"): 1,
        ("2024-03", None, "month"): 1, ("2023-05-21", None, "day"): 1, ("2023-10-16", None, "day"): 1,
        ("2024-10", None, "month"): 1, ("2024-02-05", None, "day"): 1, ("2024-12-16", None, "day"): 1,
        ("2024-12", None, "month"): 1,
    })


def test_seeds_events_point_at_the_line_that_states_the_date(seeds_dir):
    kb = KnowledgeBase.build(seeds_dir)
    for prefix in ("000_", "001_"):
        path = next(seeds_dir.glob(prefix + "*"))
        lines = path.read_text(encoding="utf-8").split("\n")
        for e in seed_events(kb, prefix):
            assert e.date.raw in lines[e.source.line - 1], (e.source, e.date)


def test_seeds_no_event_text_starts_with_its_date(seeds_dir):
    kb = KnowledgeBase.build(seeds_dir)
    for e in seed_events(kb, "001_"):
        assert not e.text.startswith(e.date.raw)
        assert len(e.text) < 200  # one list item, not the flattened note
    gpt3 = next(e for e in seed_events(kb, "001_") if e.date.start == "2020-05")
    assert "亿" in gpt3.text  # the count stayed text
    described = next(e for e in seed_events(kb, "000_") if e.date.start == "2022")
    assert len(described.text.split("\n")) >= 2  # the line under "2022年，…" describes it


# ------------------------------------------------------------------ the page


class _Page(HTMLParser):
    """The timeline page's items: their links, dates and the year sections."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.years: list[str] = []
        self.items = 0
        self.inside = 0
        self.controls_hidden = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if "llmnotes-timeline" in cls.split():
            self.inside += 1
        if not self.inside:
            return
        if tag == "section" and "llmnotes-timeline-year" in cls:
            self.years.append(a.get("id", ""))
        if tag == "li" and "llmnotes-event" in cls.split():
            self.items += 1
        if tag == "form" and "llmnotes-timeline-controls" in cls:
            self.controls_hidden = "hidden" in a
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])


def _target_exists(site: Path, page_url: str, href: str) -> bool:
    url = urljoin(page_url, href).split("#")[0]
    path = site / unquote(url.lstrip("/"))
    return (path / "index.html").is_file() if url.endswith("/") else path.is_file()


def test_built_timeline_page_groups_by_year_and_links_resolve(tmp_path):
    notes = tmp_path / "notes"
    shutil.copytree(VAULT, notes)
    site = build_site(notes, tmp_path / "site")
    html = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    kb = KnowledgeBase.build(notes)
    assert page.items == len(kb.events) > 0
    assert page.years == [f"y{y}" for y in sorted({e.date.start[:4] for e in kb.events})]
    assert page.controls_hidden  # without JavaScript the full list is the page
    local = [h for h in page.hrefs if not h.startswith(("http://", "https://", "#"))]
    assert local and all(_target_exists(site, "/timeline/", h) for h in local), local
    # wiki-links in event text are links: to the note when it exists, else to a concept page
    assert re.search(r'<a href="\.\./Transformer/">Transformer</a>', html)
    assert re.search(r'<a href="\.\./concepts/imagenet/">ImageNet</a>', html)
    assert 'href="../dated_list/"' in html  # the source note
    assert "2023 – 至今" in html  # the open range
    assert 'href="https://example.com/gpt3"' in html


def test_event_text_is_escaped_on_the_page(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "x.md").write_text("- 2020年1月：<script>alert(1)</script> [[<b>bad</b>]]\n"
                                "- 2021年1月：[x](javascript:alert(1))\n", encoding="utf-8")
    site = build_site(notes, tmp_path / "site")
    html = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    body = html[html.index("llmnotes-timeline-body"):]
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert "<b>bad</b>" not in body
    assert "javascript:" not in body.split("</ol>")[-2]


def test_serve_renders_again_only_the_events_a_change_shows(tmp_path: Path):
    """Across serve rebuilds each event's item is kept while what it shows is the same."""
    from llmnotes.pages import timeline

    notes = {
        "a.md": "# A\n\n- 2017-06：Transformer 发布\n- 2018-10：BERT 发布\n",
        "b.md": "# B\n\n- 2020-05：GPT-3 发布，见 [[a]]\n",
        "c.md": "# C\n\n- 2022-11：ChatGPT 发布\n",
    }
    write_notes(tmp_path, notes)
    render = ServedPage(timeline, tmp_path).render  # kept items make the page a fresh build makes
    html, made = render()
    assert made == 4
    (tmp_path / "a.md").write_text(notes["a.md"].replace("# A", "# A 改"), encoding="utf-8")
    html, made = render()
    assert "A 改" in html
    assert made == 3  # a's two events show its title; b's text links (the names changed); not c's
    (tmp_path / "c.md").write_text(notes["c.md"] + "- 2023-03：GPT-4 发布\n", encoding="utf-8")
    html, made = render()
    assert made == 1 and "GPT-4" in html

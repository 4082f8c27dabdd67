"""Dates as written in the notes: every accepted form, and the numbers that only look like dates."""

from __future__ import annotations

import pytest

from llmnotes.dates import find_dates, leading_date, parse_date
from llmnotes.model import FuzzyDate

# text, start, end, precision
FORMS = [
    ("2012年", "2012", None, "year"),
    ("2017年6月", "2017-06", None, "month"),
    ("2017年06月", "2017-06", None, "month"),
    ("2024年9月13日", "2024-09-13", None, "day"),
    ("2024年9月13号", "2024-09-13", None, "day"),
    ("2024 年 9 月 13 日", "2024-09-13", None, "day"),
    ("2024年12月份", "2024-12", None, "month"),
    ("2023年至今", "2023", "present", "year"),
    ("2023年-至今", "2023", "present", "year"),
    ("2023至今", "2023", "present", "year"),
    ("2023 - present", "2023", "present", "year"),
    ("2023 - Present", "2023", "present", "year"),
    ("2023–now", "2023", "present", "year"),
    ("2023年到现在", "2023", "present", "year"),
    ("2023年3月至今", "2023-03", "present", "month"),
    ("June 2017 - present", "2017-06", "present", "month"),
    ("2024-3", "2024-03", None, "month"),
    ("2023-5-21", "2023-05-21", None, "day"),
    ("2024.06", "2024-06", None, "month"),
    ("2023.11", "2023-11", None, "month"),
    ("2024.06.15", "2024-06-15", None, "day"),
    ("2024/9/26", "2024-09-26", None, "day"),
    ("2024/9", "2024-09", None, "month"),
    ("June 2017", "2017-06", None, "month"),
    ("Jun 2017", "2017-06", None, "month"),
    ("Sept. 2017", "2017-09", None, "month"),
    ("JUNE 2017", "2017-06", None, "month"),
    ("June 12, 2017", "2017-06-12", None, "day"),
    ("June 12 2017", "2017-06-12", None, "day"),
    ("September 12th, 2017", "2017-09-12", None, "day"),
    ("12 June 2017", "2017-06-12", None, "day"),
    ("12th Dec 2024", "2024-12-12", None, "day"),
    ("2017-06-12", "2017-06-12", None, "day"),
    ("2017-06", "2017-06", None, "month"),
    ("2014-2016", "2014", "2016", "year"),
    ("2014\u20112016", "2014", "2016", "year"),  # non-breaking hyphen
    ("2014–2016", "2014", "2016", "year"),  # en dash
    ("2014 ~ 2016", "2014", "2016", "year"),
    ("2014-2016年", "2014", "2016", "year"),
    ("2012年-2015年", "2012", "2015", "year"),
    ("2023年至2024年", "2023", "2024", "year"),
    ("2023年3月至2024年6月", "2023-03", "2024-06", "month"),
    ("2023年3月-5月", "2023-03", "2023-05", "month"),
    ("2022.12-2023.03", "2022-12", "2023-03", "month"),
    ("２０２３年", "2023", None, "year"),
    ("２０２４年９月１３日", "2024-09-13", None, "day"),
    ("２０２４．０６", "2024-06", None, "month"),
]


@pytest.mark.parametrize(("text", "start", "end", "precision"), FORMS)
def test_parse_date_forms(text: str, start: str, end: str | None, precision: str) -> None:
    assert parse_date(text) == FuzzyDate(start, end, precision, text)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "start", "end", "precision"), FORMS)
def test_find_dates_forms_in_a_sentence(text: str, start: str, end: str | None, precision: str) -> None:
    sentence = f"据说{text}，发生了一些事。"
    assert find_dates(sentence) == [
        (2, 2 + len(text), FuzzyDate(start, end, precision, text))  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(
    ("text", "start", "raw"),
    [
        ("(2022.12)", "2022-12", "2022.12"),
        ("（2022.12）", "2022-12", "2022.12"),
        ("  2017年6月  ", "2017-06", "2017年6月"),
        ("( 2024/9/26 )", "2024-09-26", "2024/9/26"),
        ("\t2023-5-21\n", "2023-05-21", "2023-5-21"),
    ],
)
def test_parse_date_strips_spaces_and_one_pair_of_parentheses(text: str, start: str, raw: str) -> None:
    d = parse_date(text)
    assert d is not None
    assert (d.start, d.raw) == (start, raw)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2017", "2017"),
        ("(2017)", "2017"),
        ("（2017）", "2017"),
        (" 1950 ", "1950"),
        ("2100", "2100"),
        ("２０１７", "2017"),
    ],
)
def test_parse_date_takes_a_bare_year_as_a_whole_value(text: str, year: str) -> None:
    assert parse_date(text) == FuzzyDate(year, None, "year", text.strip().strip("()（）"))


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-15 12:34:56",
        "2024-03-15T12:34:56",
        "2024-03-15T12:34:56Z",
        "2024-03-15T12:34:56.123+08:00",
        "2024-03-15 12:34",
        "2024/03/15 12:34:56,789",
    ],
)
def test_parse_date_reads_a_whole_date_time_as_its_day(text: str) -> None:
    assert parse_date(text) == FuzzyDate("2024-03-15", None, "day", text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "()",
        "NAACL 2024",
        "2023年3月推出",
        "GPT4在2023年3月推出",
        "2023年3月 2024年",
        "(2017",
        "((2017))",
        "1750亿",
        "4096",
        "1949",
        "2101",
        "v1.2.3",
        "3.11.7",
        "1.2024.3",
        "2305.10250",
        "https://example.com/2024/03/15/xyz.png",
        "115.182.62.166:18000",
        "120230101",
        "0.2023",
        "2024-13",
        "2024-02-30",
        "2024-03-15 发布",
        "2016-2014",
        "may 2023",
        "2024-03-15 25:61",
    ],
)
def test_parse_date_refuses_what_is_not_only_a_date(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("1950年", "1950"),
        ("2100年", "2100"),
        ("2024-02-29", "2024-02-29"),
        ("2000-02-29", "2000-02-29"),
        ("2023年12月31日", "2023-12-31"),
        ("2023年1月1日", "2023-01-01"),
    ],
)
def test_bounds_that_are_dates(text: str, start: str) -> None:
    d = parse_date(text)
    assert d is not None and d.start == start


@pytest.mark.parametrize(
    "text",
    [
        "1949年",
        "2101年",
        "1750年",
        "2023-02-29",
        "1900-02-29",
        "2024-04-31",
        "2024年2月30日",
        "2024年13月",
        "2024年0月",
        "2024年1月0日",
        "2024.0",
        "2024/13",
        "June 31, 2017",
    ],
)
def test_implausible_dates_are_refused(text: str) -> None:
    assert parse_date(text) is None
    assert find_dates(f"见 {text} 。") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024年9月13日，o1（是个推理模型）预览版推出",
            [(0, 10, FuzzyDate("2024-09-13", None, "day", "2024年9月13日"))],
        ),
        ("GPT4在2023年3月推出", [(5, 12, FuzzyDate("2023-03", None, "month", "2023年3月"))]),
        ("- 时间：2023-5-21", [(5, 14, FuzzyDate("2023-05-21", None, "day", "2023-5-21"))]),
        ("- 时间:2023-5-21", [(5, 14, FuzzyDate("2023-05-21", None, "day", "2023-5-21"))]),
        (
            "R-Tuning: Teaching LLMs to refuse 2023.11，NAACL 2024",
            [(34, 41, FuzzyDate("2023-11", None, "month", "2023.11"))],
        ),
        (
            "Attention Is All You Need (June 12, 2017)",
            [(27, 40, FuzzyDate("2017-06-12", None, "day", "June 12, 2017"))],
        ),
        ("本科 (2014-2016)", [(4, 13, FuzzyDate("2014", "2016", "year", "2014-2016"))]),
        ("-2023年3月", [(1, 8, FuzzyDate("2023-03", None, "month", "2023年3月"))]),
        ("**2023年**", [(2, 7, FuzzyDate("2023", None, "year", "2023年"))]),
        (
            "从2017年6月到2023年至今",
            [
                (1, 14, FuzzyDate("2017-06", "2023", "month", "2017年6月到2023年")),
            ],
        ),
        (
            "2019年发布GPT-2，2020年6月发布GPT-3，2022.11 ChatGPT",
            [
                (0, 5, FuzzyDate("2019", None, "year", "2019年")),
                (13, 20, FuzzyDate("2020-06", None, "month", "2020年6月")),
                (28, 35, FuzzyDate("2022-11", None, "month", "2022.11")),
            ],
        ),
        (
            "2023年-2016年",
            [
                (0, 5, FuzzyDate("2023", None, "year", "2023年")),
                (6, 11, FuzzyDate("2016", None, "year", "2016年")),
            ],
        ),
        ("2023年至少发了三篇", [(0, 5, FuzzyDate("2023", None, "year", "2023年"))]),
        ("2024年9月13日 10:00 发布会", [(0, 10, FuzzyDate("2024-09-13", None, "day", "2024年9月13日"))]),
        ("2023 - present", [(0, 14, FuzzyDate("2023", "present", "year", "2023 - present"))]),
        ("2023.11.", [(0, 7, FuzzyDate("2023-11", None, "month", "2023.11"))]),
    ],
)
def test_find_dates_in_sentences(text: str, expected: list[tuple[int, int, FuzzyDate]]) -> None:
    assert find_dates(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1750亿",
        "1750亿参数",
        "2000亿参数的模型",
        "115.182.62.166:18000",
        "服务在 http://115.182.62.166:18000/v1 上",
        "v1.2.3",
        "3.11.7",
        "Python 3.11",
        "GPT-3.5",
        "1.2024.3",
        "v2024.06",
        "https://example.com/2024/03/15/xyz.png",
        "见 https://example.com/blog?date=2024-03-15 。",
        "www.example.com/2023年",
        "arxiv.org/abs/2012.01234",
        "arxiv 2305.10250",
        "arXiv:1706.03762",
        "https://zhuanlan.zhihu.com/p/1909996866432668841",
        "/p/1909996866432668841",
        "2024-03-15 12:34:56,789 INFO started",
        "[2024-03-15 12:34:56] ERROR",
        "2024-03-15T12:34:56",
        "2024/03/15 12:34",
        "2048 tokens",
        "上下文 4096",
        "max_len=2048",
        "NAACL 2024",
        "(2017)",
        "in 2017 we",
        "120230101",
        "20230101",
        "0.2023",
        "16:9",
        "12:2023",
        "010-2023-1234",
        "138-2024-5678",
        "2023-1234-5678",
        "4小时",
        "第一周",
        "2024.06.15.2",
        "report_2024-03-15.pdf",
        "2024-03-15.pdf",
        "notes/2024-03-15.md",
        "may 2023",
        "march 2024",
        "Marvel 2017",
        "2016-2014",
        "2024-3-99",
    ],
)
def test_find_dates_ignores_non_dates(text: str) -> None:
    assert find_dates(text) == []


def test_find_dates_skips_the_url_but_not_the_sentence_around_it() -> None:
    text = "2023年3月的博客 https://example.com/2023/03/15/post.html 和 arxiv.org/abs/2305.10250 (2023.05)"
    assert [(d.start, d.raw) for _, _, d in find_dates(text)] == [
        ("2023-03", "2023年3月"),
        ("2023-05", "2023.05"),
    ]


def test_find_dates_after_a_markdown_link() -> None:
    text = "[博客](https://example.com/2024/a)2024年3月发布"
    at = text.index(")2024") + 1
    assert find_dates(text) == [(at, at + 7, FuzzyDate("2024-03", None, "month", "2024年3月"))]


def test_offsets_point_at_the_raw_text_also_with_full_width_digits() -> None:
    text = "发布于２０２４年９月，更新于 2024‑10 和 2014‑2016 期间"
    found = find_dates(text)
    assert [text[a:b] for a, b, _ in found] == ["２０２４年９月", "2024‑10", "2014‑2016"]
    assert [d.raw for _, _, d in found] == ["２０２４年９月", "2024‑10", "2014‑2016"]
    assert [(d.start, d.end) for _, _, d in found] == [("2024-09", None), ("2024-10", None), ("2014", "2016")]


def test_a_date_does_not_span_lines() -> None:
    assert [d.raw for _, _, d in find_dates("2023年\n3月\n2024 -\npresent")] == ["2023年"]


def test_find_dates_on_text_without_digits() -> None:
    assert find_dates("") == []
    assert find_dates("这是一段没有数字的笔记 about attention.") == []


def test_find_dates_on_a_long_paragraph() -> None:
    line = "GPT4在2023年3月推出，参数量1750亿，上下文 4096 tokens，见 https://arxiv.org/abs/2305.10250 (June 12, 2017)\n"
    found = find_dates(line * 500)
    assert len(found) == 1000
    assert {d.start for _, _, d in found} == {"2023-03", "2017-06-12"}


def test_fuzzy_date_accessors() -> None:
    d = parse_date("2017年6月")
    assert d is not None
    assert (d.year, d.month, d.sort_key) == (2017, 6, "2017-06")
    assert d.to_dict() == {"date": "2017-06", "end": None, "precision": "month", "raw": "2017年6月"}


# A line that starts with a date ("2023.11，NAACL 2024") is a date field of a paper's block.
LEADING = [
    ("2023.11，NAACL 2024", "2023-11"),
    ("２０２４年９月，o1 发布", "2024-09"),
    ("June 12, 2017: Transformer", "2017-06-12"),
    ("2023年3月至今 在做", "2023-03"),
    ("2023年-2016年 写反了", "2023"),  # the range is refused, its start is still a date
    ("2024-03-15 12:34:56 日志", None),  # a log timestamp, not a date
    ("v2024.1 版本", None),
    ("在 2023 年 3 月发布", None),  # the date is not at the start
    ("发布于2023年3月", None),
    ("", None),
    ("1750亿参数", None),
    ("2305.10250 是 arXiv id", None),
]


@pytest.mark.parametrize("text,start", LEADING)
def test_leading_date_is_find_dates_first_hit_at_offset_0(text: str, start: str | None) -> None:
    hit = leading_date(text)
    assert (hit[2].start if hit else None) == start
    found = find_dates(text)
    assert hit == (found[0] if found and found[0][0] == 0 else None)


def test_leading_date_agrees_with_find_dates_on_every_line_of_the_fixtures() -> None:
    from conftest import FIXTURES

    lines = {line.strip().lstrip("-*+>#| ").strip() for p in FIXTURES.rglob("*") if p.suffix in (".md", ".txt")
             for line in p.read_text("utf-8", "replace").split("\n")}
    dated = 0
    for line in lines:
        found = find_dates(line)
        expected = found[0] if found and found[0][0] == 0 else None
        assert leading_date(line) == expected, line
        dated += expected is not None
    assert dated > 10  # the fixtures hold dated lines, so the comparison means something

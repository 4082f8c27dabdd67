"""Tables: pipe and HTML tables are entries with their note, line, header and rows; code holds none."""

from __future__ import annotations

from pathlib import Path

from llmnotes.extract.tables import find_html_tables, find_pipe_tables, split_row
from llmnotes.kb import KnowledgeBase
from llmnotes.textutil import mask_code

FIXTURES = Path(__file__).parent / "fixtures"


def tables_of(text: str):
    masked = mask_code(text)
    return sorted(find_pipe_tables(text, masked) + find_html_tables(text, masked))


def test_pipe_table_header_rows_and_line():
    text = "intro\n\n| Name | Year |\n| :--- | ---: |\n| BERT | 2018 |\n|  GPT  | 2018 |\n\nafter | not a row\n"
    [(line, header, rows)] = tables_of(text)
    assert line == 2
    assert header == ["Name", "Year"]
    assert rows == [["BERT", "2018"], ["GPT", "2018"]]


def test_cells_keep_markdown_and_pipes_inside_links_and_code():
    row = "| [[Note|alias]] | `a|b` | [t](https://x.org) | a \\| b |"
    cells = split_row(row, mask_code(row))
    assert cells == ["[[Note|alias]]", "`a|b`", "[t](https://x.org)", "a | b"]


def test_table_without_outer_pipes():
    [(_, header, rows)] = tables_of("a | b\n--|--\n1 | 2\n")
    assert header == ["a", "b"] and rows == [["1", "2"]]


def test_table_in_code_block_is_not_a_table():
    text = "```\n| a | b |\n| - | - |\n| 1 | 2 |\n```\n\n~~~md\n| x | y |\n|---|---|\n~~~\n"
    assert tables_of(text) == []


def test_setext_heading_or_rule_is_not_a_table():
    assert tables_of("a | b\n---\ntext\n") == []


def test_html_table_with_header_row():
    text = "x\n<table>\n<tr><th>Model</th><th>Code</th></tr>\n<tr><td>Alpha</td><td><a href='u'>code</a></td></tr>\n</table>"
    [(line, header, rows)] = tables_of(text)
    assert line == 1
    assert header == ["Model", "Code"]
    assert rows == [["Alpha", "code"]]


def test_html_table_inside_code_is_not_counted():
    assert tables_of("```html\n<table><tr><td>x</td></tr></table>\n```\n") == []


def test_knowledge_base_counts_tables_with_note_and_line():
    kb = KnowledgeBase.build(FIXTURES / "roadmap")
    by_note: dict[str, list] = {}
    for t in kb.tables:
        by_note.setdefault(t.source.note, []).append(t)
    assert [t.header for t in by_note["数学路线.md"]] == [["周次", "主题", "内容"]]
    assert by_note["数学路线.md"][0].source.line == 21
    assert len(by_note["course-plan.md"]) == 2  # front matter lines counted in the line numbers
    assert by_note["course-plan.md"][0].source.line == 18
    assert len(by_note["plain-note.md"]) == 1
    assert "checklist.md" not in by_note


def test_readme_html_table_is_found():
    kb = KnowledgeBase.build(FIXTURES / "links")
    [table] = kb.tables
    assert table.source.note == "readme.md"
    assert table.header == ["Model", "Link"]
    assert table.rows == [["Alpha", "code"], ["Beta", "n/a"]]

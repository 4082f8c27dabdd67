"""Loader: decoding, front matter, titles, Markdown-vs-plain-text, the vault walk."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmnotes.loader import choose_title, load_vault, looks_like_markdown, parse_note


def test_utf8_bom_is_stripped():
    note, diags = parse_note("a.md", "\ufeff# 标题\n正文".encode())
    assert note.title == "标题" and not note.text.startswith("\ufeff") and diags == []


def test_utf16_with_bom_decodes_with_a_warning():
    note, diags = parse_note("u16.md", "# 你好 UTF-16\n".encode("utf-16"))
    assert note.title == "你好 UTF-16"
    assert any("UTF-16" in d.message and d.path == "u16.md" for d in diags)


def test_gbk_decodes_with_a_warning_naming_the_file():
    note, diags = parse_note("win.md", "# 大模型笔记\n预训练与微调".encode("gbk"))
    assert note.title == "大模型笔记" and "预训练与微调" in note.text
    assert [d.path for d in diags] == ["win.md"] and "GB18030" in diags[0].message


def test_invalid_utf8_is_replaced_not_fatal():
    data = b"# ok\n" + b"bad \xff\xfe\xfa bytes\x80\n"
    note, diags = parse_note("bad.md", data)
    assert note.title == "ok" and "bytes" in note.text
    assert diags and diags[0].path == "bad.md" and diags[0].level == "warning"


def test_front_matter_fields_and_other_keys_kept():
    src = "---\ntitle: 自定义标题\ntags: [a, 中文]\naliases: 别名\ndate: 2024-03-01\nauthor: me\n---\n# H1\n"
    note, diags = parse_note("n.md", src.encode())
    assert (note.title, note.tags, note.aliases) == ("自定义标题", ["a", "中文"], ["别名"])
    assert note.meta["date"] == "2024-03-01" and note.meta["author"] == "me" and not diags
    assert note.source_line(0) == 8  # "# H1" is line 8 of the file


def test_malformed_front_matter_warns_with_line_and_keeps_the_block_visible():
    src = "---\ntitle: ok\ntags: [unclosed\n---\n# Body\n"
    note, diags = parse_note("broken.md", src.encode())
    assert diags and diags[0].path == "broken.md" and diags[0].line and diags[0].line >= 2
    assert "tags: [unclosed" in note.text and "# Body" in note.text


def test_front_matter_that_is_not_a_mapping():
    note, diags = parse_note("list.md", b"---\n- a\n- b\n---\ntext\n")
    assert "mapping" in diags[0].message and "- a" in note.text


@pytest.mark.parametrize("body, stem, expected", [
    ("# First H1\n## x", "f", "First H1"),
    ("[TOC]\n\n## 章节\ntext", "000_b44f1230b9d77f32", "章节"),
    ("\n\n大模型是个经验性的学科，现在的研究方式好处就是有效，在某些场景下实打实提升了性能", "000_b44f1230b9d77f32",
     "大模型是个经验性的学科，现在的研究方式好处就是有效…"),
    ("", "my-note", "my-note"),
])
def test_title_rules(body, stem, expected):
    assert choose_title({}, body, stem) == expected


def test_hash_like_file_name_never_becomes_the_title():
    note, _ = parse_note("000_b44f1230b9d77f32.txt", "1.发展历程\n正文\n".encode())
    assert "b44f1230" not in note.title


def test_txt_holding_markdown_is_markdown():
    assert looks_like_markdown("## llm\n\n- [从头预训练](https://example.com)\n")
    assert not looks_like_markdown("1.发展历程\n大模型\n- 时间：2024-3\n![img.png](img.png)\n")


def test_walk_skips_hidden_and_reports_unknown_files(tmp_path: Path):
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "x.md").write_text("hidden")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "n.markdown").write_text("# N")
    (tmp_path / "a.txt").write_text("plain")
    (tmp_path / "img.png").write_bytes(b"\x89PNG")
    (tmp_path / "data.docx").write_bytes(b"PK")
    vault = load_vault(tmp_path)
    assert sorted(n.path for n in vault.notes) == ["a.txt", "sub/n.markdown"]
    assert vault.assets == ["img.png"]
    assert any(d.path == "data.docx" for d in vault.diagnostics)


def test_cache_skips_unchanged_files(tmp_path: Path):
    (tmp_path / "a.md").write_text("# A")
    cache: dict = {}
    first = load_vault(tmp_path, cache).notes[0]
    assert load_vault(tmp_path, cache).notes[0] is first
    (tmp_path / "a.md").write_text("# A changed, longer")
    assert load_vault(tmp_path, cache).notes[0].title == "A changed, longer"


def test_cache_forgets_deleted_files(tmp_path: Path):
    (tmp_path / "a.md").write_text("# A")
    (tmp_path / "b.md").write_text("# B")
    cache: dict = {}
    load_vault(tmp_path, cache)
    (tmp_path / "b.md").unlink()
    assert [n.path for n in load_vault(tmp_path, cache).notes] == ["a.md"]
    assert set(cache) == {"a.md"}
    (tmp_path / "b.md").write_text("# B again")  # and a file that comes back is read again
    assert [n.title for n in load_vault(tmp_path, cache).notes] == ["A", "B again"]


# ---------------------------------------------------------------- plain front matter without PyYAML

_KEYS = ["title", "tags", "date", "aliases", "创建时间", "yes", "null", "~", "1", "2020-01-01", "a:b", "<<",
         "key ", " key", "k#", "-k", "'q'", "tag s", "TRUE"]
_VALUES = ["QLoRA 学习笔记", "2020-03-23", "2020-13-45", "2020-3-3", "2020-03-23 10:00", "yes", "No", "null", "~",
           "", "1", "1.5", "1e3", "0x1F", "1:20", "-1", ".inf", "a: b", "a:b", "a #c", "C#", "it's", "\"q\"",
           "[a, b]", "[LLM, 综述]", "[]", "[a,b]", "[a, , b]", "[a, [b]]", "[a: b]", "[2020-01-01, x]", "[yes, x]",
           "[a", "{a: b}", "&x a", "*x", "!tag a", "|", ">", "%x", "@x", "?x", "-x", "https://x.org/a?b=c#d",
           "x\t", "a\u2028b", "a\x85b", "a\ufeffb", "a\x07b", "中文：冒号", "中文, 逗号", "a  b", "Off", "x:"]


def _front_matter_block(r) -> str:
    lines = []
    for _ in range(r.randint(0, 5)):
        key, shape = r.choice(_KEYS), r.random()
        if shape < 0.6:
            lines.append(f"{key}:{r.choice([' ', '  ', ''])}{r.choice(_VALUES)}")
        elif shape < 0.85:
            lines.append(f"{key}:")
            indent = r.choice(["", "  ", "    "])
            lines += [f"{r.choice([indent, indent, indent + ' '])}- {r.choice(_VALUES)}" for _ in range(r.randint(0, 3))]
        else:
            lines.append(r.choice(["", "  nested: x", "# comment", "  more text", "- x", "   ", "k: v # c"]))
    return "\n".join(lines) + r.choice(["\n", "", "\n\n"])


def test_plain_front_matter_is_read_as_yaml_reads_it():
    import random

    import yaml

    from llmnotes.simpleyaml import read_simple_mapping

    r, read = random.Random(6), 0
    for _ in range(20000):
        block = _front_matter_block(r)
        fast = read_simple_mapping(block)
        if fast is None:  # not the plain shape: PyYAML reads it
            continue
        read += 1
        for loader in (yaml.CSafeLoader, yaml.SafeLoader):
            expected = yaml.load(block, Loader=loader) or {}
            assert (fast, list(fast)) == (expected, list(expected)), (block, loader)
    assert read > 2000  # the shape is common enough among these for the comparison to mean something


def test_obsidian_front_matter_is_read_without_pyyaml_and_the_rest_with_it():
    from datetime import date

    from llmnotes.simpleyaml import read_simple_mapping

    block = "title: QLoRA 学习笔记\ntags: [LLM, 综述]\naliases:\n  - QLoRA\n  - 量化微调\ncssclass:\ndate: 2023-05-23\n"
    assert read_simple_mapping(block) == {"title": "QLoRA 学习笔记", "tags": ["LLM", "综述"],
                                          "aliases": ["QLoRA", "量化微调"], "cssclass": None,
                                          "date": date(2023, 5, 23)}
    for other in ["title: \"quoted\"\n", "draft: yes\n", "n: 3\n", "a:\n  b: c\n", "t: x # note\n", "d: 2020-13-45\n"]:
        assert read_simple_mapping(other) is None, other
    note, diags = parse_note("a.md", "---\ntitle: 笔记\ntags: [LLM]\ndate: 2023-05-23\n---\n正文\n".encode())
    assert (note.title, note.meta["date"], note.tags, diags) == ("笔记", "2023-05-23", ["LLM"], [])

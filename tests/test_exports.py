"""Exports: the JSON schema, BibTeX that parses, CSL-JSON fields, the CLI, and the files in a built site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import build_site

from llmnotes import exports
from llmnotes.cli import main
from llmnotes.kb import KnowledgeBase
from llmnotes.model import Link, Source, Table

FIXTURES = Path(__file__).parent / "fixtures" / "papers"

TRICKY = """# Tricky

```paper
title: "Loss {A} & 100% of _x_ #1 \\\\ ~^ $5"
arxiv: 2301.00001
venue: "R&D Workshop"
```

```paper
title: 'Loss: a second paper'
date: 2023-01
```
"""


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.build(FIXTURES)


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """A small strict BibTeX reader: entry type, key, fields; fails on unbalanced braces."""
    entries = []
    pos = 0
    while True:
        at = text.find("@", pos)
        if at < 0:
            assert not text[pos:].strip(), f"text outside entries: {text[pos:]!r}"
            return entries
        assert not text[pos:at].strip(), f"text between entries: {text[pos:at]!r}"
        m = re.compile(r"@(\w+)\{([^,\s{}]+),").match(text, at)
        assert m, text[at:at + 80]
        depth, i = 1, m.end()
        while depth:
            c = text[i]
            if c == "\\":
                i += 2
                continue
            depth += {"{": 1, "}": -1}.get(c, 0)
            i += 1
        body = text[m.end():i - 1]
        fields = {}
        for fm in re.finditer(r"(\w+)\s*=\s*", body):
            start = fm.end()
            if body[start] == "{":
                d, j = 0, start
                while True:
                    if body[j] == "\\":
                        j += 2
                        continue
                    d += {"{": 1, "}": -1}.get(body[j], 0)
                    j += 1
                    if d == 0:
                        break
                fields[fm.group(1)] = body[start + 1:j - 1]
            else:
                fields[fm.group(1)] = re.match(r"[\w.]+", body[start:]).group(0)
        entries.append((m.group(1), m.group(2), fields))
        pos = i


# ----------------------------------------------------------------- JSON


def test_json_has_every_section_with_its_fields(kb) -> None:
    kb.links = [Link("https://example.com/a", "A", Source("urls.md", 3)),
                Link("https://example.com/a", "", Source("front.md", 9))]
    kb.tables = [Table(Source("urls.md", 5), ["h1", "h2"], [["a", "b"]])]
    data = json.loads(exports.render(kb, "json"))
    assert {"notes", "events", "papers", "links", "tables", "tags", "wikilinks"} <= set(data)
    note = next(n for n in data["notes"] if n["path"] == "outline.txt")
    assert note["url"] == "outline/" and note["title"]
    assert set(note) >= {"path", "title", "url", "tags"}
    reading = next(n for n in data["notes"] if n["path"] == "reading.md")
    assert reading["tags"] == ["personalization"]
    paper = next(p for p in data["papers"] if p["arxiv"] == "2009.06732")
    assert set(paper) >= {"title", "arxiv", "date", "arxiv_date", "date_mismatch", "venue", "code", "notes"}
    assert (paper["date"], paper["arxiv_date"], paper["date_mismatch"]) == ("2022-03", "2020-09", True)
    assert data["links"] == [{"url": "https://example.com/a", "text": "A", "notes": ["urls.md", "front.md"]}]
    assert data["tables"] == [{"note": "urls.md", "line": 5, "header": ["h1", "h2"], "rows": [["a", "b"]]}]
    assert data["tags"]["rlhf"] == ["front.md"]


def test_json_events_and_wikilinks(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n\n- 2023年5月：发布了 [[B]]\n- 见 [[Nowhere]]\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n", encoding="utf-8")
    kb = KnowledgeBase.build(tmp_path)
    data = json.loads(exports.render(kb, "json"))
    links = {w["target"]: w for w in data["wikilinks"]}
    assert links["B"] == {"source": "a.md", "target": "B", "resolved": "b.md", "line": 3}
    assert links["Nowhere"]["resolved"] is None
    for e in data["events"]:  # filled by the timeline extractor when it runs
        assert set(e) >= {"date", "end", "precision", "text", "note", "line", "inferred"}
        assert re.fullmatch(r"\d{4}(-\d\d){0,2}", e["date"])


# ----------------------------------------------------------------- BibTeX


def test_bibtex_parses_with_one_entry_per_paper_and_unique_keys(kb) -> None:
    entries = parse_bibtex(exports.render(kb, "bibtex"))
    assert len(entries) == len(kb.papers)
    keys = [k for _, k, _ in entries]
    assert len(set(keys)) == len(keys)
    lora = next(f for _, _, f in entries if f.get("eprint") == "2106.09685")
    assert lora["archivePrefix"] == "arXiv"
    assert lora["year"] == "2021" and lora["month"] == "jun"
    assert lora["url"] == "https://arxiv.org/abs/2106.09685"
    old = next(f for _, _, f in entries if f.get("eprint") == "hep-th/9901001")
    assert old["primaryClass"] == "hep-th"


def test_bibtex_keys_are_stable(kb) -> None:
    again = KnowledgeBase.build(FIXTURES)
    assert exports.render(kb, "bibtex") == exports.render(again, "bibtex")
    assert "attention2017" in [k for _, k, _ in parse_bibtex(exports.render(kb, "bibtex"))]


def test_bibtex_escapes_special_characters(tmp_path: Path) -> None:
    (tmp_path / "t.md").write_text(TRICKY, encoding="utf-8")
    kb = KnowledgeBase.build(tmp_path)
    text = exports.render(kb, "bibtex")
    entries = parse_bibtex(text)
    assert len(entries) == 2
    title = entries[0][2]["title"]
    assert not re.search(r"(?<!\\)[&%#_$]", title)  # every special character escaped
    assert "{A}" not in title
    assert r"\&" in title and r"\%" in title and r"\_x\_" in title and r"\#1" in title and r"\$5" in title
    assert entries[0][2]["howpublished"] == r"R\&D Workshop"
    # Two titles starting with the same word and year get distinct keys.
    assert entries[0][1] != entries[1][1]


# ----------------------------------------------------------------- CSL-JSON


def test_csl_items(kb) -> None:
    items = json.loads(exports.render(kb, "csl"))
    assert isinstance(items, list) and len(items) == len(kb.papers)
    assert len({i["id"] for i in items}) == len(items)
    lora = next(i for i in items if i.get("URL") == "https://arxiv.org/abs/2106.09685")
    assert lora["type"] == "article"
    assert lora["title"] == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert lora["issued"] == {"date-parts": [[2021, 6]]}
    assert lora["container-title"] == "ICLR 2022"
    day = next(i for i in items if i.get("title", "").startswith("Chain-of-Thought"))
    assert day["issued"] == {"date-parts": [[2022, 1, 28]]}
    assert "container-title" not in day


# ----------------------------------------------------------------- CLI and site


@pytest.mark.parametrize("fmt", ["json", "bibtex", "csl"])
def test_cli_export_writes_to_stdout(fmt: str, capsys) -> None:
    assert main(["export", str(FIXTURES), "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "bibtex":
        assert len(parse_bibtex(out)) >= 10
    else:
        data = json.loads(out)
        assert (data["papers"] if fmt == "json" else data)


def test_built_site_carries_the_exports_and_links_them(tmp_path: Path) -> None:
    site = build_site(FIXTURES, tmp_path / "site")
    entries = json.loads((site / "entries.json").read_text(encoding="utf-8"))
    assert any(p["arxiv"] == "1706.03762" for p in entries["papers"])
    assert len(parse_bibtex((site / "papers.bib").read_text(encoding="utf-8"))) == len(entries["papers"])
    assert len(json.loads((site / "papers.csl.json").read_text(encoding="utf-8"))) == len(entries["papers"])
    page = (site / "papers" / "index.html").read_text(encoding="utf-8")
    for name in ("entries.json", "papers.bib", "papers.csl.json"):
        assert f'href="../{name}"' in page


def test_site_export_is_the_cli_export_written_compact(tmp_path: Path, capsys) -> None:
    """The site's entries.json holds what `llmnotes export` prints, without the indentation."""
    site = build_site(FIXTURES, tmp_path / "site")
    shipped = (site / "entries.json").read_text(encoding="utf-8")
    assert main(["export", str(FIXTURES), "--format", "json"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(shipped) == json.loads(printed)
    assert "\n " not in shipped and "\n " in printed


def test_exports_can_be_turned_off(tmp_path: Path) -> None:
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text("site_name: T\nplugins:\n  - llmnotes:\n      exports: false\n", encoding="utf-8")
    site = build_site(FIXTURES, tmp_path / "site", config_file=cfg)
    assert not (site / "entries.json").exists()
    assert "papers.bib" not in (site / "papers" / "index.html").read_text(encoding="utf-8")


def test_site_without_directory_urls_links_exports_and_notes_right(tmp_path: Path) -> None:
    site = build_site(FIXTURES, tmp_path / "site", use_directory_urls=False)
    entries = json.loads((site / "entries.json").read_text(encoding="utf-8"))
    urls = {n["path"]: n["url"] for n in entries["notes"]}
    assert urls["outline.txt"] == "outline.html" and (site / "outline.html").is_file()
    assert 'href="entries.json"' in (site / "papers.html").read_text(encoding="utf-8")


def test_compact_json_written_a_field_at_a_time_is_json_dumps_of_the_whole(kb) -> None:
    made: list[str] = []

    def part(name, make):
        made.append(name)
        return make()

    whole = json.dumps(exports.to_json_data(kb), ensure_ascii=False, separators=(",", ":")) + "\n"
    assert exports.encoded(kb, "json", part=part) == whole.encode("utf-8")
    assert exports.render(kb, "json", compact=True) == whole
    assert made == list(exports.to_json_data(kb))


def test_a_retitle_writes_again_only_the_note_list_of_the_json_export(tmp_path: Path) -> None:
    """Serve keeps each field of entries.json under what it reads (`exports.key`): a retitle
    changes the notes' titles, read by the note list alone."""
    import shutil

    from llmnotes.cache import Fingerprints, Memo, digest

    vault = tmp_path / "notes"
    shutil.copytree(FIXTURES, vault)
    memo, cache = Memo(), {}
    previous: list[Fingerprints] = []

    def export() -> tuple[list[str], dict]:
        kb = KnowledgeBase.build(vault, cache=cache)
        memo.new_build()
        fingerprints = Fingerprints(kb, previous.pop() if previous else None)
        previous.append(fingerprints)
        made: list[str] = []

        def part(name, make):
            key = digest(*exports.key(fingerprints, "json", name))
            return memo.get(("part", key), lambda: made.append(name) or make())

        # Each note's entry kept by what it holds too, as serve keeps them.
        text = exports.encoded(kb, "json", part=part, kept_notes=memo.table("export notes")).decode("utf-8")
        assert text == exports.render(kb, "json", compact=True)  # the same as made whole
        return made, json.loads(text)

    made, _ = export()
    assert made == ["version", "notes", "events", "papers", "links", "tables", "tags", "wikilinks"]
    note = min(vault.glob("*.md"))
    text = note.read_text(encoding="utf-8")
    assert text.startswith("# ")
    note.write_text(text.replace("\n", " Renamed\n", 1), encoding="utf-8")
    made, data = export()
    assert made == ["notes"]
    assert any(n["title"].endswith(" Renamed") for n in data["notes"])

"""Note pages: images sized, labels escaped, templates overridable by a site's custom_dir."""

from __future__ import annotations

from pathlib import Path

import markdown
import yaml
from conftest import build_site, write_notes
from mkdocs.utils.meta import get_data

from llmnotes.i18n import Labels
from llmnotes.kb import KnowledgeBase
from llmnotes.render import NoteRenderer, front_matter, page_title, yaml_string


def render(tmp_path: Path, files: dict[str, str], which: str) -> str:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    kb = KnowledgeBase.build(tmp_path)
    return NoteRenderer(kb, Labels("en")).render(kb.notes[which])


def to_html(md: str) -> str:
    body = md.split("---\n", 2)[2]
    return markdown.markdown(body, extensions=["attr_list", "md_in_html", "tables", "fenced_code"])


def test_obsidian_image_sizes_are_applied_not_shown(tmp_path: Path):
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "image.png").write_bytes(b"\x89PNG")
    out = to_html(render(tmp_path, {"n.md": "![alt|1000](https://example.com/a.png)\n\n![[image.png|300]]\n"}, "n.md"))
    assert 'width="1000"' in out and 'width="300"' in out
    assert "|1000" not in out and "|300" not in out
    assert 'src="pics/image.png"' in out  # found by name anywhere in the vault


def test_embed_of_a_note_is_a_link(tmp_path: Path):
    out = to_html(render(tmp_path, {"a.md": "![[b]]\n", "b.md": "# B\n"}, "a.md"))
    assert '<a class="llmnotes-link" href="b.md">b</a>' in out


def test_labels_and_titles_from_notes_are_escaped(tmp_path: Path):
    evil = "<script>alert(1)</script>"
    md = render(tmp_path, {"a.md": f"[[b|{evil}]] and [[{evil}]]\n", "b.md": f"---\ntitle: '{evil}'\n---\n"}, "a.md")
    out = to_html(md)
    assert "<script>" not in out and "&lt;script&gt;" in out
    b = render(tmp_path, {}, "b.md")
    assert get_data(b)[1]["title"] == "&lt;script&gt;alert(1)&lt;/script&gt;"


# Titles YAML would misread if written plainly: indicators, comments, booleans, dates,
# numbers, document markers, line breaks (all kinds), controls, quotes and escapes.
AWKWARD = [
    "plain 标题", "键: 值", "a #not-a-comment", "- item", "#tag", "? key", "! tag", "& anchor", "* alias",
    "| block", "> folded", "% directive", "@at", "`tick`", "[flow", "{flow}", "yes", "No", "on", "null", "~",
    "2024-01-01", "0x1F", "1e3", ".inf", "1:20", "---", "...", "--- x", "line\nbreak", "cr\rlf\r\n",
    "tab\there", "nel\x85", "ls\u2028ps\u2029", "del\x7f", "nul\x00", "bom\ufeff", "\"quoted\"",
    "it's", "back\\slash", "\\u0041 stays", "  padded  ", "", "emoji 😀", "non\ufffechar",
]


def test_front_matter_reads_back_any_title_and_description():
    for text in AWKWARD:
        doc, meta = get_data(front_matter(text, {"description": text}) + "body\n")
        assert meta == {"title": page_title(text), "description": text}, text
        assert doc == "body\n", text
        assert yaml.safe_load(yaml_string(text)) == text, text


def test_front_matter_values_other_than_strings_keep_their_type():
    doc, meta = get_data(front_matter("t", {"search": {"exclude": True}, "hide": ["toc"]}) + "x")
    assert meta == {"title": "t", "search": {"exclude": True}, "hide": ["toc"]} and doc == "x"


def test_inline_and_fenced_code_come_out_as_written(tmp_path: Path):
    src = "`[[x]] #t`\n\n```\n[[y]] #u\n```\n"
    md = render(tmp_path, {"c.md": src}, "c.md")
    assert src.strip() in md


def test_site_custom_dir_overrides_a_template_by_name(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# A\n\n#mytag\n", encoding="utf-8")
    custom = tmp_path / "overrides"
    custom.mkdir()
    (custom / "tag.html").write_text('<p class="custom-tag-page">{{ tag }} by override</p>\n', encoding="utf-8")
    site = build_site(notes, tmp_path / "site", theme={"name": "material", "custom_dir": str(custom),
                                                       "language": "zh", "font": False})
    assert "mytag by override" in (site / "tags" / "mytag" / "index.html").read_text(encoding="utf-8")


def test_relpath_is_posixpaths_for_every_shape_of_site_path():
    """urls.relpath skips posixpath.relpath's abspath calls; links must come out the same."""
    import itertools
    import posixpath

    from llmnotes.urls import relpath

    parts = ["a", "b", "topic-01", "笔记", "x y", ".", "", "..", "index.html", "c.md"]
    paths = {"/".join(p) or "." for n in range(4) for p in itertools.product(parts, repeat=n)}
    paths |= {"/abs/a", "a//b", "./a/", "a/b/"}
    starts = sorted(paths)[::7]
    for path in sorted(paths):
        for start in starts:
            assert relpath(path, start) == posixpath.relpath(path, start), (path, start)


def test_a_retitle_renders_again_only_the_notes_that_show_it(tmp_path: Path):
    """Serve keeps each note's Markdown while what it reads is the same: a title is read by the
    backlinks of the notes it links to, a page path by the notes linking to it."""
    from llmnotes.cache import Fingerprints, Memo

    files = {
        "a.md": "# A\n\nSee [[b]] and #tag.\n",
        "b.md": "# B\n\nPlain.\n",
        "c.md": "# C\n\nSee [[a]] and [[Nowhere]].\n",
        "d.md": "# D\n\nAlone #Tag.\n",
    }
    write_notes(tmp_path, files)
    memo, cache = Memo(), {}
    fingerprints: list[Fingerprints] = []
    keyed: list[str] = []

    def render_all() -> tuple[dict[str, str], list[str]]:
        kb = KnowledgeBase.build(tmp_path, cache=cache)  # as serve builds it, and keeps its fingerprints
        memo.new_build()
        fingerprints.append(Fingerprints(kb, fingerprints.pop() if fingerprints else None))
        made: list[str] = []
        keyed.clear()
        renderer = NoteRenderer(kb, Labels("en"), memo=memo, fingerprints=fingerprints[-1])
        real, real_key = renderer._render, renderer.key
        renderer._render = lambda note: made.append(note.path) or real(note)
        renderer.key = lambda note: keyed.append(note.path) or real_key(note)
        out = {path: renderer.render(note) for path, note in kb.notes.items()}
        fresh = NoteRenderer(kb, Labels("en"))
        assert out == {path: fresh.render(note) for path, note in kb.notes.items()}  # the same as without memo
        return out, sorted(made)

    _, made = render_all()
    assert made == ["a.md", "b.md", "c.md", "d.md"]
    render_all()
    render_all()  # nothing changed since the last build: every note taken by its place, no key made
    assert keyed == []
    (tmp_path / "a.md").write_text("# A renamed\n\nSee [[b]] and #tag.\n", encoding="utf-8")
    out, made = render_all()
    assert made == ["a.md", "b.md"]  # b's backlinks show a's title; c links to a's page, unchanged
    assert "A renamed" in out["b.md"]
    assert sorted(keyed) == ["a.md", "b.md", "c.md"]  # d shows nothing of a: taken by its place
    (tmp_path / "nowhere.md").write_text("# Nowhere\n", encoding="utf-8")
    _, made = render_all()
    assert made == ["c.md", "nowhere.md"]  # c's link now finds a note
    (tmp_path / "a.md").write_text("# A renamed\n\nSee [[b]].\n", encoding="utf-8")
    out, made = render_all()
    assert made == ["a.md", "b.md", "d.md"]  # b's backlink sentence; d's #Tag is now the tag's first spelling
    # Two concepts of one slug: the second's page is foo-bar-2 until the first goes.
    (tmp_path / "e.md").write_text("# E\n\n[[Foo Bar]]\n", encoding="utf-8")
    (tmp_path / "f.md").write_text("# F\n\n[[Foo-Bar]]\n", encoding="utf-8")
    render_all()
    (tmp_path / "e.md").write_text("# E\n\nNo link.\n", encoding="utf-8")
    _, made = render_all()
    assert made == ["e.md", "f.md"]  # f did not change, its link's concept page did


def test_anchor_ids_of_generated_html_are_its_id_attributes() -> None:
    r"""A link to `#anchor` on a generated page is checked against these (MkDocs's validation):
    every value an `id=` after a space gives, as the regex `\sid=...` finds them."""
    import random
    import re

    from llmnotes.cache import anchor_ids

    spaced_id = re.compile(r"""\sid=["']([^"']+)["']""")
    rng = random.Random(5)
    pieces = [" id=", "id=", "data-id=", '"', "'", "a", "b c", "\n", "\t", "\u3000", "<h2", ">", "-", "x id='y'",
              ' id="z"', "=", "中"]
    for _ in range(20_000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert anchor_ids(html) == set(spaced_id.findall(html)), repr(html)

"""The normaliser: every resolution rule, tags, and code left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmnotes.kb import KnowledgeBase
from llmnotes.model import Note
from llmnotes.wikilinks import Resolver, nearest, normalize, scan_note

VAULT = Path(__file__).parent / "fixtures" / "vault"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.build(VAULT)


def links_of(kb: KnowledgeBase, path: str) -> dict[str, str | None]:
    return {link.target: link.resolved for link in kb.scans[path].links}


@pytest.mark.parametrize("target, expected", [
    ("Transformer", "Transformer.md"),  # stem
    ("transformer", "Transformer.md"),  # case-insensitive
    ("变换器", "Transformer.md"),  # front-matter alias
    ("预训练 Pre-training", "topics/预训练.md"),  # title
    ("b/Dup", "topics/b/Dup.md"),  # partial path narrows
    ("Dup", "topics/a/Dup.md"),  # ambiguous: nearest to topics/a/links.md
    ("预训练", "topics/预训练.md"),  # [[预训练#目标 函数]]
    ("../../后训练 post training.md", "后训练 post training.md"),  # percent-encoded relative path
    ("后训练 post training.md", "后训练 post training.md"),  # by file name anywhere, like Obsidian
    ("Ｔｒａｎｓｆｏｒｍｅｒ", "Transformer.md"),  # full-width letters
    ("ImageNet", None),  # missing → concept page
    ("深度学习@", None),
])
def test_resolution_rules(kb, target, expected):
    assert links_of(kb, "topics/a/links.md")[target] == expected


def test_ambiguous_link_warns_naming_file_and_line(kb):
    warn = [d for d in kb.diagnostics if "ambiguous" in d.message and d.path == "topics/a/links.md"]
    assert len(warn) == 1 and warn[0].line == 5


def test_same_name_resolves_to_the_note_in_the_linking_folder(kb):
    assert links_of(kb, "topics/b/Dup.md")["Dup"] == "topics/b/Dup.md"


def test_missing_targets_become_concepts_with_mentions(kb):
    imagenet = kb.concept_for("ImageNet")
    assert imagenet is not None and imagenet.page_path == "concepts/imagenet.md"
    (mention,) = imagenet.mentions
    assert mention.source.note == "topics/a/links.md" and mention.source.line == 6
    assert "深度学习热潮" in mention.sentence
    # a trailing mark is not part of the name
    assert kb.concept_for("深度学习@") is kb.concept_for("深度学习") is not None
    assert any(d.level == "warning" and "ImageNet" in d.message and d.line == 6 for d in kb.diagnostics)


def test_code_is_never_scanned(kb):
    targets = links_of(kb, "topics/a/links.md")
    assert "NotALink" not in targets and "AlsoNotALink" not in targets
    assert "nottag" not in kb.tags and "comment" not in kb.tags


def test_tags_inline_and_front_matter(kb):
    assert kb.note_tags["topics/a/links.md"] == ["中文标签", "tag", "a/b"]
    assert kb.note_tags["Transformer.md"] == ["架构"]
    # never link text, URLs, numbers, headings or a bare #
    assert not {"大模型", "2", "frag"} & set(kb.tags)


@pytest.mark.parametrize(("text", "tags"), [
    ("# Heading #nottag\n\ntext #yes\n", ["yes"]),
    ("## H #no #no2\n#yes at a line start, #yes2\n   ### indented #no3\n#tagline\n", ["yes", "yes2", "tagline"]),
    ("text #a\n# H #no\ntext #b #c", ["a", "b", "c"]),
    ("#Heading-less #a #b", ["Heading-less", "a", "b"]),  # `#word` opening a line is a tag, not a heading
])
def test_tags_not_in_headings(text, tags):
    note = Note(path="h.md", title="h", text=text, line_map=list(range(1, text.count("\n") + 2)))
    assert scan_note(note).tags == tags


def test_backlinks_carry_the_linking_sentence(kb):
    sources = {(b.source.note, b.sentence) for b in kb.backlinks["Transformer.md"]}
    assert ("topics/a/links.md", "Alias: [[变换器]].") in sources  # raw; the page shows it plain


def test_nearest_prefers_shared_folders_then_short_paths():
    assert nearest(["x/y/N.md", "a/b/N.md", "N.md"], "a/b/c/from.md") == "a/b/N.md"
    assert nearest(["x/y/N.md", "N.md"], "q/from.md") == "N.md"


def test_resolver_never_leaves_the_vault():
    r = Resolver([Note(path="a.md", title="a", text="")])
    assert r.resolve_path("../../etc/passwd", "a.md") is None
    assert r.resolve_path("../a.md", "sub/x.md") == "a.md"


def _spans(text: str) -> list[tuple[str, str, str | None]]:
    note = Note(path="n.md", title="n", text=text, line_map=list(range(1, text.count("\n") + 2)))
    return [(s.kind, text[s.start:s.end], s.tag or (s.link.target if s.link else s.url)) for s in scan_note(note).spans]


@pytest.mark.parametrize("text, expected", [
    ("![[pic.png]] and [[Note]]", [("image", "![[pic.png]]", "pic.png"), ("wikilink", "[[Note]]", "Note")]),
    ("!![[pic.png|300]]", [("image", "![[pic.png|300]]", "pic.png")]),
    ("[[A]]![[B]]", [("wikilink", "[[A]]", "A"), ("wikilink", "![[B]]", "B")]),  # an embedded note
    ("![alt](img.png)![x](b.md)", [("image", "![alt](img.png)", "img.png"), ("image", "![x](b.md)", "b.md")]),
    ("[x](y![z](w.md)) [n](n2.md)", [("mdlink", "[n](n2.md)", "n2.md")]),  # one link whose target has brackets
    ("!\n[a](a.md)", [("mdlink", "[a](a.md)", "a.md")]),
    ("#tag (#paren) （#全角） x#no #1 #2a\n#start", [("tag", "#tag", "tag"), ("tag", "#paren", "paren"),
                                                   ("tag", "#全角", "全角"), ("tag", "#2a", "2a"),
                                                   ("tag", "#start", "start")]),
])
def test_embeds_images_and_tags_are_told_apart(text, expected):
    assert _spans(text) == expected


def test_md_links_finds_what_mdlink_finds():
    from llmnotes.wikilinks import MDLINK, md_links

    texts = [p.read_text("utf-8", "replace") for p in Path(__file__).parent.joinpath("fixtures").rglob("*.md")]
    texts += ["![a](b)", "!![a](b)", "[x](y![z](w))", "![a]](b)", "![[a]](b)", "[a](b)![c](d)", "!](x)[y](z)"]
    for text in texts:
        want = [(m.start(), m.end(), m.group(1), m.group(2), m.group(3), m.group(4)) for m in MDLINK.finditer(text)]
        got = [(start, m.end(), "!" if image else "", m.group(1), m.group(2), m.group(3))
               for start, image, m in md_links(text)]
        assert got == want, text


@pytest.mark.parametrize("line, expected", [
    ("First one. Second [[x]] here. Third.", "Second [[x]] here."),
    ("第一句。第二句[[x]]在这里！第三句", "第二句[[x]]在这里！"),
    ("v3.14 is [[x]]. Next", "v3.14 is [[x]]."),  # a dot inside a number ends nothing
    ("Why? Because [[x]];then more", "Because [[x]];"),
    ("- A list item with [[x]]", "A list item with [[x]]"),
    ("Ends here. [[x]]", "[[x]]"),  # the link ends the line
    ("[[x]] opens. Then more.", "[[x]] opens."),  # the link opens it
    ("One. Two. Three. Four [[x]] five. Six.", "Four [[x]] five."),
])
def test_the_sentence_around_a_link(line, expected):
    from llmnotes.textutil import sentence_around

    start = line.index("[[x]]")
    assert sentence_around(line, start, start + 5) == expected


@pytest.mark.parametrize(("text", "key"), [
    ("GPT-4 发布，多模态；见（附录）", "gpt-4 发布,多模态;见(附录)"),
    ("ＧＰＴ－４\u3000发布！", "gpt-4 发布!"),  # full-width letters, digits, hyphen, ideographic space
    ("Ａ\u0301，ｶﾞ", "á,ガ"),  # a full-width letter with a combining accent composes; half-width kana
    ("Attention  Is\tAll", "attention is all"),
])
def test_names_compare_as_nfkc_case_folded_with_spaces_collapsed(text: str, key: str) -> None:
    assert normalize(text) == key


def test_a_resolver_after_a_retitle_keeps_only_the_lookups_the_retitle_does_not_reach():
    """Serve: the next resolver takes over the last one's lookups, except those of the names
    whose notes changed; every lookup is still what a resolver made from scratch gives."""
    def notes(title_b: str) -> list[Note]:
        return [Note("a/Attention.md", "Attention", ""), Note("b/RoPE.md", title_b, "", aliases=["旋转位置编码"]),
                Note("c/Old Title.md", "Other", "")]

    names = ["Attention", "RoPE", "位置编码", "旋转位置编码", "Old Title", "b/RoPE", "a/Attention.md", "无此笔记"]
    before = Resolver(notes("位置编码"), track=True)
    for name in names:
        before.candidates(name)
    after = Resolver(notes("Old Title"), track=True)
    after.take_lookups(before)
    assert "Attention" in after._found and "旋转位置编码" in after._found  # not reached by the retitle
    assert "位置编码" not in after._found and "Old Title" not in after._found  # the old and the new title
    fresh = Resolver(notes("Old Title"))
    assert {n: after.candidates(n) for n in names} == {n: fresh.candidates(n) for n in names}
    assert after.candidates("位置编码") == [] and after.candidates("Old Title") == ["c/Old Title.md"]

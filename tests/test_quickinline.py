"""The inline pass that skips patterns whose characters are absent (quickinline.py) writes
the very HTML Python-Markdown's own pass writes."""

from __future__ import annotations

import random
from xml.etree import ElementTree

import markdown
import yaml
from conftest import FIXTURES, SEEDS
from markdown.inlinepatterns import InlineProcessor

from llmnotes import quickinline
from llmnotes.cli import DEFAULT_CONFIG


def _extensions() -> tuple[list[str], dict]:
    names, configs = [], {}
    for entry in yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))["markdown_extensions"]:
        if isinstance(entry, dict):
            (name, options), = entry.items()
            names.append(name)
            configs[name] = options or {}
        else:
            names.append(entry)
    return names + ["footnotes", "abbr", "def_list"], configs


def _converters() -> tuple[markdown.Markdown, markdown.Markdown]:
    names, configs = _extensions()
    plain = markdown.Markdown(extensions=names, extension_configs=configs)
    quick = markdown.Markdown(extensions=names, extension_configs=configs)
    quickinline.install(quick)
    return plain, quick


def test_the_installed_python_markdown_is_the_one_verified() -> None:
    """Else pages convert with Python-Markdown's own inline pass (slower, same pages)."""
    assert quickinline.usable()
    _, quick = _converters()
    assert isinstance(quick.treeprocessors["inline"], quickinline.QuickInlineProcessor)


def _texts() -> list[str]:
    roots = [FIXTURES, SEEDS]
    return [p.read_text(encoding="utf-8", errors="replace")
            for root in roots if root.is_dir() for p in sorted(root.rglob("*")) if p.suffix in {".md", ".txt"}]


def test_notes_convert_to_the_same_html() -> None:
    texts = _texts()
    assert len(texts) > 20
    plain, quick = _converters()
    for text in texts:
        assert quick.reset().convert(text) == plain.reset().convert(text)


def test_random_inline_markup_converts_to_the_same_html() -> None:
    """Every pattern's characters, alone and mixed, where skipping a pattern wrongly would show."""
    rnd = random.Random(6)
    pieces = list("*_`\\[]()!<>&;#~^=|:/.@- abc汉\n") + ["  \n", "https://x.org", "[[a]]", "<b>", "</b>", "&amp;",
                                                        "**", "__", "[^1]", "*[HTML]: x\n", "<x@y.org>", "![i](u)",
                                                        "[a]", "[b]", "[a][b]", "![a]", "`a`", "`[a]`"]
    # References the text may use: a link then needs no `(`.
    definitions = "\n\n[a]: https://x.org\n[b]: https://y.org \"B\"\n"
    plain, quick = _converters()
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 60))) + definitions
        assert quick.reset().convert(text) == plain.reset().convert(text), repr(text)


def test_a_pattern_it_does_not_know_is_always_tried() -> None:
    class Percent(InlineProcessor):
        def handleMatch(self, m, data):
            el = ElementTree.Element("kbd")
            el.text = m.group(1)
            return el, m.start(0), m.end(0)

    _, quick = _converters()
    quick.inlinePatterns.register(Percent(r"%%(\w+)%%", quick), "percent", 175)
    assert "<kbd>key</kbd>" in quick.reset().convert("press %%key%% now")
    assert quickinline.needed_characters(quick.inlinePatterns["percent"]) is None


def test_every_pattern_of_python_markdown_is_known() -> None:
    """A built-in pattern it cannot judge is tried on every text again (slower, same pages)."""
    builtin = markdown.Markdown()
    assert [type(p).__name__ for p in builtin.inlinePatterns if quickinline.needed_characters(p) is None] == []

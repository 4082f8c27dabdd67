"""searchparse.SectionParser cuts pages into exactly the sections Material's search parser does.

Every test is differential: the same HTML through Material's own `Parser` and through
ours, section by section (heading element and its attributes, depth, id, every piece of
title and text, exclusion), or the same exception. Pages come from real builds (the
seeds, a generated vault), from hand-written snippets of the cases Material treats
specially, and from random soup of the same ingredients.
"""

from __future__ import annotations

import contextlib
import random
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO, build_site

from llmnotes import searchparse
from llmnotes.cli import DEFAULT_CONFIG
from llmnotes.searchparse import SectionParser

material = pytest.importorskip("material.plugins.search.plugin")
MaterialParser = searchparse.material_parser(material)

sys.path.insert(0, str(REPO / "benchmarks"))
import gen_corpus


def sections(parser_class, *pieces: str):
    """What a parser makes of the HTML fed in `pieces`: its sections, or the exception it raises."""
    parser = parser_class()
    try:
        for piece in pieces:
            parser.feed(piece)
        parser.close()
    except Exception as e:  # noqa: BLE001 - Material's parser fails on some HTML: ours must fail alike
        return ("raises", type(e).__name__, str(e))
    out = []
    for s in parser.data:
        assert type(s) is material.Section and type(s.el) is material.Element  # create_entry_for_section's
        out.append((s.el.tag, s.el.attrs, s.depth, s.id, list(s.title), list(s.text), s.is_excluded()))
    return out


def fast(*pieces: str) -> bool:
    """Whether SectionParser tokenised the HTML itself (not through HTMLParser)."""
    parser = SectionParser()
    for piece in pieces:
        parser.feed(piece)
    try:
        parser.close()
    except ValueError:
        pass
    return parser.fallbacks == 0


def assert_same(*pieces: str) -> None:
    assert sections(SectionParser, *pieces) == sections(MaterialParser, *pieces), "".join(pieces)


# -- hand-written snippets ------------------------------------------------------------

SNIPPETS = {
    # name: (html, tokenised without HTMLParser)
    "plain": ('<h1 id="t">Title</h1>\n<p>Some <strong>text</strong>.</p>\n', True),
    "sections": (('<h1 id="a">A</h1><p>one</p><h2 id="b">B</h2><p>two</p><h3 id="c">C</h3>'
                 '<ul>\n<li>x</li>\n<li>y</li>\n</ul>'), True),
    "preface before the first heading": ("<p>intro</p><h2 id='x'>X</h2><p>body</p>", True),
    "h2 first": ('<h2 id="x">X</h2><p>body</p><h1 id="y">Y</h1>', True),
    "h1 not first": ('<p>a</p><h1 id="t">T</h1><p>b</p>', True),
    "headings without id": ("<h1>No id</h1><p>a</p><h2>Also none</h2><p>b</p>", True),
    "id without value": ("<h1 id>T</h1><h2 id>U</h2><p>x</p>", True),
    "headings inside divs": (('<h1 id="t">T</h1><div class="admonition"><h2 id="n">Nested</h2>'
                             '<p>inside</p></div><p>after the div</p><div><div><h3 id="d">Deep</h3>'
                             "<p>d</p></div><p>mid</p></div><p>out</p>"), True),
    "heading in a section closed twice": (('<section><h2 id="a">A</h2><section><h3 id="b">B</h3>'
                                          "</section>b-tail</section>tail"), True),
    "permalinks": (('<h2 id="x">Title<a class="headerlink" href="#x" title="Permanent link">&para;</a>'
                   "</h2><p>t</p>"), True),
    "permalink class by entity": ('<h2 id="x">T<a class="head&#101;rlink" href="#x">¶</a></h2>', True),
    "link in a heading": ('<h2 id="x"><a href="/p/">Linked</a> title</h2><p>t</p>', True),
    "code in a heading": ('<h2 id="x">The <code>f()</code> call</h2><p>t</p>', True),
    "excluded block": (('<h1 id="t">T</h1><p>keep</p><div data-search-exclude><p>hidden</p></div>'
                       "<p>kept again</p>"), True),
    "nested exclusions": (('<div data-search-exclude><div data-search-exclude="">in</div>'
                          "still out?</div><p>after</p>"), True),
    "excluded ancestor cleared by a plain child": (("<div data-search-exclude><div>child</div>"
                                                   "tail of the excluded</div><p>after</p>"), True),
    "excluded heading": (('<h1 id="t">T</h1><h2 id="x" data-search-exclude>Hidden</h2><p>under it</p>'
                         '<h2 id="y">Shown</h2><p>y</p>'), True),
    "exclusion in capitals": ('<DIV DATA-SEARCH-EXCLUDE><P>no</P></DIV><p>yes</p>', True),
    "excluded list item": ('<ul><li data-search-exclude>a</li><li>b</li></ul>', True),
    "linenodiv": (('<table class="highlighttable"><tr><td class="linenos"><div class="linenodiv">'
                  '<pre><span></span>1\n2</pre></div></td><td class="code"><pre><code>x = 1\n'
                  "y = 2</code></pre></td></tr></table>"), True),
    "linenodiv unquoted, and by entity": (("<div class=linenodiv>1</div><div class='&#108;inenodiv'>2"
                                          "</div><p>kept</p>"), True),
    "class given twice": (('<div class="x" class="linenodiv">a</div><div class="linenodiv" class="x">b'
                          "</div>"), True),
    "pre whitespace": (("<p>a\nb   c</p>\n\n<pre><code>def f():\n    return  1\n\n\n</code></pre>\n"
                       "<p> </p><p>\n</p><pre>   </pre>"), True),
    "empty kept elements": ("<p></p><p> </p><ul>\n<li>\n</li>\n</ul><p>x</p><code> </code>", True),
    "entities in text": (("<p>a &amp; b &lt;c&gt; &#x4e2d;&#25991; &nbsp;x &copy &amp;amp; &#0; &#1;"
                         " &#xd800; &unknown; 5 > 3</p>"), True),
    "entities in attributes": (('<h2 id="a&amp;b">T</h2><h3 id="&#x4e2d;">U</h3><h4 id="&lt;x&gt;">V</h4>'
                               "<a href='?a=1&amp;b=2' title=\"&quot;q&quot;\">l</a>"), True),
    # Python 3.14 (and recent security releases) unescape attribute values by HTML5's rules,
    # older ones with html.unescape: where the two differ, HTMLParser of this Python decides.
    "references read differently by Pythons": ('<h2 id="a&copy=b">T</h2><a title="&ampx;">x</a>', False),
    "references read alike": ("<h2 id=\"&amp;&lt;&#65;&#x42;&copy;\" title='a & b && c'>T</h2>", True),
    "attribute syntax": (("<h2 id=bare class = 'c' data-x = \"y\" hidden>T</h2><h3\n id=\"n\"\tclass=x\n>"
                         'U</h3><h4 id="" title=\'\'>V</h4>'), True),
    "void tags": (('<p>a<br>b<img src="x.png" alt="i">c<hr>d<input type="checkbox" disabled>e</p>'
                  "<br/><wbr>"), True),
    "self-closing tags": (('<p>a<br/>b<br />c<img src="x"/>d</p><div/><p>after</p><span class="x"/>'
                          '<h2 id="s"/><p>p</p>'), True),
    "uppercase tags and attributes": (('<H1 ID="Up">Upper</H1><P CLASS="X">Text</P><Pre>a\nb</PRE>'
                                      '<A CLASS="headerlink" HREF="#">¶</A>'), True),
    "comments": ("<p>a<!-- comment -->b</p><!----><p><!-- <p>not a tag</p> -->c</p>", True),
    "odd comments": ("<p>a<!-->b</p><!---><p>c<!-- x -- y -->d</p>", False),
    "bare < in text": ("<p>a < b and 1<2, x <= y</p><p>ok</p>", False),
    "< at the end": ("<p>a</p><", False),
    "unclosed tags": ("<p>one<p>two<ul><li>three<li>four</ul><div><span>five", True),
    "stray end tags": ("</p></div><p>a</span></p></li>b", True),
    "end tag with spaces": ("<p>a</p ><p>b</ p>", False),
    "script and style": (('<p>a</p><script>if (a < b && c) { x = "</p>"; }</script><style>p>a{}</style>'
                         "<p>b</p>"), False),
    "script in capitals": ("<SCRIPT>var x = '<p>';</SCRIPT><p>b</p>", False),
    "object": ('<object data="x"><p>no</p></object><p>yes</p>', True),
    "textarea and title": ("<textarea><p>raw</p></textarea><title>t</title><p>x</p>", False),
    "doctype and pi": ("<!DOCTYPE html><?xml version='1.0'?><p>x</p>", False),
    "cdata": ("<svg><![CDATA[ <p> ]]></svg><p>x</p>", False),
    "weird attribute syntax": ('<a href="x"title="y">a</a><a b=c/d>e</a><p a=="b">c</p>', False),
    "unicode space in a tag": ("<a\u3000href='x'>a</a>", False),
    "chinese": (('<h1 id="标题">大模型 学习笔记</h1><p>预训练（Pre-training）与微调：LoRA微调、'
                "《Attention》\u3000全角空格</p><h2 id=\"rlhf\">RLHF 对齐</h2><p>奖励模型</p>"), True),
    "hx tag": ("<hx>a</hx><p>b</p><h2 id='x'>X</h2><hx>in</hx>", True),
    "sub sup": ("<p>x<sup>2</sup> H<sub>2</sub>O <sup> </sup></p>", True),
    "unmatched kept end tag raises": ("<p data-search-exclude><p>x</p>y</p>", True),
    "empty": ("", True),
    "text only": ("just text &amp; more", True),
}


@pytest.mark.parametrize("html,tokenised_alone", SNIPPETS.values(), ids=list(SNIPPETS))
def test_same_sections_as_material(html: str, tokenised_alone: bool) -> None:
    assert_same(html)
    assert fast(html) is tokenised_alone


def test_the_snippets_are_not_trivial() -> None:
    """The cases above reach every rule of Material's: exclusion, permalinks, depth, errors."""
    out = {name: sections(MaterialParser, html) for name, (html, _) in SNIPPETS.items()}

    def said(name: str) -> str:
        return "|".join("".join(s[4]) + "|" + "".join(s[5]) for s in out[name])

    assert out["unmatched kept end tag raises"][0] == "raises"
    assert [s[0] for s in out["headings inside divs"]] == ["h1", "h2", "h3"]
    assert any(s[2] == float("inf") for s in out["headings inside divs"])
    assert "hidden" not in said("excluded block") and "kept again" in said("excluded block")
    assert "tail of the excluded" in said("excluded ancestor cleared by a plain child")
    assert "¶" not in said("permalinks") and "Title" in said("permalinks")
    assert "1\n2" not in said("linenodiv") and "x = 1\ny = 2" in said("linenodiv")
    assert "return  1\n\n\n" in said("pre whitespace")


def test_pieces_fed_one_by_one() -> None:
    """HTMLParser's runs of text end where a feed ends: ours follows it there too."""
    html = SNIPPETS["pre whitespace"][0] + SNIPPETS["entities in text"][0] + SNIPPETS["sections"][0]
    rng = random.Random(3)
    for _ in range(50):
        cuts = sorted(rng.sample(range(1, len(html)), 3))
        pieces = [html[i:j] for i, j in zip([0, *cuts], [*cuts, len(html)], strict=True)]
        assert_same(*pieces)


def test_one_document_per_parser() -> None:
    """Closed twice, the sections stay (as HTMLParser's); fed after closing, it says so."""
    parser = SectionParser()
    parser.feed(SNIPPETS["sections"][0])
    parser.close()
    parser.close()
    assert len(parser.data) == 3
    with pytest.raises(RuntimeError):
        parser.feed("<p>more</p>")


# -- random soup ----------------------------------------------------------------------

TAGS = ["p", "div", "span", "pre", "code", "a", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h6",
        "section", "td", "sub", "sup", "object", "hx", "br", "img", "hr", "input", "strong", "P", "DIV",
        "H2", "Pre", "A"]
ATTRS = ['id="s1"', "id='s2'", "id=s3", "id", 'id = "s4"', 'id=""', 'class="headerlink"', "class=headerlink",
         'class="linenodiv"', 'class="x"', "class", 'CLASS="headerlink"', 'class="head&#101;rlink"',
         "data-search-exclude", "DATA-Search-Exclude", 'data-search-exclude=""', 'href="?a=1&amp;b=&#x4e2d;"',
         'title="&lt;T&gt;"', "hidden", 'title="&copy=x"', 'title="&ampx;"', "title='a & b'", 'data-x="a b\nc"', "title='it\"s'"]
TEXT = ["text", "more words", " ", "\n", "\n\n  ", "a\nb", "&amp;", "&lt;x&gt;", "&#x4e2d;文", "中文内容",
        "&nbsp;", "&#1;", "x &", "&notin", "5 > 3", "\t", "¶", "&copy"]
FAST_OTHER = ["<!-- c -->", "<!---->", "<!-- <p> -->", "</p>", "</div>", "</li>"]
SLOW = ["a < b", "<", "<!-->", "<!-- a -- >", "<!DOCTYPE html>", "<?pi x?>", "<![CDATA[x]]>",
        "<script>if (a<b) {}</script>", "<style>p>a{}</style>", "<textarea><p></textarea>", "</>",
        "</ p>", "</p >", '<a b="c"d="e">', "<a b=c/d>", "<p a==b>", "<br/ >", "<a\xa0b>", "<3"]


def soup(rng: random.Random, slow: bool) -> str:
    out = []
    for _ in range(rng.randint(1, 40)):
        r = rng.random()
        tag = rng.choice(TAGS)
        if r < 0.35:
            attrs = "".join(" " + rng.choice(ATTRS) for _ in range(rng.choice([0, 0, 1, 1, 2, 3])))
            out.append(f"<{tag}{attrs}{rng.choice(['>', '>', '>', '/>', ' />'])}")
        elif r < 0.6:
            out.append(f"</{tag}>")
        elif r < 0.9:
            out.append(rng.choice(TEXT))
        elif slow and r < 0.95:
            out.append(rng.choice(SLOW))
        else:
            out.append(rng.choice(FAST_OTHER))
    return "".join(out)


def test_random_soup() -> None:
    rng = random.Random(20240611)
    paths = {True: 0, False: 0}
    for i in range(4000):
        html = soup(rng, slow=i % 3 == 0)
        assert_same(html)
        paths[fast(html)] += 1
    assert paths[True] > 1000 and paths[False] > 1000  # both tokenisers were put to the test


# -- pages of real builds -------------------------------------------------------------


def _config(tmp_path: Path) -> Path:
    """The packaged configuration on one core: every page is indexed in this process."""
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["plugins"] = [p for p in data["plugins"] if p != "llmnotes"] + [{"llmnotes": {"workers": 1}}]
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@contextlib.contextmanager
def parser_kept() -> Iterator[None]:
    """Whichever parser Material had before (llmnotes may have installed ours), it has after."""
    ours = material.Parser is SectionParser
    try:
        yield
    finally:
        searchparse.uninstall(material)
        if ours:
            assert searchparse.install(material)


def build(vault: Path, out: Path, *, ours: bool) -> tuple[list[str], bytes, set]:
    """Build `vault` with our parser or Material's: (each page's HTML, search_index.json, parsers used)."""
    pages: list[str] = []
    used: set = set()
    add_entry = material.SearchIndex.add_entry_from_context
    install = searchparse.install

    def record(index, page):
        pages.append(page.content)
        used.add(material.Parser)
        return add_entry(index, page)

    searchparse.uninstall(material)
    if ours:
        assert searchparse.install(material)
    else:
        searchparse.install = lambda *args, **kwargs: False  # llmnotes' on_config must not install it
    material.SearchIndex.add_entry_from_context = record
    try:
        build_site(vault, out / "site", config_file=_config(out))
    finally:
        material.SearchIndex.add_entry_from_context = add_entry
        searchparse.install = install
    return pages, (out / "site" / "search" / "search_index.json").read_bytes(), used


@pytest.fixture(scope="module")
def generated_vault(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "notes"
    gen_corpus.generate(out, 25, seed=11)
    return out


@pytest.fixture(scope="module")
def seeds_vault(seeds_dir) -> Path:
    return seeds_dir


@pytest.mark.parametrize("vault", ["seeds_vault", "generated_vault", FIXTURES / "vault"],
                         ids=["seeds", "generated", "fixture-vault"])
def test_every_page_of_a_build_and_its_index(vault, request, tmp_path: Path) -> None:
    if isinstance(vault, str):
        vault = request.getfixturevalue(vault)
    with parser_kept():
        pages, index, used = build(vault, tmp_path / "material", ours=False)
        pages_ours, index_ours, used_ours = build(vault, tmp_path / "ours", ours=True)
    assert used == {MaterialParser}
    assert used_ours == {SectionParser}
    assert pages_ours == pages
    assert len(pages) > 5 and len(index) > 1000
    assert index_ours == index  # byte for byte
    for html in pages:
        assert_same(html)
    # A page as Markdown renders it never needs HTMLParser's tokenising.
    assert [i for i, html in enumerate(pages) if not fast(html)] == []


# -- installing -----------------------------------------------------------------------


class ChangedParser(MaterialParser):
    """A Material whose parser is not the one SectionParser was checked against."""

    def handle_data(self, data):
        super().handle_data(data.upper())


def _fake_material(**changes) -> types.ModuleType:
    fake = types.ModuleType("fake_material_search")
    for name in ("Element", "Section", "SearchIndex", "void"):
        setattr(fake, name, getattr(material, name))
    fake.Parser = MaterialParser
    for name, value in changes.items():
        setattr(fake, name, value)
    return fake


class _Page:
    """What Material's indexing reads of a MkDocs page."""

    def __init__(self, content: str) -> None:
        self.content = content
        self.meta: dict = {}
        self.toc: list = []
        self.url = "note/"
        self.title = "Note"


def test_install_replaces_materials_parser_and_uninstall_puts_it_back(monkeypatch) -> None:
    with parser_kept():
        searchparse.uninstall(material)
        assert material.Parser is MaterialParser
        assert searchparse.fingerprint(material) == searchparse.VERIFIED  # the Material checked against
        assert searchparse.install(material) is True
        assert material.Parser is SectionParser
        assert searchparse.install(material) is True  # twice: still ours, Material's still known
        assert searchparse.material_parser(material) is MaterialParser

        # Material's indexing now goes through SectionParser, to the same entries.
        closed = []
        close = SectionParser.close
        monkeypatch.setattr(SectionParser, "close", lambda self: closed.append(self) or close(self))
        html = SNIPPETS["sections"][0] + SNIPPETS["headings inside divs"][0]
        ours = material.SearchIndex()
        ours.add_entry_from_context(_Page(html))
        assert len(closed) == 1

        searchparse.uninstall(material)
        assert material.Parser is MaterialParser
        theirs = material.SearchIndex()
        theirs.add_entry_from_context(_Page(html))
        assert len(closed) == 1
        assert ours.entries == theirs.entries and len(ours.entries) == 6
        searchparse.uninstall(material)  # twice: nothing to undo
        assert material.Parser is MaterialParser


def test_install_takes_the_search_plugin() -> None:
    with parser_kept():
        searchparse.uninstall(material)
        assert searchparse.install(None) is False  # a site without Material's search: nothing to do
        assert material.Parser is MaterialParser
        assert searchparse.install(material.SearchPlugin()) is True
        assert material.Parser is SectionParser


@pytest.mark.parametrize("changes", [{"Parser": ChangedParser}, {"void": material.void | {"p"}},
                                     {"void": material.void - {"br"}}],
                         ids=["parser", "void added", "void removed"])
def test_another_material_keeps_its_own_parser(changes) -> None:
    unchanged = _fake_material()
    assert searchparse.fingerprint(unchanged) == searchparse.VERIFIED
    fake = _fake_material(**changes)
    assert searchparse.fingerprint(fake) != searchparse.VERIFIED
    assert searchparse.install(fake) is False
    assert fake.Parser is changes.get("Parser", MaterialParser)


def test_a_material_without_its_parser_keeps_going() -> None:
    fake = _fake_material()
    del fake.Parser
    assert searchparse.fingerprint(fake) is None
    assert searchparse.install(fake) is False

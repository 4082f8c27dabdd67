"""External links: every form a note writes them in, where a bare URL ends, what names it, dedupe, sites."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ServedPage

from llmnotes.extract.links import find_links, link_key, site_of, trim_url
from llmnotes.kb import KnowledgeBase

FIXTURES = Path(__file__).parent / "fixtures" / "links"


def urls(text: str) -> list[str]:
    return [u for _, _, u, _ in find_links(text)]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.build(FIXTURES)


def by_url(kb: KnowledgeBase, url: str):
    hits = [link for link in kb.links if link.url == url]
    assert hits, sorted(link.url for link in kb.links)
    return hits


# ------------------------------------------------------------- bare URL edges


@pytest.mark.parametrize("text, expected", [
    ("see https://a.org/x.", "https://a.org/x"),
    ("(see https://a.org/x)", "https://a.org/x"),
    ("wiki https://en.wikipedia.org/wiki/A_(b), more", "https://en.wikipedia.org/wiki/A_(b)"),
    ("视频：https://b.org/v/123。后文", "https://b.org/v/123"),
    ("博客https://c.org/p/1，还有", "https://c.org/p/1"),
    ("https://d.org/p）括号", "https://d.org/p"),
    ("https://e.org/path中文紧跟", "https://e.org/path"),
    ("end https://f.org/a;", "https://f.org/a"),
    ("quote “https://g.org/q”", "https://g.org/q"),
    ("https://h.org/#/trending", "https://h.org/#/trending"),
    ("**https://i.org/bold**", "https://i.org/bold"),
])
def test_bare_url_ends_where_the_sentence_takes_over(text, expected):
    assert urls(text) == [expected]


def test_trim_url_keeps_balanced_brackets():
    assert trim_url("https://x.org/a_(b))") == "https://x.org/a_(b)"
    assert trim_url("https://x.org/a]") == "https://x.org/a"


def test_urls_in_code_are_not_links():
    text = "`https://a.org/inline`\n\n```\ncurl https://a.org/fenced\n```\n<code>https://a.org/html</code>\n"
    assert urls(text) == []


def test_markdown_autolink_and_html_links_have_their_text_images_do_not_count():
    text = ('[Docs](https://a.org/docs) <https://b.org/auto> <a href="https://c.org/x"><b>C</b> site</a>\n'
            '![pic](https://d.org/p.png) <img src="https://e.org/logo.png"> [note](other.md)\n')
    found = [(u, t) for _, _, u, t in find_links(text)]
    assert found == [("https://a.org/docs", "Docs"), ("https://b.org/auto", ""), ("https://c.org/x", "C site")]


def test_url_inside_markdown_link_is_not_counted_twice():
    assert urls("[https://a.org](https://a.org) and <https://b.org>") == ["https://a.org", "https://b.org"]


# ------------------------------------------------------------- the knowledge base


def test_every_occurrence_is_a_link_with_its_note_and_line(kb):
    [link] = by_url(kb, "https://github.com/example-org/tokenizer-notes")
    assert link.source.note == "reading-list.md" and link.source.line == 5
    assert link.text == "Tokenizer notes"
    assert len(by_url(kb, "https://github.com/example-org/dedupe-tool")) == 1
    assert len(by_url(kb, "https://github.com/example-org/dedupe-tool/")) == 1


def test_bare_url_named_by_the_words_before_it_or_the_item_below(kb):
    [zhihu] = by_url(kb, "https://zhuanlan.zhihu.com/p/123456789")
    assert zhihu.text == "注意力机制图解 - 某作者的文章 - 知乎"
    [bili] = by_url(kb, "https://www.bilibili.com/video/BV1xx411c7XY")
    assert bili.text == "视频讲解"
    [tool] = by_url(kb, "https://github.com/example-org/dedupe-tool")
    assert tool.text == "removes near-duplicate documents"


def test_no_link_from_code_or_images(kb):
    found = {link.url for link in kb.links}
    assert not any("in-inline-code" in u or "in-a-fence" in u or u.endswith((".png",)) for u in found)
    assert "https://example.com/auto" in found
    assert "https://arxiv.org/abs/2303.18223" in found
    assert "https://github.com/example-org/alpha" in found
    assert "https://en.wikipedia.org/wiki/Transformer_(deep_learning_architecture)" in found
    assert "https://blog.csdn.net/example/article/details/1234" in found
    assert "https://example.net/page" in found
    assert "https://arxiv.org/abs/2401.01234" in found


def test_link_key_merges_only_spellings_of_the_same_page():
    assert link_key("https://github.com/a/b/") == link_key("http://www.GitHub.com/a/b")
    assert link_key("https://github.com/a/b#readme") == link_key("https://github.com/a/b")
    assert link_key("https://h.org/#/trending") != link_key("https://h.org/#/other")
    assert link_key("https://a.org/p?id=1") != link_key("https://a.org/p?id=2")
    assert link_key("https://a.org/P") != link_key("https://a.org/p")


@pytest.mark.parametrize("url, site", [
    ("https://github.com/a/b", "GitHub"),
    ("https://raw.githubusercontent.com/a/b/main/x", "GitHub"),
    ("https://arxiv.org/abs/2401.00001", "arXiv"),
    ("https://zhuanlan.zhihu.com/p/1", "site_zhihu"),
    ("https://www.zhihu.com/question/1", "site_zhihu"),
    ("https://mp.weixin.qq.com/s/x", "site_wechat"),
    ("https://www.bilibili.com/video/x", "site_bilibili"),
    ("https://huggingface.co/spaces/x", "Hugging Face"),
    ("https://blog.csdn.net/a", "CSDN"),
    ("https://www.example.org/a", "example.org"),
    ("https://kaiokendev.github.io/context", "kaiokendev.github.io"),
])
def test_site_of(url, site):
    assert site_of(url) == site


def test_serve_renders_again_only_the_link_entries_a_change_shows(tmp_path):
    """Across serve rebuilds each entry of the links page is kept while it is the same."""
    from llmnotes.pages import links

    (tmp_path / "a.md").write_text("# A\n\nhttps://github.com/x/y and https://arxiv.org/abs/1706.03762\n",
                                   encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n\nhttps://example.com/page\n", encoding="utf-8")
    render = ServedPage(links, tmp_path).render

    assert render()[1] == 3
    (tmp_path / "b.md").write_text("# B renamed\n\nhttps://example.com/page\n", encoding="utf-8")
    html, made = render()
    assert made == 1 and "B renamed" in html  # only the entry citing b

"""Type into the site's search box in Chromium: the page a reader means is among the first three results.

Material parses and segments the query in JavaScript, so only a real browser tells
whether a name is found. The fixture vault (tests/fixtures/search) holds the cases
the issue reported: English titles, names in 《》 and （）, mixed 中文English text, a
Chinese name jieba does not know, a tag, an alias, a paper and its arXiv id.
"""

from __future__ import annotations

import sys
from urllib.parse import unquote, urlsplit

import pytest
from conftest import FIXTURES, REPO, build_site

from llmnotes.urls import page_url

sys.path.insert(0, str(REPO / "benchmarks"))
from search_quality import SearchBox

pytestmark = pytest.mark.browser

VAULT = FIXTURES / "search"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, serve_dir) -> str:
    return serve_dir(build_site(VAULT, tmp_path_factory.mktemp("search-site")))


@pytest.fixture(scope="module")
def box(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    yield SearchBox(page, site_url)
    context.close()


@pytest.mark.parametrize("query, page", [
    # English titles the stemmer made unfindable
    ("torchrun", "torchrun.md"),
    ("HelloDeepSpeed", "分布式/HelloDeepSpeed.md"),
    ("Backends", "分布式/Backends.md"),
    # Chinese words; a Chinese title jieba does not know; a wiki-link target with no note
    ("注意力机制", "注意力机制.md"),
    ("千帆渐进蒸馏法", "千帆渐进蒸馏法.md"),
    ("混合专家模型", "concepts/混合专家模型.md"),
    # names inside 《》 and （）
    ("Attention Is All You Need", "注意力机制.md"),
    ("Attention", "注意力机制.md"),
    ("RLHF", "对齐训练.md"),
    # mixed text, and English inside Chinese found whole and by prefix
    ("LoRA微调", "注意力机制.md"),
    ("Qwen", "注意力机制.md"),
    ("DeepSpe", "分布式/HelloDeepSpeed.md"),
    ("Scaling Laws 读书笔记", "Scaling Laws 读书笔记.md"),
    # a tag, aliases (front matter only, never shown in the page)
    ("分布式训练", "tags/分布式训练.md"),
    ("渐进蒸馏", "千帆渐进蒸馏法.md"),
    ("Alignment", "对齐训练.md"),
    # a paper title and arXiv ids (one only in a link target)
    ("Direct Preference Optimization", "对齐训练.md"),
    ("2305.18290", "对齐训练.md"),
    ("2203.15556", "Scaling Laws 读书笔记.md"),
])
def test_query_finds_its_page_in_the_top_three(box, query, page):
    results = box.search(query)
    assert page_url(page) in results[:3], f"{query!r} → {results[:5]}"


# Words a generated page or a backlink only quotes find the note that wrote them, and
# the quoting page no longer crowds the results.
@pytest.mark.parametrize("query, page, quoting", [
    ("不再用循环网络", "注意力机制.md", "timeline.md"),  # a timeline event
    ("相关概念", "千帆渐进蒸馏法.md", "concepts/混合专家模型.md"),  # a mention on a concept page
    ("Direct Preference Optimization", "对齐训练.md", "papers.md"),  # a row of the paper index
])
def test_a_notes_own_words_find_it_and_not_the_page_that_quotes_them(box, query, page, quoting):
    results = box.search(query)
    assert results[:1] == [page_url(page)], results[:5]
    assert page_url(quoting) not in results


def test_a_backlink_quote_finds_the_note_that_wrote_it_only(box):
    results = box.search("负责拉起多个进程")  # HelloDeepSpeed's sentence, quoted under torchrun's backlinks
    assert results[:1] == [page_url("分布式/HelloDeepSpeed.md")], results[:5]
    assert page_url("torchrun.md") not in results


# Width of a result's text as shown, and with every word break taken out.
_WIDTHS_JS = """(el) => {
  const shown = document.createElement("span");
  shown.style.whiteSpace = "nowrap";
  shown.textContent = el.textContent;
  const bare = shown.cloneNode();
  bare.textContent = el.textContent.replace(/[\\u034f\\u200b]/g, "");
  document.body.append(shown, bare);
  const widths = [shown.getBoundingClientRect().width, bare.getBoundingClientRect().width];
  shown.remove(); bare.remove();
  return widths;
}"""


def test_a_result_shows_chinese_without_gaps_between_words(box):
    box.search("取代")  # torchrun: "…自带的分布式启动器，取代了旧的 launch 脚本。"
    teaser = box.page.locator(".md-search-result__article p").filter(has_text="启动器").first
    text = teaser.text_content() or ""
    assert "分布式" in text.replace("\u034f", "") and "\u034f" in text  # the index's word breaks are there
    shown, bare = teaser.evaluate(_WIDTHS_JS)
    assert shown == bare  # and take no room
    assert "取代" in teaser.locator("mark").all_inner_texts()


# The teaser's width as shown, and with the browser's Chinese/Latin spacing turned off.
_AUTOSPACE_JS = """el => {
  const shown = el.getBoundingClientRect().width;
  const style = el.getAttribute("style");
  el.style.display = "inline-block";
  const spaced = el.getBoundingClientRect().width;
  el.style.textAutospace = "no-autospace";
  const bare = el.getBoundingClientRect().width;
  el.setAttribute("style", style || "");
  return [getComputedStyle(el).textAutospace, spaced, bare];
}"""


def test_a_result_shows_a_gap_between_chinese_and_english_without_a_space_in_the_index(box):
    box.search("取代")  # "…取代了旧的 launch 脚本。": the index holds 旧的launch脚本
    teaser = box.page.locator(".md-search-result__article p").filter(has_text="启动器").first
    text = (teaser.text_content() or "").replace("\u034f", "")
    assert "旧的launch脚本" in text and "PyTorch自带" in text
    autospace, spaced, bare = teaser.evaluate(_AUTOSPACE_JS)
    assert autospace == "normal"
    assert spaced > bare  # the browser puts the gap back


def test_a_result_shows_a_list_as_a_list(box):
    """The index writes an item as `<li/>` without `</li>`: the browser still builds one item each."""
    box.search("集合通信")  # Backends: "- NCCL：GPU 之间的集合通信首选。\n- Gloo：CPU 训练和调试时使用。"
    article = box.page.locator(".md-search-result__article").filter(has_text="NCCL").first
    items = [t.replace("\u034f", "") for t in article.locator("ul > li").all_inner_texts()]
    assert items == ["NCCL：GPU之间的集合通信首选。", "Gloo：CPU训练和调试时使用。"]
    assert article.locator("li mark").all_inner_texts()  # the match is highlighted inside its item


def test_a_query_for_nothing_finds_nothing(box):
    assert box.search("鲸鱼喷泉") == []


def test_result_lands_on_the_chinese_section_and_highlights(box, site_url):
    page = box.page
    box.search("启动命令")
    link = page.locator(".md-search-result__item a.md-search-result__link[href*='#']").first
    href = link.get_attribute("href") or ""
    fragment = unquote(urlsplit(href).fragment)
    assert fragment == "启动命令"
    link.click()
    page.wait_for_url(lambda url: unquote(urlsplit(url).fragment) == "启动命令")
    assert page.locator(f"[id='{fragment}']").count() == 1
    marks = page.locator("article mark[data-md-highlight]")
    marks.first.wait_for(timeout=15_000)
    assert any("启动" in t for t in marks.all_inner_texts())


def test_english_term_is_highlighted_on_the_landing_page(browser, site_url):
    context = browser.new_context()
    try:
        page = context.new_page()
        box = SearchBox(page, site_url)
        box.search("RLHF")
        page.locator(".md-search-result__item a.md-search-result__link").first.click()
        marks = page.locator("article mark[data-md-highlight]")
        marks.first.wait_for(timeout=15_000)
        assert "RLHF" in marks.all_inner_texts()
    finally:
        context.close()


@pytest.mark.parametrize("label, page", [
    ("timeline", "timeline/index.md"),
    ("papers", "papers/index.md"),
    ("links", "links/index.md"),
    ("tag_index", "tags/index.md"),
])
def test_generated_page_is_found_by_its_title(box, label, page):
    from llmnotes.i18n import Labels

    results = box.search(Labels("zh", {})[label])
    assert page_url(page) in results[:3], results[:5]

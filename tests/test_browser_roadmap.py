"""A reader on the roadmap and links pages in a real browser: fold branches, filter the tree, filter links."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES, build_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, serve_dir) -> str:
    notes = tmp_path_factory.mktemp("browser-roadmap-notes")
    for folder, into in (("roadmap", "plans"), ("links", "reading")):
        shutil.copytree(FIXTURES / folder, notes / into)
    site = build_site(notes, tmp_path_factory.mktemp("browser-roadmap-site"))
    return serve_dir(site, prefix="/kb/")


def node(page, title: str):
    return page.locator(".llmnotes-node-title", has_text=title).first


def test_fold_a_branch_and_fold_everything(page, site_url: str):
    page.goto(site_url + "roadmap/")
    deep = node(page, "对偶理论")
    deep.wait_for(state="visible")
    # fold one branch by its summary: its descendants disappear, its siblings stay
    page.locator("summary", has=page.locator(".llmnotes-node-title", has_text="凸优化")).first.click()
    deep.wait_for(state="hidden")
    assert node(page, "Adam 家族").is_visible()
    page.locator(".llmnotes-collapse-all").click()
    node(page, "线性代数").wait_for(state="hidden")
    assert node(page, "数学基础").is_visible()  # a root stays
    page.locator(".llmnotes-expand-all").click()
    deep.wait_for(state="visible")
    assert node(page, "Backpropagation").is_visible()
    assert page.external_requests == []


def test_filter_keeps_the_path_to_a_match(page, site_url: str):
    page.goto(site_url + "roadmap/")
    page.locator(".llmnotes-collapse-all").click()
    box = page.locator(".llmnotes-roadmap-filter")
    box.fill("对偶")
    deep = node(page, "对偶理论")
    deep.wait_for(state="visible")  # folded branches on the way open by themselves
    assert node(page, "优化方法").is_visible()  # an ancestor
    assert node(page, "Adam 家族").is_hidden()  # a branch without a match
    assert page.locator(".llmnotes-roadmap-note:visible").count() == 1
    # plan rows are filtered too
    box.fill("Stage 2")
    page.locator("tr.llmnotes-plan-row:visible", has_text="Stage 2").wait_for()
    assert page.locator("tr.llmnotes-plan-row:visible").count() == 1
    box.fill("没有这样的节点")
    page.locator(".llmnotes-roadmap .llmnotes-no-match").wait_for(state="visible")
    box.fill("")
    # clearing the filter gives back the folding the reader chose (all folded)
    node(page, "Foundations").wait_for(state="visible")
    assert node(page, "对偶理论").is_hidden() and node(page, "Estimation").is_hidden()
    assert page.locator(".llmnotes-roadmap .llmnotes-no-match").is_hidden()


def test_a_node_leads_to_the_note_of_its_name(page, site_url: str):
    page.goto(site_url + "roadmap/")
    page.locator("a.llmnotes-node-title", has_text="线性代数").first.click()
    page.wait_for_url("**/plans/%E7%BA%BF%E6%80%A7%E4%BB%A3%E6%95%B0/")
    assert "向量、矩阵、特征值" in page.locator("article").inner_text()


def test_links_filter_by_site_and_words(page, site_url: str):
    page.goto(site_url + "links/")
    items = page.locator("li.llmnotes-link")
    total = items.count()
    assert total >= 10 and page.locator("li.llmnotes-link:visible").count() == total
    box = page.locator(".llmnotes-links-filter")
    box.fill("zhihu")
    page.wait_for_function(f"document.querySelectorAll('li.llmnotes-link:not([hidden])').length < {total}")
    shown = page.locator("li.llmnotes-link:visible")
    assert shown.count() == 1 and "知乎" in shown.first.inner_text()
    assert page.locator("section.llmnotes-site:visible").count() == 1
    assert page.locator('.llmnotes-site-index a[href="#site-github"]').is_hidden()
    box.fill("知乎")  # a site's name keeps its whole group
    page.locator("section#site-site_zhihu").wait_for(state="visible")
    box.fill("Survey README")  # the citing note's title is searchable too
    page.locator("li.llmnotes-link:visible", has_text="alpha").wait_for()
    assert all("Survey README" in t for t in page.locator("li.llmnotes-link:visible").all_inner_texts())
    box.fill("nothing-like-this")
    page.locator(".llmnotes-links .llmnotes-no-match").wait_for(state="visible")
    box.fill("")
    page.wait_for_function(f"document.querySelectorAll('li.llmnotes-link:not([hidden])').length == {total}")
    assert page.external_requests == []

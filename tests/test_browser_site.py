"""A reader in a real browser: click a wiki-link, open a concept page, nothing loads from elsewhere."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, build_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, serve_dir) -> str:
    site = build_site(FIXTURES / "vault", tmp_path_factory.mktemp("browser-vault"))
    return serve_dir(site)


def test_click_a_wikilink_and_land_on_the_note(page, site_url: str):
    page.goto(site_url + "topics/a/links/")
    page.get_by_role("link", name="the model").click()
    page.wait_for_url("**/Transformer/")
    assert page.locator("article h1").first.inner_text().startswith("Transformer")


def test_heading_link_scrolls_to_the_chinese_anchor(page, site_url: str):
    page.goto(site_url + "topics/a/links/")
    page.get_by_role("link", name="预训练 › 目标 函数").click()
    page.wait_for_url("**/#*")
    assert page.url.endswith("#目标-函数") or page.url.endswith("#%E7%9B%AE%E6%A0%87-%E5%87%BD%E6%95%B0")
    assert page.locator("[id='目标-函数']").count() == 1


def test_concept_page_lists_mentions(page, site_url: str):
    page.goto(site_url + "topics/a/links/")
    page.get_by_role("link", name="ImageNet").click()
    page.wait_for_url("**/concepts/imagenet/")
    mentions = page.locator(".llmnotes-mentions li")
    assert mentions.count() == 1
    assert "深度学习热潮" in mentions.first.inner_text()
    mentions.first.locator("a").first.click()
    page.wait_for_url("**/topics/a/links/")


def test_pages_make_no_request_to_another_host(page, site_url: str):
    for path in ["", "Transformer/", "tags/", "concepts/imagenet/"]:
        page.goto(site_url + path, wait_until="networkidle")
    assert page.external_requests == []  # type: ignore[attr-defined]

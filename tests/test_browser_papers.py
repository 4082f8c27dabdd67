"""The paper index in a real browser: filter by text and tag, sort by a column, read it without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_site

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures" / "papers"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, serve_dir) -> str:
    site = build_site(FIXTURES, tmp_path_factory.mktemp("browser-papers"))
    return serve_dir(site, prefix="/REPO/")


def visible_titles(page) -> list[str]:
    return page.locator("tr.llmnotes-paper:visible .llmnotes-paper-title strong").all_inner_texts()


def test_filter_by_text(page, site_url: str) -> None:
    page.goto(site_url + "papers/")
    total = page.locator("tr.llmnotes-paper").count()
    assert total >= 15
    page.locator(".llmnotes-papers-filter").fill("low-rank")
    assert visible_titles(page) == ["LoRA: Low-Rank Adaptation of Large Language Models"]
    page.locator(".llmnotes-papers-filter").fill("no paper is called this")
    assert visible_titles(page) == []
    assert page.locator(".llmnotes-papers-nomatch").is_visible()
    page.locator(".llmnotes-papers-filter").fill("")
    assert len(visible_titles(page)) == total


def test_filter_by_tag(page, site_url: str) -> None:
    page.goto(site_url + "papers/")
    page.locator(".llmnotes-papers-tag").select_option("rlhf")
    assert visible_titles(page) == ["Training language models to follow instructions with human feedback"]


def test_sort_by_date_and_title(page, site_url: str) -> None:
    page.goto(site_url + "papers/")
    def dates() -> list[str]:
        return page.locator("tr.llmnotes-paper").evaluate_all("rows => rows.map(r => r.dataset.date)")

    header = page.locator("th[data-key='date'] button")
    header.click()  # from the default newest-first to oldest first
    got = dates()
    dated = [d for d in got if d]
    assert dated == sorted(dated) and dated[0] == "1999-01"
    assert got[-1] == ""  # undated papers stay last
    header.click()
    dated = [d for d in dates() if d]
    assert dated == sorted(dated, reverse=True)
    assert page.locator("th[data-key='date']").get_attribute("aria-sort") == "descending"
    page.locator("th[data-key='title'] button").click()
    titles = page.locator("tr.llmnotes-paper").evaluate_all("rows => rows.map(r => r.dataset.title)")
    assert titles == sorted(titles)  # localeCompare agrees with code points on these titles


def test_links_to_arxiv_code_and_citing_notes(page, site_url: str) -> None:
    page.goto(site_url + "papers/")
    row = page.locator("tr.llmnotes-paper", has_text="LoRA: Low-Rank")
    assert row.get_by_role("link", name="arXiv:2106.09685").get_attribute("href") == \
        "https://arxiv.org/abs/2106.09685"
    assert row.locator(".llmnotes-paper-code a").first.get_attribute("href") == "https://github.com/microsoft/LoRA"
    row.locator(".llmnotes-paper-notes a", has_text="Explicit paper block").click()
    page.wait_for_url("**/REPO/explicit/")


def test_readable_without_javascript(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "papers/")
        rows = page.locator("tr.llmnotes-paper")
        assert rows.count() >= 15
        assert not page.locator(".llmnotes-papers-controls").is_visible()  # no dead controls
        mismatch = page.locator("tr.llmnotes-paper-mismatch")
        assert mismatch.count() == 1 and "arXiv 2020-09" in mismatch.inner_text()
        first = rows.first.get_attribute("data-date")
        assert first == max(r for r in rows.evaluate_all("rs => rs.map(r => r.dataset.date)") if r)
    finally:
        context.close()

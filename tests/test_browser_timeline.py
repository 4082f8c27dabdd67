"""A reader on the timeline page in a real browser: filter by text and tag, flip the order, follow a link."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, build_site

pytestmark = pytest.mark.browser

ITEMS = "li.llmnotes-event"
VISIBLE = "li.llmnotes-event:visible"


@pytest.fixture(scope="module")
def site_url(tmp_path_factory, serve_dir) -> str:
    site = build_site(FIXTURES / "timeline", tmp_path_factory.mktemp("browser-timeline"))
    return serve_dir(site)


def open_timeline(page, site_url: str) -> int:
    page.goto(site_url + "timeline/")
    page.locator(".llmnotes-timeline-controls").wait_for(state="visible")
    total = page.locator(ITEMS).count()
    assert total > 5 and page.locator(VISIBLE).count() == total
    return total


def test_text_filter_hides_and_shows_items(page, site_url: str):
    total = open_timeline(page, site_url)
    box = page.locator(".llmnotes-timeline-filter")
    box.fill("GPT-4")
    page.wait_for_function(f"document.querySelectorAll('{ITEMS}:not([hidden])').length < {total}")
    shown = page.locator(VISIBLE)
    assert shown.count() >= 1
    assert all("gpt-4" in t.lower() for t in shown.all_inner_texts())
    # years without a match are hidden with their items
    assert page.locator("section.llmnotes-timeline-year:visible").count() < \
        page.locator("section.llmnotes-timeline-year").count()
    box.fill("没有这样的事件")
    page.locator(".llmnotes-timeline-nomatch").wait_for(state="visible")
    assert page.locator(VISIBLE).count() == 0
    box.fill("")
    page.wait_for_function(f"document.querySelectorAll('{ITEMS}:not([hidden])').length == {total}")
    assert page.locator(".llmnotes-timeline-nomatch").is_hidden()


def test_tag_filter_keeps_only_tagged_events(page, site_url: str):
    total = open_timeline(page, site_url)
    page.locator(".llmnotes-timeline-tag").select_option("arch")
    page.wait_for_function(f"document.querySelectorAll('{ITEMS}:not([hidden])').length < {total}")
    shown = page.locator(VISIBLE)
    assert shown.count() >= 1
    assert all("#arch" in t for t in shown.all_inner_texts())
    page.locator(".llmnotes-timeline-tag").select_option("")
    page.wait_for_function(f"document.querySelectorAll('{ITEMS}:not([hidden])').length == {total}")
    # clicking a tag on an event filters by it instead of leaving the page
    page.locator(f"{ITEMS} .llmnotes-tag", has_text="#history").first.click()
    page.wait_for_function(f"document.querySelectorAll('{ITEMS}:not([hidden])').length < {total}")
    assert page.url.endswith("/timeline/")
    assert all("#history" in t for t in page.locator(VISIBLE).all_inner_texts())


def test_order_toggle_puts_the_newest_year_first(page, site_url: str):
    open_timeline(page, site_url)
    years = page.locator("section.llmnotes-timeline-year > h2")
    first, last = years.first.inner_text().split()[0], years.last.inner_text().split()[0]
    assert first < last
    page.locator(".llmnotes-timeline-order").click()
    assert years.first.inner_text().split()[0] == last
    dates = [d for d in page.locator(f"{ITEMS} time").evaluate_all("els => els.map(e => e.dateTime)")]
    assert dates == sorted(dates, reverse=True)
    page.locator(".llmnotes-timeline-order").click()
    assert years.first.inner_text().split()[0] == first


def test_event_links_to_its_source_note(page, site_url: str):
    open_timeline(page, site_url)
    item = page.locator(ITEMS, has_text="架构发表").first
    item.locator("a.llmnotes-event-source").click()
    page.wait_for_url("**/dated_list/")
    assert "2017年6月" in page.locator("article").inner_text()
    assert page.external_requests == []  # type: ignore[attr-defined]

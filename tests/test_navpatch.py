"""navpatch.py: a page's last output with a retitled entry of its navigation swapped, or None."""

from __future__ import annotations

from mkdocs.config import load_config

from llmnotes import navpatch
from llmnotes.cli import DEFAULT_CONFIG


def _entry(href: str, title: str) -> str:
    return f'<li class="md-nav__item"><a href="{href}" class="md-nav__link"><span class="md-ellipsis">\n{title}\n</span></a></li>'


def _page(nav: str, content: str = "<p>正文</p>") -> str:
    return (f'<html><nav class="md-nav md-nav--primary" aria-label="导航" data-md-level="0"><ul>{nav}</ul></nav>'
            f'<div class="md-content" data-md-component="content"><article>{content}</article></div></html>')


def test_the_entry_linking_the_retitled_page_gets_the_new_title_and_nothing_else_changes():
    page = _page(_entry("../a/", "甲") + _entry("../b/", "甲乙"), content=_entry("../a/", "甲"))
    got = navpatch.retitled(page, [("../a/", "甲", "甲 &amp; 新")])
    assert got == _page(_entry("../a/", "甲 &amp; 新") + _entry("../b/", "甲乙"), content=_entry("../a/", "甲"))


def test_a_page_as_written_is_patched_as_its_text_is():
    """Serve patches the page's file as it reads it (UTF-8 bytes): the same page, encoded."""
    page = _page(_entry("../a/", "甲") + _entry("../b/", "甲乙"), content="<p>正文 😀</p>")
    changes = [("../a/", "甲", "甲 &amp; 新")]
    assert navpatch.retitled(page.encode("utf-8"), changes) == navpatch.retitled(page, changes).encode("utf-8")
    assert navpatch.retitled(_page(_entry("../b/", "乙")).encode("utf-8"), changes) is None


def test_a_page_whose_navigation_does_not_hold_the_entry_exactly_once_is_left_to_the_theme():
    assert navpatch.retitled(_page(_entry("../b/", "乙")), [("../a/", "甲", "新")]) is None  # not there
    twice = _page(_entry("../a/", "甲") + _entry("../a/", "甲"))
    assert navpatch.retitled(twice, [("../a/", "甲", "新")]) is None
    assert navpatch.retitled(_page(_entry("../a/", "甲"))[:40], [("../a/", "甲", "新")]) is None  # cut short
    # Only in the content: a note's own HTML, never the navigation
    assert navpatch.retitled(_page("", content=_entry("../a/", "甲")), [("../a/", "甲", "新")]) is None


def test_a_title_the_collapsed_chrome_would_write_differently_is_left_to_the_theme():
    page = _page(_entry("../a/", "甲"))
    for title in (" 甲", "甲 ", "甲\n乙", "", None):
        assert navpatch.retitled(page, [("../a/", "甲", title)]) is None


def _config(tmp_path):
    (tmp_path / "notes").mkdir(exist_ok=True)
    return load_config(str(DEFAULT_CONFIG), docs_dir=str(tmp_path / "notes"), site_dir=str(tmp_path / "site"))


def test_patching_needs_the_checked_template_and_no_footer(tmp_path):
    config = _config(tmp_path)
    assert navpatch.usable(config)
    config.theme["features"] = [*config.theme["features"], "navigation.footer"]
    assert not navpatch.usable(config)  # the footer shows neighbours' titles too
    custom = tmp_path / "overrides" / "partials"
    custom.mkdir(parents=True)
    (custom / "nav-item.html").write_text("{% macro render(nav_item, path, level) %}{% endmacro %}", encoding="utf-8")
    config = _config(tmp_path)
    config.theme.dirs.insert(0, str(tmp_path / "overrides"))
    assert not navpatch.usable(config)  # a nav-item.html of the site's own
    (custom / "nav-item.html").unlink()
    assert navpatch.usable(config)  # a custom_dir with no template
    (custom.parent / "main.html").write_text('{% extends "base.html" %}', encoding="utf-8")
    assert not navpatch.usable(config)  # a page template of its own may list titles anywhere

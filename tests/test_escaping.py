"""Text from notes is data: a title, tag, alias or link label that looks like HTML is shown, never run.

The fixture (tests/fixtures/bad/xss) uses `<script>alert(1)</script>` and
`"><img src=x onerror=alert(1)>` as a title, tags, an alias, wiki-link labels and
targets, a timeline line and a paper title. Every generated page that exists in the
site is checked, so pages added later (roadmap, ...) are covered without editing this.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import FIXTURES, build_site

VAULT = FIXTURES / "bad" / "xss"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


class _Scan(HTMLParser):
    """Live script elements running alert(1), images with onerror, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {k.lower() for k, _ in attrs}
        if tag == "script":
            self._in_script = True
        if tag == "img" and "onerror" in names:
            self.bad.append(f"<img {attrs}>")
        if any(n.startswith("on") for n in names) and any("alert(1)" in (v or "") for _, v in attrs):
            self.bad.append(f"<{tag} {attrs}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            if "alert(1)" in data:
                self.bad.append(f"<script>{data}</script>")
        else:
            self.text.append(data)


def scan(page: Path) -> _Scan:
    s = _Scan()
    s.feed(page.read_text(encoding="utf-8"))
    return s


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(VAULT, tmp_path_factory.mktemp("xss-site"))


def test_no_page_holds_a_live_script_or_onerror(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        bad = scan(page).bad
        assert not bad, f"{page.relative_to(site)}: {bad}"


def _text(site: Path, rel: str) -> str:
    page = site / rel / "index.html"
    assert page.is_file(), f"no page {rel}"
    return "".join(scan(page).text)


@pytest.mark.parametrize("rel, shown", [
    ("恶意标题", [SCRIPT]),  # the note's own title (h1, <title>, navigation)
    ("另一个", [IMG]),
    ("目标", [SCRIPT, IMG]),  # backlinks list both linking notes by title
    ("", [SCRIPT, IMG]),  # home page lists notes by title
    ("tags", [SCRIPT, IMG]),  # the tag index
    ("concepts/script-alert-1-script-概念", [SCRIPT]),
    ("concepts/img-src-x-onerror-alert-1-概念", [IMG]),
])
def test_escaped_text_is_visible(site, rel, shown):
    text = _text(site, rel)
    for s in shown:
        assert s in text, f"{rel or 'home'}: {s!r} is not shown as text"


def test_navigation_shows_the_title_as_text(site):
    # The navigation of another page lists the note: its label is the literal title.
    raw = (site / "目标" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert f'href="../{quote("恶意标题")}/"' in raw


def test_tag_pages_show_the_tag_as_text(site):
    tag_pages = [p for p in (site / "tags").rglob("index.html") if p.parent != site / "tags"]
    assert tag_pages
    texts = "".join("".join(scan(p).text) for p in tag_pages)
    assert SCRIPT in texts and IMG in texts


@pytest.mark.browser
def test_no_alert_fires_anywhere(site, serve_dir, page):
    """Every page of the site, and the search results for "script", in Chromium."""
    import sys

    from conftest import REPO

    sys.path.insert(0, str(REPO / "benchmarks"))
    from search_quality import SearchBox

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = serve_dir(site)
    pages = sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))
    for rel in pages:
        url = base + ("" if rel == "." else quote(rel) + "/")
        response = page.goto(url)
        assert response is not None and response.ok, url
        page.wait_for_load_state("load")
    box = SearchBox(page, base)
    results = box.search("script")
    assert results, "search finds nothing for 'script'"
    shown = page.locator(".md-search-result").inner_text()
    assert "alert(1)" in shown, "the search results do not show the title as text"
    page.wait_for_timeout(500)
    assert not dialogs, f"alert fired: {dialogs}"


def test_json_in_attributes_keeps_chinese_and_escapes_quotes() -> None:
    import html as html_lib
    import json

    from llmnotes.pages import json_attr

    tags = ["推理", "a\"b'<c>&d"]
    written = str(json_attr(tags))
    assert "推理" in written and not any(ch in written for ch in "\"'<>")
    assert json.loads(html_lib.unescape(written)) == tags

"""The published site works under a sub-path, as a GitHub Pages project site (/REPO/) does.

A fixture site is served under /REPO/ and Chromium clicks through it: a navigation link,
a wiki-link, a tag link to a generated tag page and the tag index. Every page, stylesheet,
script and the search index it loads must come back 200 from under /REPO/.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
from conftest import FIXTURES, build_site

pytestmark = pytest.mark.browser

PREFIX = "/REPO/"


@pytest.fixture(scope="module")
def base(tmp_path_factory, serve_dir) -> str:
    site = build_site(FIXTURES / "vault", tmp_path_factory.mktemp("subpath") / "site")
    return serve_dir(site, prefix=PREFIX)


def test_click_through_under_a_sub_path(base, page):
    responses: list[tuple[str, int, str]] = []

    def on_response(resp) -> None:
        if resp.url.startswith("http://127.0.0.1"):
            responses.append((resp.url, resp.status, resp.request.resource_type))

    page.on("response", on_response)
    failed: list[str] = []
    # A request the browser dropped because the page navigated on (the search worker still
    # fetching its index, say) is not a broken link: only other failures count.
    page.on("requestfailed", lambda req: None if "ERR_ABORTED" in (req.failure or "") else failed.append(req.url))

    page.goto(base)
    page.wait_for_load_state("networkidle")

    # A navigation link to a note.
    page.locator(".md-nav__link", has_text="Transformer").first.click()
    page.wait_for_load_state("networkidle")
    assert unquote(urlsplit(page.url).path) == f"{PREFIX}Transformer/"

    # A wiki-link in a note's text.
    page.goto(base + "topics/a/links/")
    page.locator("article a.llmnotes-link", has_text="the model").first.click()
    page.wait_for_load_state("networkidle")
    assert unquote(urlsplit(page.url).path) == f"{PREFIX}Transformer/"

    # A tag link to its generated page, then the tag index from there.
    tag = page.locator("article a.llmnotes-tag").first
    tag.click()
    page.wait_for_load_state("networkidle")
    assert unquote(urlsplit(page.url).path).startswith(f"{PREFIX}tags/")
    assert page.locator("article").inner_text().strip()

    page.goto(base + "tags/")
    page.wait_for_load_state("networkidle")

    assert not failed, f"requests failed: {failed}"
    kinds = {kind for _, _, kind in responses}
    assert {"document", "stylesheet", "script"} <= kinds, kinds
    for url, status, kind in responses:
        path = urlsplit(url).path
        assert path.startswith(PREFIX), f"{kind} {url} left {PREFIX}"
        assert status in (200, 304), f"{kind} {url}: {status}"
    assert page.external_requests == [], page.external_requests

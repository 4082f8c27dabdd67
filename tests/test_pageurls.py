"""Page URLs remembered across serve rebuilds (pageurls.py) are the URLs MkDocs works out."""

from urllib.parse import urljoin, urlsplit

from mkdocs import utils
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from llmnotes import pageurls


def _page(src: str, site_url: str) -> Page:
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "site_url": site_url, "docs_dir": ".", "site_dir": "site"})
    config.validate()
    return Page(None, File(src, "docs", "site", use_directory_urls=True), config)


def test_remembered_urls_are_the_canonical_urls_mkdocs_gives(monkeypatch):
    monkeypatch.setattr(pages, "urljoin", urljoin)
    monkeypatch.setattr(pages, "urlsplit", urlsplit)
    monkeypatch.setattr(pages, "get_build_date", utils.get_build_date)
    cases = [("topic/注意力 笔记.md", "http://127.0.0.1:8000/"), ("index.md", "https://example.org/sub"),
             ("a/b%20c.md", "https://example.org/sub/"), ("a/b.md", "http://127.0.0.1:8000/")]
    plain = [(p.canonical_url, p.abs_url) for p in (_page(*c) for c in cases)]
    pageurls.install()
    assert pages.urljoin is not urljoin and pages.urlsplit is not urlsplit  # remembering now
    for _ in range(2):  # worked out, then remembered
        assert [(p.canonical_url, p.abs_url) for p in (_page(*c) for c in cases)] == plain
    assert plain[0][0] == "http://127.0.0.1:8000/topic/%E6%B3%A8%E6%84%8F%E5%8A%9B%20%E7%AC%94%E8%AE%B0/"


def test_the_build_date_is_the_one_mkdocs_gives(monkeypatch):
    monkeypatch.setattr(pages, "get_build_date", utils.get_build_date)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # a reproducible build's date
    monkeypatch.setattr(pageurls, "_dated", [])
    pageurls.install()
    assert pages.get_build_date is pageurls.build_date
    assert _page("a.md", "http://127.0.0.1:8000/").update_date == "2023-11-14" == utils.get_build_date()

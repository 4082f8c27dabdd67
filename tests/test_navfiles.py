"""The navigation's files ordered, nested and found as in serve (navfiles.py): as MkDocs does."""

import pytest
from mkdocs import utils
from mkdocs.structure import files as files_module
from mkdocs.structure import nav
from mkdocs.structure.files import File, Files

from llmnotes import navfiles

PATHS = ["index.md", "topic/注意力 笔记.md", "a/b.md", "a/index.md", "a/c/d.md", "Z-top_Level/x.txt", "b.md"]


@pytest.fixture
def mkdocs_own(monkeypatch):
    """MkDocs's functions in place, restored after the test."""
    monkeypatch.setattr(Files, "get_file_from_path", navfiles._original_get)
    monkeypatch.setattr(nav, "file_sort_key", files_module.file_sort_key)
    monkeypatch.setattr(nav, "nest_paths", utils.nest_paths)


def _files() -> Files:
    return Files([File(p, "docs", "site", use_directory_urls=True) for p in PATHS])


def test_a_lookup_finds_what_mkdocs_finds_for_any_spelling_of_a_path(mkdocs_own):
    files = _files()
    asked = [*PATHS, "./a/b.md", "a//b.md", "a/./b.md", "a/b.md/", "missing.md", "a/../a/b.md", "", "."]
    theirs = [files.get_file_from_path(p) for p in asked]
    assert navfiles.install()
    assert Files.get_file_from_path is navfiles.get_file_from_path
    assert [files.get_file_from_path(p) for p in asked] == theirs
    assert theirs[len(PATHS)] is theirs[2] and theirs[len(PATHS) + 4] is None  # ./a/b.md finds a/b.md


def test_the_navigation_orders_and_nests_the_pages_as_mkdocs_does(mkdocs_own):
    pages = _files().documentation_pages()
    theirs = sorted(pages, key=files_module.file_sort_key)
    nested = utils.nest_paths(f.src_uri for f in theirs)
    assert navfiles.install()
    for _ in range(2):  # worked out, then remembered
        assert sorted(pages, key=nav.file_sort_key) == theirs
        assert nav.nest_paths(f.src_uri for f in theirs) == nested
    assert [f.src_uri for f in theirs][:2] == ["index.md", "b.md"]  # index first, folders last

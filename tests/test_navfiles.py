"""The site's files' paths made once per path in serve (navfiles.py): MkDocs's own answers."""

from pathlib import PurePath, PurePosixPath

import pytest
from mkdocs import utils
from mkdocs.structure import files as files_module
from mkdocs.structure import nav
from mkdocs.structure.files import File, Files

from llmnotes import navfiles

PATHS = ["index.md", "topic/注意力 笔记.md", "a/b.md", "a/index.md", "a/c/d.md", "Z-top_Level/x.txt", "b.md"]


@pytest.fixture
def mkdocs_own(monkeypatch):
    """MkDocs's own in place, restored after the test."""
    monkeypatch.setattr(files_module, "PurePath", PurePath)
    monkeypatch.setattr(files_module, "PurePosixPath", PurePosixPath)
    monkeypatch.setattr(nav, "nest_paths", utils.nest_paths)


def _files(paths=PATHS) -> Files:
    return Files([File(p, "docs", "site", use_directory_urls=True) for p in paths])


def _seen(files: Files, asked: list[str]) -> list:
    """What MkDocs works out of the files: each one's paths and URL, the lookups, the navigation."""
    pages = files.documentation_pages()
    ordered = sorted(pages, key=files_module.file_sort_key)
    return [[(f.src_uri, f.dest_uri, f.url) for f in files], [files.get_file_from_path(p) for p in asked],
            [p in files for p in asked], [f.src_uri for f in ordered],
            nav.nest_paths(f.src_uri for f in ordered)]


def test_mkdocs_works_out_the_same_paths_lookups_and_navigation(mkdocs_own):
    asked = [*PATHS, "./a/b.md", "a//b.md", "a/./b.md", "a/b.md/", "missing.md", "a/../a/b.md", "", "."]
    theirs = _seen(_files(), asked)
    lookups = theirs[1]
    navfiles.install()
    assert files_module.PurePath is navfiles.remembered_pure_path and nav.nest_paths is navfiles.nest_paths
    for _ in range(2):  # worked out, then remembered
        files = _files()
        seen = _seen(files, asked)
        assert seen[0] == theirs[0] and seen[2:] == theirs[2:]
        assert [f and f.src_uri for f in seen[1]] == [f and f.src_uri for f in lookups]
    assert lookups[len(PATHS)].src_uri == "a/b.md" and lookups[len(PATHS) + 4] is None  # ./a/b.md finds a/b.md
    assert theirs[3][:2] == ["index.md", "b.md"]  # index first, folders last

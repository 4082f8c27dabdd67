"""The old site is deleted on another core during a build, and none of it is left after."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import FIXTURES, build_site

from llmnotes import oldsite

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the background deleter needs fork()")


def _old_site(site: Path) -> None:
    (site / "stale-page" / "deep").mkdir(parents=True)
    (site / "stale-page" / "deep" / "index.html").write_text("old", encoding="utf-8")
    (site / "stale.txt").write_text("old", encoding="utf-8")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    (site / f"{oldsite.TRASH_PREFIX}killed").mkdir()  # left by a build that never finished
    (site / f"{oldsite.TRASH_PREFIX}killed" / "x.html").write_text("old", encoding="utf-8")


def test_a_build_leaves_nothing_of_the_old_site_but_its_dot_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _old_site(site)
    build_site(FIXTURES / "vault", site)
    names = sorted(p.name for p in site.iterdir())
    assert "stale-page" not in names and "stale.txt" not in names
    assert not [n for n in names if n.startswith(oldsite.TRASH_PREFIX)]
    assert (site / ".git" / "HEAD").is_file()  # as MkDocs: hidden files stay
    assert (site / "index.html").is_file() and (site / "search" / "search_index.json").is_file()


def test_clear_in_background_moves_then_deletes(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _old_site(site)
    clearing = oldsite.clear_in_background(str(site))
    assert clearing is not None
    # At once, only hidden entries are left: MkDocs's own cleaning has nothing to do.
    assert all(p.name.startswith(".") for p in site.iterdir())
    clearing.wait()
    assert sorted(p.name for p in site.iterdir()) == [".git"]
    assert oldsite.clear_in_background(str(site)) is None  # nothing left to delete
    assert oldsite.clear_in_background(str(tmp_path / "missing")) is None

"""The navigation memo (navcache.py) changes how fast pages are written, never what they say."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, REPO, build_site

from llmnotes import navcache
from llmnotes.cli import DEFAULT_CONFIG


def _config(tmp_path: Path, name: str, features: list[str] | None = None, **extra) -> Path:
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    if features is not None:
        data["theme"]["features"] = features
    data["plugins"] = [p for p in data["plugins"] if p != "llmnotes"] + [{"llmnotes": {"workers": 1}}]
    data.update(extra)
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _pages(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def _nested_vault(root: Path) -> Path:
    """Folders with index pages (links into the page's own folder), nesting, and loose notes."""
    for folder in ("a", "a/deep", "b", "b/c"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "index.md").write_text(f"# {folder} home\n\n## Part\n\ntext\n", encoding="utf-8")
        for i in range(3):
            (root / folder / f"n{i}.md").write_text(f"# {folder} note {i}\n\n## Heading {i}\n\nsee [[n0]]\n",
                                                    encoding="utf-8")
    (root / "top.md").write_text("# Top\n\ntext #tag\n", encoding="utf-8")
    return root


LAYOUTS = {
    "default": {},
    "sections-tabs-expand": {"features": ["navigation.sections", "navigation.tabs", "navigation.expand",
                                          "navigation.indexes"]},
    "indexes-prune": {"features": ["navigation.indexes", "navigation.prune"]},
    "file-urls": {"use_directory_urls": False},
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("vault", ["nested", "vault", "notes"])
def test_memo_writes_the_same_pages(tmp_path: Path, monkeypatch, layout: str, vault: str) -> None:
    source = {"nested": lambda: _nested_vault(tmp_path / "nested"), "vault": lambda: FIXTURES / "vault",
              "notes": lambda: REPO / "notes"}[vault]()
    cfg = _config(tmp_path, layout, **LAYOUTS[layout])
    installed = []
    real_install = navcache.install
    monkeypatch.setattr(navcache, "install", lambda env: installed.append(real_install(env)) or installed[-1])
    with_memo = _pages(build_site(source, tmp_path / "memo", config_file=cfg))
    assert installed and installed[-1] is not None and installed[-1].hits > 0
    monkeypatch.setattr(navcache, "install", lambda env: None)
    without = _pages(build_site(source, tmp_path / "plain", config_file=cfg))
    assert sorted(with_memo) == sorted(without)
    assert [name for name in without if with_memo[name] != without[name]] == []


def test_a_theme_laid_out_otherwise_is_left_alone() -> None:
    assert navcache.wrap_render_macro("{% macro other(x) %}{{ x }}{% endmacro %}") is None
    two = "{% macro render(nav_item, path, level, parent) %}a{% endmacro %}{% macro more() %}b{% endmacro %}"
    assert navcache.wrap_render_macro(two) is None
    one = "{% macro render(nav_item, path, level, parent) %}body{% endmacro %}"
    assert "{% call llmnotes_nav_memo(" in navcache.wrap_render_macro(one)

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
    # bytes as written: read_text would turn "\r\n" into "\n"
    return {str(p.relative_to(site)): p.read_bytes().decode("utf-8") for p in sorted(site.rglob("*.html"))}


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


def _large_folder_vault(root: Path) -> Path:
    """A folder of more than 100 notes (split into runs of 100 in the navigation: sections whose
    pages share one URL folder), beside a subfolder with an index page."""
    (root / "big" / "sub").mkdir(parents=True, exist_ok=True)
    for i in range(130):
        (root / "big" / f"n{i:03d}.md").write_text(f"# Big {i}\n\n## Part\n\nsee [[n{(i + 1) % 130:03d}]]\n",
                                                   encoding="utf-8")
    (root / "big" / "sub" / "index.md").write_text("# Sub home\n\ntext\n", encoding="utf-8")
    (root / "big" / "sub" / "leaf.md").write_text("# Leaf\n\ntext\n", encoding="utf-8")
    (root / "loose.md").write_text("# Loose\n\ntext\n", encoding="utf-8")
    return root


LAYOUTS = {
    "default": {},
    "sections-tabs-expand": {"features": ["navigation.sections", "navigation.tabs", "navigation.expand",
                                          "navigation.indexes"]},
    "indexes-prune": {"features": ["navigation.indexes", "navigation.prune"]},
    "file-urls": {"use_directory_urls": False},
}


def _memo_then_plain(tmp_path: Path, monkeypatch, source: Path, cfg: Path) -> tuple[dict, dict, list]:
    """The pages of a build with the memo, of one without, and the memos installed."""
    installed = []
    real_install = navcache.install
    monkeypatch.setattr(navcache, "install", lambda env: installed.append(real_install(env)) or installed[-1])
    with_memo = _pages(build_site(source, tmp_path / "memo", config_file=cfg))
    monkeypatch.setattr(navcache, "install", lambda env: None)
    without = _pages(build_site(source, tmp_path / "plain", config_file=cfg))
    return with_memo, without, installed


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("vault", ["nested", "large-folder", "vault", "notes"])
def test_memo_writes_the_same_pages(tmp_path: Path, monkeypatch, layout: str, vault: str) -> None:
    source = {"nested": lambda: _nested_vault(tmp_path / "nested"),
              "large-folder": lambda: _large_folder_vault(tmp_path / "large"),
              "vault": lambda: FIXTURES / "vault", "notes": lambda: REPO / "notes"}[vault]()
    cfg = _config(tmp_path, layout, **LAYOUTS[layout])
    with_memo, without, installed = _memo_then_plain(tmp_path, monkeypatch, source, cfg)
    assert installed and installed[-1] is not None and installed[-1].hits > 0
    # The loops of the installed theme are recognised: kept entries are not even rendered
    assert installed[-1].unrolled == [navcache.TEMPLATE, navcache.TOP_TEMPLATE]
    assert sorted(with_memo) == sorted(without)
    assert [name for name in without if with_memo[name] != without[name]] == []


@pytest.mark.parametrize("options", [{"newline_sequence": "\r\n"}, {"trim_blocks": True, "lstrip_blocks": True}])
def test_template_options_that_change_the_loops_whitespace(tmp_path: Path, monkeypatch, options: dict) -> None:
    """Pages written by a template environment with other newlines, or trimming whitespace
    around tags, are the same with the memo as without."""
    import jinja2
    from mkdocs.theme import Theme

    real_get_env = Theme.get_env

    def get_env(self):
        env = real_get_env(self)
        for name, value in options.items():
            setattr(env, name, value)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(tmp_path / "bytecode"))  # not compiled with other options
        return env

    monkeypatch.setattr(Theme, "get_env", get_env)
    (tmp_path / "bytecode").mkdir()
    cfg = _config(tmp_path, "default")
    with_memo, without, installed = _memo_then_plain(tmp_path, monkeypatch, _nested_vault(tmp_path / "nested"), cfg)
    assert installed[-1] is not None and installed[-1].hits > 0
    assert sorted(with_memo) == sorted(without)
    assert [name for name in without if with_memo[name] != without[name]] == []
    if "newline_sequence" in options:
        assert "\r\n" in with_memo["index.html"]


def test_a_theme_laid_out_otherwise_is_left_alone() -> None:
    assert navcache.wrap_render_macro("{% macro other(x) %}{{ x }}{% endmacro %}") is None
    two = "{% macro render(nav_item, path, level, parent) %}a{% endmacro %}{% macro more() %}b{% endmacro %}"
    assert navcache.wrap_render_macro(two) is None
    one = "{% macro render(nav_item, path, level, parent) %}body{% endmacro %}"
    assert "{% call llmnotes_nav_memo(" in navcache.wrap_render_macro(one)
    loop = '{% for item in nav_item.children %} {% if not index or item != index %}{{ render(item) }}{% endif %}'
    assert navcache.unroll_loop(loop + "{% endfor %}", navcache._CHILDREN_LOOP, navcache._CHILDREN_CALL) is None

"""Translations kept for the build (themememo.py) change how fast pages are written, never what they say."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
import yaml
from conftest import REPO, build_site
from mkdocs.theme import Theme

from llmnotes import themememo
from llmnotes.cli import DEFAULT_CONFIG

_install = themememo.install


def _config(tmp_path: Path, language: str) -> Path:
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["theme"]["language"] = language
    data["plugins"] = [p for p in data["plugins"] if p != "llmnotes"] + [{"llmnotes": {"workers": 1}}]
    path = tmp_path / f"{language}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _build(monkeypatch, source: Path, site: Path, cfg: Path, *, kept: bool) -> tuple[dict[str, bytes], list]:
    """The pages of a build, with the translations kept or not, and what was installed."""
    installed: list = []
    real_get_env = Theme.get_env

    def get_env(self):
        env = real_get_env(self)
        if kept:
            installed.append(_install(env))
        return env

    monkeypatch.setattr(Theme, "get_env", get_env)
    monkeypatch.setattr(themememo, "install", lambda env: None)  # here the test alone decides
    build_site(source, site, config_file=cfg)
    monkeypatch.undo()
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.html"))}, installed


# zh: the default; si: a language missing many of the theme's strings (English stands in)
@pytest.mark.parametrize("language", ["zh", "si"])
def test_kept_translations_write_the_same_pages(tmp_path: Path, monkeypatch, language: str) -> None:
    cfg = _config(tmp_path, language)
    kept, installed = _build(monkeypatch, REPO / "notes", tmp_path / "kept", cfg, kept=True)
    plain, _ = _build(monkeypatch, REPO / "notes", tmp_path / "plain", cfg, kept=False)
    assert installed and installed[-1] is not None and installed[-1].hits > 0
    assert sorted(kept) == sorted(plain)
    assert [name for name in plain if kept[name] != plain[name]] == []


def test_a_theme_written_otherwise_is_left_alone() -> None:
    other = jinja2.Environment(loader=jinja2.DictLoader({themememo.TEMPLATE: "{% macro t(key) %}{{ key }}{% endmacro %}"}))
    assert themememo.install(other) is None
    assert themememo.install(jinja2.Environment(loader=jinja2.DictLoader({}))) is None
    theme = jinja2.Environment(loader=jinja2.PackageLoader("material", "templates"))
    assert _install(theme) is not None
    assert _install(theme) is None  # installed once only

"""Theme files listed once per serve session (themefiles.py) are the files MkDocs would list."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from llmnotes import themefiles


def _config(tmp_path: Path, custom_dir: Path | None = None):
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text("# home\n", encoding="utf-8")
    extra = f"  custom_dir: {custom_dir.as_posix()}\n" if custom_dir else ""
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\ndocs_dir: docs\nsite_dir: {(tmp_path / 'site').as_posix()}\n"
        f"theme:\n  name: material\n{extra}", encoding="utf-8")
    return load_config(str(tmp_path / "mkdocs.yml"))


def _listed(add, config, docs: list[str] = ()) -> dict[str, str]:
    from mkdocs.structure.files import File

    files = Files([File(d, config.docs_dir, config.site_dir, config.use_directory_urls) for d in docs])
    add(files, config.theme.get_env(), config)
    return {f.src_uri: f.abs_src_path for f in files}


@pytest.fixture
def remembered(monkeypatch):
    monkeypatch.setattr(themefiles, "_found", {})
    if not themefiles.install():
        pytest.skip("another MkDocs: its own add_files_from_theme runs")
    yield themefiles.add_files_from_theme
    monkeypatch.setattr(Files, "add_files_from_theme", themefiles._original)


def test_the_remembered_listing_is_mkdocs_own_and_a_note_still_wins(tmp_path, remembered) -> None:
    config = _config(tmp_path)
    (Path(config.docs_dir) / "404.html").write_text("mine", encoding="utf-8")
    own = _listed(themefiles._original, config, ["index.md", "404.html"])
    assert len(own) > 20 and any(p.endswith(".js") for p in own)  # the theme's scripts, styles, icons
    assert _listed(remembered, config, ["index.md", "404.html"]) == own
    again = _listed(remembered, config, ["index.md", "404.html"])  # from the record this time
    assert again == own
    assert again["404.html"].startswith(config.docs_dir)


def test_a_file_added_to_a_custom_dir_is_listed_at_the_next_build(tmp_path, remembered) -> None:
    custom = tmp_path / "overrides"
    custom.mkdir()
    config = _config(tmp_path, custom)
    assert "extra.css" not in _listed(remembered, config)
    (custom / "extra.css").write_text("body {}", encoding="utf-8")
    config = _config(tmp_path, custom)
    assert _listed(remembered, config)["extra.css"] == str(custom / "extra.css")

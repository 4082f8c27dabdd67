"""Pages converted on one reused Python-Markdown (convert.py) come out as MkDocs's own
per-page conversion makes them, whatever state the previous page left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, build_site

from llmnotes import convert
from llmnotes.cli import DEFAULT_CONFIG

# Each of these leaves state in an extension (footnotes, abbreviations, references, heading
# ids, raw HTML in the stash) that must not reach the next page.
PAGES = {
    "a.md": "# Alpha\n\nA claim.[^1] Uses HTML and [ref][r].\n\n*[HTML]: Hyper Text\n\n[^1]: The source.\n\n"
            "[r]: https://example.org/a\n\n## Same\n\n## Same\n",
    "b.md": "# Beta\n\nAnother claim.[^1] No abbreviation here: HTML.\n\n[^1]: Its own note.\n\n"
            "Dangling [ref][r].\n\n## Same\n",
    "c.md": '<div markdown="1">\n\n**inside**\n\n</div>\n\n# Gamma\n\n```python\nx = 1\n```\n\n'
            '!!! note "Box"\n    text\n',
    "d.md": "No heading at all, plain [[Alpha]] link.\n",
}


def _config(tmp_path: Path) -> Path:
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["markdown_extensions"] = [*data["markdown_extensions"], "footnotes", "abbr"]
    data["plugins"] = [p for p in data["plugins"] if p != "llmnotes"] + [{"llmnotes": {"workers": 1}}]
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _pages(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def test_the_installed_mkdocs_renders_pages_as_convert_repeats() -> None:
    """Else every build is back to one Markdown instance per page (a slower build, same site)."""
    assert convert.usable()


@pytest.mark.parametrize("vault", ["written", FIXTURES / "vault"], ids=str)
def test_reused_converter_writes_the_same_pages(tmp_path: Path, monkeypatch, vault) -> None:
    if vault == "written":
        vault = tmp_path / "v"
        vault.mkdir()
        for name, text in PAGES.items():
            (vault / name).write_text(text, encoding="utf-8")
    cfg = _config(tmp_path)
    reused = _pages(build_site(vault, tmp_path / "reused", config_file=cfg))
    monkeypatch.setattr(convert, "usable", lambda: False)
    fresh = _pages(build_site(vault, tmp_path / "fresh", config_file=cfg))
    assert sorted(reused) == sorted(fresh)
    assert [name for name in fresh if reused[name] != fresh[name]] == []
    if vault.name == "v":
        beta = reused["b/index.html"].decode()
        assert "Its own note." in beta and "The source." not in beta  # footnotes of page a stay there
        assert "<abbr" not in beta  # and so does its abbreviation

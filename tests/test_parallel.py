"""A build on several cores (parallel.py) writes the same site as one on a single core."""

from __future__ import annotations

import logging
from pathlib import Path

import markdown
import pytest
import yaml
from conftest import FIXTURES, REPO, build_site
from mkdocs.exceptions import Abort

from llmnotes import parallel
from llmnotes.cli import DEFAULT_CONFIG

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="parallel builds need fork()")


def _config(tmp_path: Path, workers: int, **extra) -> Path:
    """The packaged configuration with `workers` set (and any other top-level keys)."""
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    data["plugins"] = [p for p in data["plugins"] if p != "llmnotes"] + [{"llmnotes": {"workers": workers}}]
    data.update(extra)
    path = tmp_path / f"mkdocs-{workers}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _site_files(site: Path) -> dict[str, bytes]:
    # sitemap.xml.gz carries the time it was compressed
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"}


@pytest.mark.parametrize("vault", [FIXTURES / "vault", REPO / "notes", FIXTURES / "papers"],
                         ids=lambda p: p.name)
def test_parallel_build_writes_the_same_site(tmp_path: Path, vault: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.llmnotes")
    one = build_site(vault, tmp_path / "one", config_file=_config(tmp_path, 1))
    three = build_site(vault, tmp_path / "three", config_file=_config(tmp_path, 3))
    assert "building with 3 processes" in caplog.text
    a, b = _site_files(one), _site_files(three)
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == []


def test_parallel_build_of_the_seeds(tmp_path: Path, seeds_dir: Path) -> None:
    one = _site_files(build_site(seeds_dir, tmp_path / "one", config_file=_config(tmp_path, 1)))
    two = _site_files(build_site(seeds_dir, tmp_path / "two", config_file=_config(tmp_path, 2)))
    assert one == two
    assert sum(name.endswith("index.html") for name in two) >= 4


def _vault_with_bad_anchors(root: Path, n: int = 6) -> Path:
    root.mkdir()
    (root / "target.md").write_text("# Target\n\n## Real heading\n\ntext\n", encoding="utf-8")
    for i in range(n):
        (root / f"note-{i}.md").write_text(f"# Note {i}\n\nSee [there](target.md#nowhere-{i}).\n",
                                           encoding="utf-8")
    return root


def test_warnings_of_workers_are_reported_and_counted(tmp_path: Path, caplog) -> None:
    """MkDocs's anchor check runs on what the workers found; --strict fails on it as on one core."""
    vault = _vault_with_bad_anchors(tmp_path / "v")
    messages = {}
    for workers in (1, 2):
        caplog.clear()
        cfg = _config(tmp_path, workers, validation={"anchors": "warn"})
        with pytest.raises(Abort):
            build_site(vault, tmp_path / f"site-{workers}", strict=True, config_file=cfg)
        messages[workers] = sorted(r.getMessage() for r in caplog.records
                                   if r.levelno == logging.WARNING and "nowhere-" in r.getMessage())
    assert len(messages[2]) == 6
    assert messages[1] == messages[2]


def test_an_error_in_a_worker_fails_the_build_naming_the_page(tmp_path: Path, monkeypatch, caplog) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    for i in range(6):
        (vault / f"n{i}.md").write_text(f"# N{i}\n\n{'EXPLODE' if i == 3 else 'fine'}\n", encoding="utf-8")
    convert = markdown.Markdown.convert

    def failing(self, source):
        if "EXPLODE" in source:
            raise ValueError("the extension broke")
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", failing)
    with pytest.raises(Abort):
        build_site(vault, tmp_path / "site", config_file=_config(tmp_path, 2))
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("n3.md" in m and "parallel worker" in m and "ValueError: the extension broke" in m for m in errors)


def test_sites_with_other_plugins_build_on_one_core(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    cfg = load_config(str(_config(tmp_path, 4, plugins=["search", "llmnotes", "tags"])),
                      docs_dir=str(FIXTURES / "vault"), site_dir=str(tmp_path / "s"))
    n, why = parallel.worker_count(4, cfg)
    assert n == 1 and "tags" in why
    cfg = load_config(str(_config(tmp_path, 4)), docs_dir=str(FIXTURES / "vault"), site_dir=str(tmp_path / "s"))
    assert parallel.worker_count(4, cfg) == (4, "")
    assert parallel.worker_count(1, cfg)[0] == 1


def test_pages_are_rendered_once_by_the_process_that_converts_them(tmp_path: Path, monkeypatch) -> None:
    """Notes and generated pages get their Markdown where they are converted: spread over the
    workers, each exactly once (not all in the build process before the workers start)."""
    import os

    from llmnotes import pages, render

    log = tmp_path / "rendered.log"

    def logged(kind, make):
        def wrapper(*args, **kwargs):
            with log.open("a", encoding="utf-8") as out:  # O_APPEND: lines from several processes stay whole
                out.write(f"{os.getpid()} {kind}\n")
            return make(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(render.NoteRenderer, "render", logged("note", render.NoteRenderer.render))
    monkeypatch.setattr(pages.PageContext, "render", logged("generated", pages.PageContext.render))
    site = build_site(FIXTURES / "vault", tmp_path / "site", config_file=_config(tmp_path, 3))
    rows = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    notes = [pid for pid, kind in rows if kind == "note"]
    generated = [pid for pid, kind in rows if kind == "generated"]
    note_pages = [p for p in (FIXTURES / "vault").rglob("*") if p.suffix in (".md", ".txt")]
    assert len(notes) == len(note_pages)  # each note once
    assert len(set(notes)) == 3 and len(set(generated)) >= 2  # on every process, generated pages too
    assert str(os.getpid()) in notes
    assert (site / "timeline" / "index.html").is_file()


def test_a_deferred_file_is_made_once_when_first_read(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    cfg = load_config(str(_config(tmp_path, 1)), docs_dir=str(FIXTURES / "vault"), site_dir=str(tmp_path / "s"))
    cfg.plugins._current_plugin = "llmnotes"  # as during the plugin's on_files
    calls = []

    def make() -> str:
        calls.append(1)
        return "# Made\n"

    file = parallel.DeferredFile.deferred(cfg, "made.md", make)
    assert file.is_modified() and calls == []  # asking whether to build it does not make it
    assert file.content_string == "# Made\n" and file.content_bytes == b"# Made\n"
    assert calls == [1]
    file.content_string = "# Replaced\n"
    assert file.content_string == "# Replaced\n" and calls == [1]

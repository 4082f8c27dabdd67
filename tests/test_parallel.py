"""A build on several cores (parallel.py) writes the same site as one on a single core."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
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


def _failing_markdown(monkeypatch, fails: Callable[[], bool]) -> None:
    """Python-Markdown raises, naming the page's heading, wherever `fails()` says so."""
    convert = markdown.Markdown.convert

    def failing(self, source):
        if fails():
            raise ValueError(f"the extension broke on {source.split()[1]}")
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", failing)


def _six_notes(tmp_path: Path) -> Path:
    vault = tmp_path / "v"
    vault.mkdir()
    for i in range(6):
        (vault / f"n{i}.md").write_text(f"# N{i}\n\nfine\n", encoding="utf-8")
    return vault


def test_an_error_in_a_worker_fails_the_build_naming_the_page(tmp_path: Path, monkeypatch, caplog) -> None:
    build_process = os.getpid()
    _failing_markdown(monkeypatch, lambda: os.getpid() != build_process)
    with pytest.raises(Abort):
        build_site(_six_notes(tmp_path), tmp_path / "site", config_file=_config(tmp_path, 2))
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(f"n{i}.md" in m and "parallel worker" in m and f"ValueError: the extension broke on N{i}" in m
               for m in errors for i in range(6)), errors


def test_an_error_on_a_page_converted_ahead_is_reported_at_its_turn(tmp_path: Path, monkeypatch, caplog) -> None:
    """The build process converts its share before MkDocs's loop; an error surfaces as one core's would."""
    build_process = os.getpid()
    _failing_markdown(monkeypatch, lambda: os.getpid() == build_process)
    with pytest.raises(ValueError, match=r"the extension broke on N(\d)") as raised:
        build_site(_six_notes(tmp_path), tmp_path / "site", config_file=_config(tmp_path, 2))
    page = f"n{raised.value.args[0][-1]}.md"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(f"Error reading page '{page}'" in m for m in errors), errors


def test_sites_with_other_plugins_build_on_one_core(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    cfg = load_config(str(_config(tmp_path, 4, plugins=["search", "llmnotes", "tags"])),
                      docs_dir=str(FIXTURES / "vault"), site_dir=str(tmp_path / "s"))
    n, why = parallel.worker_count(4, cfg)
    assert n == 1 and "tags" in why
    cfg = load_config(str(_config(tmp_path, 4)), docs_dir=str(FIXTURES / "vault"), site_dir=str(tmp_path / "s"))
    assert parallel.worker_count(4, cfg) == (4, "")
    assert parallel.worker_count(1, cfg)[0] == 1


def test_pages_are_rendered_once_after_the_workers_start(tmp_path: Path, monkeypatch) -> None:
    """Notes and generated pages get their Markdown where they are converted, each exactly once,
    and none in the build process before the workers are forked (that was serial work)."""
    from llmnotes import pages, plugin, render

    log = tmp_path / "rendered.log"

    def logged(kind, make):
        def wrapper(*args, **kwargs):
            with log.open("a", encoding="utf-8") as out:  # O_APPEND: lines from several processes stay whole
                out.write(f"{os.getpid()} {kind}\n")
            return make(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(render.NoteRenderer, "render", logged("note", render.NoteRenderer.render))
    monkeypatch.setattr(pages.PageContext, "render", logged("generated", pages.PageContext.render))
    monkeypatch.setattr(plugin.LlmnotesPlugin, "_start_workers",
                        logged("fork", plugin.LlmnotesPlugin._start_workers))
    site = build_site(FIXTURES / "vault", tmp_path / "site", config_file=_config(tmp_path, 3))
    kinds = [line.split()[1] for line in log.read_text(encoding="utf-8").splitlines()]
    note_pages = [p for p in (FIXTURES / "vault").rglob("*") if p.suffix in (".md", ".txt")]
    assert kinds.count("note") == len(note_pages)  # each note once
    assert kinds[0] == "fork"  # nothing rendered before
    assert kinds.count("generated") >= 5
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

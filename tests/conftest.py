"""Shared fixtures: real MkDocs builds, a static server, and Debian's Chromium via Playwright."""

from __future__ import annotations

import functools
import http.server
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# CI clones the repo with shared/ beside it.
SEEDS = REPO.parent / "shared" / "seeds"


def write_notes(folder: Path, notes: dict[str, str]) -> None:
    """Each note (its path under `folder` → its text) written as UTF-8, folders made."""
    for name, text in notes.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def build_site(notes_dir: Path, site_dir: Path, *, strict: bool = False, config_file: Path | None = None,
               **overrides) -> Path:
    """A real MkDocs build of `notes_dir` with the packaged default configuration."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from llmnotes.cli import DEFAULT_CONFIG

    cfg = load_config(str(config_file or DEFAULT_CONFIG), docs_dir=str(notes_dir), site_dir=str(site_dir),
                      strict=strict, **overrides)
    build(cfg)
    return site_dir


class ServedPage:
    """A generated page rendered as serve renders it, rebuild after rebuild: with a memo kept
    across rebuilds (each long page's items reused while unchanged), checked against a render
    without one. `render()` → (the page, how many items were rendered anew; a long page's frame,
    the template around its items, rendered once per frame, is not counted, nor what the page
    derives from the knowledge base as a whole, `PageContext.derived`)."""

    def __init__(self, emitter, folder: Path) -> None:
        from llmnotes.cache import Memo

        self.emitter, self.folder, self.memo = emitter, folder, Memo()
        self.fingerprints = None  # the last render's, as serve keeps them

    def render(self) -> tuple[str, int]:
        from llmnotes.cache import Fingerprints
        from llmnotes.i18n import Labels
        from llmnotes.kb import KnowledgeBase
        from llmnotes.pages import PageContext

        kb = KnowledgeBase.build(self.folder)
        self.memo.new_build()
        before = self.memo.misses
        self.fingerprints = Fingerprints(kb, self.fingerprints)
        ctx = PageContext(kb, Labels("en", {}), memo=self.memo, fingerprints=self.fingerprints)
        others = []  # what the memo made that is no item
        pieces, derived = ctx._pieces, ctx.derived
        ctx._pieces = lambda *args, **kwargs: others.append(1) or pieces(*args, **kwargs)
        ctx.derived = lambda name, parts, make, **also: derived(name, parts, lambda: others.append(1) or make(), **also)
        page = self.emitter.build(ctx)[0]
        assert page.markdown == self.emitter.build(PageContext(kb, Labels("en", {})))[0].markdown
        return page.markdown, self.memo.misses - before - len(others)


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def serve_dir():
    """Start a static HTTP server on 127.0.0.1 for a folder; returns its base URL.

    `serve_dir(folder, prefix="/REPO/")` serves the folder under a sub-path, as
    GitHub Pages does for a project site.
    """
    servers = []

    def start(folder: Path, prefix: str = "/") -> str:
        root = folder
        if prefix != "/":
            root = folder.parent / f"_served_{folder.name}"
            mount = root / prefix.strip("/")
            mount.parent.mkdir(parents=True, exist_ok=True)
            if not mount.exists():
                mount.symlink_to(folder.resolve(), target_is_directory=True)
        handler = functools.partial(_QuietHandler, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{prefix}"

    yield start
    for s in servers:
        s.shutdown()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (Playwright's own browser download is not used)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.fail("chromium is not installed: run `make test` (it installs Debian's chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"])
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator:
    """A fresh page that records every request to a host other than 127.0.0.1."""
    context = browser.new_context()
    pg = context.new_page()
    pg.external_requests = []  # type: ignore[attr-defined]

    def on_request(req) -> None:
        url = req.url
        if url.startswith(("http://", "https://")) and not url.startswith(("http://127.0.0.1", "https://127.0.0.1")):
            pg.external_requests.append(url)  # type: ignore[attr-defined]

    pg.on("request", on_request)
    yield pg
    context.close()

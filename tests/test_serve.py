"""`llmnotes serve` and `mkdocs serve` survive a note saved half-edited, and show the fix.

Each test starts the real server in a subprocess on a free port, saves broken notes
(unclosed front matter, an unclosed code fence, invalid UTF-8), checks the server still
answers, then saves a fixed note and polls until the page shows it. The server is
always killed.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import free_port

pytestmark = pytest.mark.slow

BROKEN: list[bytes] = [
    "---\ntitle: [半截\n正文写到一半".encode(),
    "# 标题\n\n```python\ndef f(:\n    没写完".encode(),
    b"# \xe6\xa0\x87\n\nbad \xff\xfe\xfa bytes [[",
]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, ""


def poll(check: Callable[[], bool], timeout: float, what: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc.poll() is not None:
            pytest.fail(f"the server exited ({proc.returncode}) while waiting for {what}")
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


@contextmanager
def server(cmd: list[str], cwd: Path) -> Iterator[subprocess.Popen]:
    log = (cwd / "server.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=30)
        log.close()


def _vault(root: Path) -> Path:
    notes = root / "notes"
    notes.mkdir()
    (notes / "note.md").write_text("# 笔记\n\nversion ONE\n", encoding="utf-8")
    (notes / "other.md").write_text("# 另一篇\n\n链接到 [[note]]。\n", encoding="utf-8")
    return notes


def _exercise(proc: subprocess.Popen, base: str, notes: Path) -> None:
    page = base + "note/"
    poll(lambda: "version ONE" in fetch(page)[1], 180, "the first build", proc)
    for n, broken in enumerate(BROKEN, 1):
        (notes / "note.md").write_bytes(broken)
        time.sleep(3)  # let the rebuild of the broken note run
        assert proc.poll() is None, "the server died on a broken note"
        poll(lambda: fetch(base)[0] == 200 and fetch(base + "other/")[0] == 200, 60,
             "the server to answer after a broken save", proc)
        fixed = f"version TWO-{n}"
        (notes / "note.md").write_text(f"# 笔记\n\n{fixed}\n", encoding="utf-8")
        poll(lambda fixed=fixed: fixed in fetch(page)[1], 120, f"the fixed page ({fixed})", proc)


def test_llmnotes_serve_keeps_serving_through_broken_saves(tmp_path):
    notes = _vault(tmp_path)
    port = free_port()
    cmd = [sys.executable, "-m", "llmnotes.cli", "serve", str(notes), "-a", f"127.0.0.1:{port}"]
    with server(cmd, tmp_path) as proc:
        _exercise(proc, f"http://127.0.0.1:{port}/", notes)


def test_mkdocs_serve_keeps_serving_through_broken_saves(tmp_path):
    notes = _vault(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: notes\ntheme:\n  name: material\n  language: zh\n"
        "plugins:\n  - search\n  - llmnotes\n", encoding="utf-8")
    port = free_port()
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(tmp_path / "mkdocs.yml"),
           "-a", f"127.0.0.1:{port}"]
    with server(cmd, tmp_path) as proc:
        _exercise(proc, f"http://127.0.0.1:{port}/", notes)


def test_llmnotes_serve_shows_each_edit_on_every_page_it_feeds(tmp_path):
    """Pages made from other notes (backlinks, timeline, tags) follow an edit, though cached across rebuilds."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "alpha.md").write_text("# 注意力笔记\n\n参见 [[beta]]。 #论文\n", encoding="utf-8")
    (notes / "beta.md").write_text("# 位置编码笔记\n\n旋转位置编码。\n", encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-m", "llmnotes.cli", "serve", str(notes), "-a", f"127.0.0.1:{port}"]
    with server(cmd, tmp_path) as proc:
        poll(lambda: "注意力笔记" in fetch(base + "beta/")[1], 180, "the first build", proc)
        (notes / "alpha.md").write_text("# 自注意力总结\n\n参见 [[beta]]。 #论文\n", encoding="utf-8")
        poll(lambda: "自注意力总结" in fetch(base + "beta/")[1], 60, "the new title in beta's backlinks", proc)
        (notes / "beta.md").write_text("# 位置编码笔记\n\n旋转位置编码。\n\n## 时间线\n\n- 2021/4/20：RoFormer 发布\n",
                                       encoding="utf-8")
        poll(lambda: "RoFormer 发布" in fetch(base + "timeline/")[1], 60, "the new event on the timeline", proc)
        (notes / "beta.md").write_text("# 位置编码笔记\n\n旋转位置编码。 #工程\n", encoding="utf-8")
        poll(lambda: "#工程" in fetch(base + "tags/")[1], 60, "the new tag in the tag index", proc)
        poll(lambda: "RoFormer" not in fetch(base + "timeline/")[1], 60, "the event gone from the timeline", proc)


def test_the_watcher_looks_more_often_than_mkdocs_in_a_vault_of_thousands() -> None:
    from llmnotes.watcher import poll_interval

    assert poll_interval(2_000) < 0.5  # MkDocs's own interval: a quarter second of every reload
    assert poll_interval(20) >= 0.1  # never a busy loop
    assert poll_interval(100_000) == 0.5  # a huge vault: no faster than MkDocs, whose looks cost more


class _Seen:
    """A stand-in for MkDocs's handler: records the events it is given."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def dispatch(self, event) -> None:
        self.events.append(f"{event.event_type} {Path(event.src_path).name}")


def _until(check: Callable[[], bool], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


@pytest.mark.parametrize("poll", [False, True], ids=["native", "polling"])
def test_the_watcher_reports_saves_but_not_reads_or_hidden_files(tmp_path, poll) -> None:
    """A build reads every note: were a read a change, each rebuild would start the next."""
    from llmnotes.watcher import Watcher

    (tmp_path / ".obsidian").mkdir()
    note = tmp_path / "note.md"
    note.write_text("# a\n", encoding="utf-8")
    seen = _Seen()
    watcher = Watcher(poll=poll, interval=0.1)
    watcher.schedule(seen, str(tmp_path), recursive=True)
    watcher.start()
    try:
        time.sleep(0.3)
        note.read_text(encoding="utf-8")
        (tmp_path / ".obsidian" / "workspace.json").write_text("{}", encoding="utf-8")
        time.sleep(0.5)
        assert seen.events == [], "a read or a hidden file was taken for a change"
        note.write_text("# b\n", encoding="utf-8")
        assert _until(lambda: any(e.endswith(" note.md") for e in seen.events)), "the save went unseen"
    finally:
        watcher.stop()
        watcher.join()


def test_the_watcher_falls_back_to_looking_when_the_system_cannot_tell(tmp_path, monkeypatch, caplog) -> None:
    import watchdog.observers

    from llmnotes.watcher import Watcher

    class Refusing(watchdog.observers.Observer):
        def start(self):
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watchdog.observers, "Observer", Refusing)
    seen = _Seen()
    watcher = Watcher(poll=False, interval=0.1)
    watcher.schedule(seen, str(tmp_path), recursive=True)
    with caplog.at_level("WARNING"):
        watcher.start()
    try:
        assert "inotify watch limit reached" in caplog.text
        time.sleep(0.3)
        (tmp_path / "new.md").write_text("# new\n", encoding="utf-8")
        assert _until(lambda: any(e.endswith(" new.md") for e in seen.events)), "the polling watcher saw nothing"
    finally:
        watcher.stop()
        watcher.join()

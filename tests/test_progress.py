"""Progress of long builds: milestones for a person at a terminal, one line in CI logs."""

from __future__ import annotations

from llmnotes.progress import Progress, interactive


def _run(live: bool, pages: int = 50) -> list[str]:
    said: list[str] = []
    p = Progress(said.append, live=live)
    p.loaded(40, pages, 0.5)
    for _ in range(pages):
        p.page_written()
    p.done()
    return said


def test_ci_log_gets_only_the_summary():
    said = _run(live=False)
    assert len(said) == 1
    assert "40 notes" in said[0] and "50 pages" in said[0]


def test_terminal_sees_notes_loaded_and_pages_written():
    said = _run(live=True)
    assert said[0].startswith("40 notes loaded")
    written = [s for s in said if s.startswith("pages written")]
    assert 5 <= len(written) <= 10
    assert said[-1].startswith("40 notes, 50 pages written in ")


def test_ci_variable_means_not_interactive(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert not interactive()

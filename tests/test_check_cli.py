"""`llmnotes check`, `llmnotes build --strict` and `mkdocs build --strict` on a folder of problems.

Runs the real commands in subprocesses, as a user or CI would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

CHECK = FIXTURES / "bad" / "check"
LINE = re.compile(r"^(?P<path>[^\s].*?)(?::(?P<line>\d+))?: (?P<level>error|warning|info): (?P<message>.+)$")

# (file, line or None, level, pattern of the message) every check of the folder must report
EXPECTED = [
    ("links.md", 3, "warning", r"broken wiki-link '不存在的笔记'"),
    ("links.md", 3, "warning", r"broken note link 'missing-note\.md'"),
    ("links.md", 5, "warning", r"ambiguous link '重名'"),
    ("links.md", 7, "warning", r"missing local image 'figures/missing\.png'"),
    ("a/dup.md", None, "warning", r"duplicate title '重名'"),
    ("b/dup.md", None, "warning", r"duplicate title '重名'"),
    ("frontmatter.md", 3, "warning", r"malformed YAML front matter"),
    ("dates.md", 4, "warning", r"cannot read the date '某一天吧'"),
    ("dates.md", 8, "warning", r"stated date 2019-01 differs from its arXiv id 2106\.09685"),
    ("empty.md", None, "warning", r"empty note"),
    ("same.txt", None, "warning", r"same page URL as same\.md"),
    ("gbk.md", None, "warning", r"GB18030|GBK"),
    ("latin.md", 2, "warning", r"invalid UTF-8|not UTF-8"),
    ("blob.md", None, "error", r"binary"),
]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "llmnotes.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, check=False)


@pytest.fixture
def vault(tmp_path) -> Path:
    """The committed fixture plus files we do not commit: other encodings and a binary."""
    d = tmp_path / "notes"
    shutil.copytree(CHECK, d)
    (d / "gbk.md").write_bytes("# 国标\n\n中文笔记。\n".encode("gbk"))
    (d / "latin.md").write_bytes(b"# ok\ncaf\xe9 \xff\xfe\xfd\n")
    (d / "blob.md").write_bytes(b"\x00\x01\x02\x03\xff" * 400)
    return d


def _matches(found: list[dict], expected) -> bool:
    path, line, level, pattern = expected
    return any(d["path"] == path and d["level"] == level and (line is None or d["line"] == line)
               and re.search(pattern, d["message"]) for d in found)


def test_check_prints_every_diagnostic_as_path_line_level_message(vault):
    result = run("check", str(vault))
    lines = result.stdout.splitlines()
    assert lines, result.stderr
    parsed = []
    for text in lines:
        m = LINE.match(text)
        assert m, f"not 'path:line: level: message': {text!r}"
        parsed.append({"path": m["path"], "line": int(m["line"]) if m["line"] else None,
                       "level": m["level"], "message": m["message"]})
    for exp in EXPECTED:
        assert _matches(parsed, exp), f"missing {exp}"
    assert result.returncode == 1, "an error (the binary file) must fail the check"


def test_check_json_reports_the_same(vault):
    result = run("check", str(vault), "--format", "json")
    data = json.loads(result.stdout)
    assert all(set(d) >= {"level", "path", "line", "message"} for d in data)
    for exp in EXPECTED:
        assert _matches(data, exp), f"missing {exp}"
    text = run("check", str(vault), "-v").stdout.splitlines()
    assert len(text) == len(data), "text and JSON list different diagnostics"


def test_exit_status_warnings_fail_only_with_strict(vault):
    (vault / "blob.md").unlink()  # the only error
    assert run("check", str(vault)).returncode == 0
    assert run("check", str(vault), "--strict").returncode == 1


def test_clean_folder_passes_strict(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# A\n\n见 [[b]]。\n", encoding="utf-8")
    (notes / "b.md").write_text("# B\n\n回到 [[a]]。\n", encoding="utf-8")
    result = run("check", str(notes), "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == ""
    build = run("build", str(notes), "-o", str(tmp_path / "site"), "--strict")
    assert build.returncode == 0, build.stderr


def test_llmnotes_build_strict_fails_on_the_same_warnings(vault, tmp_path):
    (vault / "blob.md").unlink()
    site = tmp_path / "site"
    relaxed = run("build", str(vault), "-o", str(site))
    assert relaxed.returncode == 0, relaxed.stderr
    assert (site / "links" / "index.html").is_file()
    # The command ends without tearing down its objects, but only once its log is out.
    assert "Documentation built in" in relaxed.stderr.splitlines()[-1]
    strict = run("build", str(vault), "-o", str(tmp_path / "strict-site"), "--strict")
    assert strict.returncode == 1
    # The warnings are logged through MkDocs's plugin logger, so they name the files.
    assert "links.md:3: warning: broken wiki-link" in strict.stderr


def test_mkdocs_build_strict_fails_on_the_same_warnings(vault, tmp_path):
    (vault / "blob.md").unlink()
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text(f"site_name: t\ndocs_dir: {vault.name}\ntheme:\n  name: material\n"
                   "plugins:\n  - search\n  - llmnotes\n", encoding="utf-8")
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-f", str(cfg), "-d", str(tmp_path / "site")]
    relaxed = subprocess.run(mkdocs, capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path)
    assert relaxed.returncode == 0, relaxed.stderr
    strict = subprocess.run([*mkdocs, "--strict"], capture_output=True, text=True, timeout=300, check=False,
                            cwd=tmp_path)
    assert strict.returncode == 1
    assert "ambiguous link '重名'" in strict.stderr

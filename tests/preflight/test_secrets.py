"""Secrets never shown: a canary in a stack file appears in no output of the preflight and in no file it writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.preflight.recordings import REPO

CANARY = "canary-5f1e"
PROJECT_FILES = shutil.ignore_patterns(".venv", "venv", ".git", "tests", "benchmarks", "__pycache__", ".pytest_cache",
                                       ".ruff_cache", ".hypothesis", "preflight-report*.json")


def project_copy(tmp_path: Path, edit) -> Path:
    project = tmp_path / "project"
    shutil.copytree(REPO, project, ignore=PROJECT_FILES)
    stack_file = project / "Pulumi.dev.yaml"
    stack_file.write_text(edit(stack_file.read_text()))
    return project


def run_preflight(tmp_path: Path, project: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The CLI on the copy with every output kept: report, JSON, recordings, and temporary files under tmp_path."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "out"
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.run(
        [sys.executable, "-m", "preflight", "--project-dir", str(project), "--stack", "dev", "--verbose",
         "--json", str(out / "report.json"), "--keep-recordings", str(out / "recordings")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    return proc, out


def files_with_canary(tmp_path: Path, project: Path) -> list[str]:
    found = []
    for path in tmp_path.rglob("*"):
        if path.is_file() and path != project / "Pulumi.dev.yaml" and CANARY.encode() in path.read_bytes():
            found.append(str(path.relative_to(tmp_path)))
    return found


def test_secure_values_run_to_a_report_and_are_never_shown(tmp_path):
    def add_secure_keys(text: str) -> str:
        return text + (f"  aws:secretKey:\n    secure: AAABA{CANARY}-key\n"
                       f"  container-platform:instanceType:\n    secure: AAABA{CANARY}-type\n")

    project = project_copy(tmp_path, add_secure_keys)
    proc, out = run_preflight(tmp_path, project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert CANARY not in proc.stdout + proc.stderr
    assert files_with_canary(tmp_path, project) == []
    assert (out / "report.json").is_file() and (out / "recordings" / "dev.json").is_file()
    assert ("  secure config, unknown offline (its value is never read): aws:secretKey, "
            "container-platform:instanceType; policies reading it are not evaluated") in proc.stdout.splitlines()


def test_a_malformed_service_secret_is_never_shown(tmp_path):
    def plain_secret(text: str) -> str:
        old = "DATABASE_URL: arn:aws:ssm:eu-west-1:123456789012:parameter/dev/api/database-url"
        assert old in text
        return text.replace(old, f"DATABASE_URL: postgres://{CANARY}:pw@db/app")

    project = project_copy(tmp_path, plain_secret)
    proc, _ = run_preflight(tmp_path, project)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "DATABASE_URL" in proc.stdout  # the message names the key ...
    assert CANARY not in proc.stdout + proc.stderr  # ... never the value
    assert files_with_canary(tmp_path, project) == []

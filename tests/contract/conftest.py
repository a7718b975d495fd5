"""The platform's stacks checked once for the contract tests: the preflight's report (what a StackReference hands to
another project) and its recordings."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.virtualenvs import REPO

STACKS = ("dev", "staging", "prod")


@dataclass(frozen=True)
class PlatformRun:
    report_path: Path
    report: dict
    recordings: Path

    def stack(self, name: str) -> dict:
        return next(s for s in self.report["stacks"] if s["stack"] == name)

    def recording(self, name: str) -> dict:
        return json.loads((self.recordings / f"{name}.json").read_text())


@pytest.fixture(scope="session")
def platform(tmp_path_factory) -> PlatformRun:
    work = tmp_path_factory.mktemp("platform")
    report = work / "platform.json"
    proc = subprocess.run([sys.executable, "-m", "preflight", "--all", "--json", str(report), "--keep-recordings",
                           str(work / "recordings")], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return PlatformRun(report, json.loads(report.read_text()), work / "recordings")

"""A secret stack output stays secret through the preflight: the recording holds the secret marker, not the value,
and neither the text nor the JSON report shows it (prod's kubeconfig)."""

from __future__ import annotations

import json
import subprocess
import sys

from preflight.engine import REDACTED_SECRET
from tests.preflight.recordings import REPO


def test_the_kubeconfig_export_is_recorded_as_a_secret_and_never_reported(tmp_path):
    report_path, kept = tmp_path / "report.json", tmp_path / "recordings"
    proc = subprocess.run([sys.executable, "-m", "preflight", "--stack", "prod", "--json", str(report_path),
                           "--keep-recordings", str(kept)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    recording = json.loads((kept / "prod.json").read_text())
    assert recording["outputs"]["eksKubeconfig"] == REDACTED_SECRET
    [cluster] = [r for r in recording["resources"] if r["type"] == "eks:index:Cluster"]
    kubeconfig = cluster["outputs"]["kubeconfig"]  # what the (mocked) EKS provider returned for the component
    certificate = kubeconfig["clusters"][0]["cluster"]["certificate-authority-data"]
    shown = proc.stdout + proc.stderr + report_path.read_text()
    assert certificate not in shown and "get-token" not in shown
    assert certificate not in json.dumps(recording["outputs"])

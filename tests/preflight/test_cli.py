"""``python -m preflight`` exit codes, reports and messages, on the fixture program in tests/fixtures/preflight.

The fixture's stacks: ``open`` (SSH from 0.0.0.0/0 and egress on the default group: mandatory violations),
``closed`` (compliant; the flow-log policy is advisory), ``broken`` (required config missing) and ``typo`` (a
CIDR the program itself rejects).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.preflight.recordings import FIXTURE, PACK, REPO


def preflight(*args: str, tmp_path=None) -> tuple[subprocess.CompletedProcess[str], dict | None]:
    out = tmp_path / "report.json" if tmp_path is not None else None
    command = [sys.executable, "-m", "preflight", "--project-dir", str(FIXTURE), "--policy-pack", str(PACK), *args]
    if out is not None:
        command += ["--json", str(out)]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    report = json.loads(out.read_text()) if out is not None and out.exists() else None
    return proc, report


def violations(stack: dict, level: str) -> list[tuple[str, str]]:
    return [(v["policy"], v["urn"].rsplit("::", 1)[-1]) for v in stack["violations"] if v["enforcementLevel"] == level]


def test_mandatory_violations_exit_1_and_name_resource_and_policy(tmp_path):
    proc, report = preflight("--stack", "open", tmp_path=tmp_path)
    assert proc.returncode == 1, proc.stderr
    (stack,) = report["stacks"]
    assert sorted(violations(stack, "mandatory")) == [
        ("default-security-group-closed", "fixture-default"), ("no-public-ingress", "fixture-bastion-ssh")]
    assert report["exitCode"] == 1 and stack["exitCode"] == 1 and stack["summary"]["mandatory"] == 2
    assert stack["resources"]["byType"]["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"] == 2
    assert "FAIL (2 mandatory violation(s))" in proc.stdout
    assert "[mandatory] no-public-ingress: fixture-bastion-ssh" in proc.stdout
    assert "open: started (update)" in proc.stderr and "open: finished: 6 resources" in proc.stderr


def test_advisory_only_exits_0(tmp_path):
    proc, report = preflight("--stack", "closed", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (stack,) = report["stacks"]
    assert violations(stack, "mandatory") == []
    assert violations(stack, "advisory") == [("vpc-flow-logs-enabled", "fixture")]
    assert stack["notEvaluated"] == []  # an update knows every value
    assert stack["summary"]["policiesEvaluated"] == sum(p["evaluated"] for p in stack["policies"]) > 0


def test_preview_reports_not_evaluated_policies_apart(tmp_path):
    proc, report = preflight("--stack", "closed", "--preview", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (stack,) = report["stacks"]
    assert report["preview"] is True and stack["preview"] is True
    # The NAT rule's CIDR is computed: no-public-ingress cannot run, and is neither a pass nor a violation.
    assert {g["policy"]: g["where"] for g in stack["notEvaluated"]}["no-public-ingress"] == [
        {"urn": "", "reason": "string value at .cidrIpv4 can't be known during preview"}]
    row = next(p for p in stack["policies"] if p["name"] == "no-public-ingress")
    assert (row["violations"], row["notEvaluated"]) == (0, 1)
    assert "not evaluated" in proc.stdout


def test_missing_config_exits_2_with_one_clear_message(tmp_path):
    proc, report = preflight("--stack", "broken", tmp_path=tmp_path)
    assert proc.returncode == 2
    assert "Pulumi.broken.yaml: Stack 'broken' is missing configuration value 'sshCidr'" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert report["stacks"][0]["exitCode"] == 2 and "sshCidr" in report["stacks"][0]["error"]


def test_program_error_exits_2_without_a_traceback(tmp_path):
    proc, _ = preflight("--stack", "typo", tmp_path=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "__main__.py:" in proc.stderr  # where in the program
    assert "ValueError: '10.20.0.300/16' does not appear to be an IPv4 or IPv6 network" in proc.stderr


def test_all_runs_every_stack_and_the_worst_exit_code_wins(tmp_path):
    proc, report = preflight("--all", tmp_path=tmp_path)
    assert proc.returncode == 2, proc.stderr
    codes = {s["stack"]: s["exitCode"] for s in report["stacks"]}
    assert codes == {"broken": 2, "closed": 0, "open": 1, "typo": 2}
    lines = proc.stderr.splitlines()
    started = [i for i, line in enumerate(lines) if line.endswith(": started (update)")]
    ended = [i for i, line in enumerate(lines) if ": finished: " in line or ": error after " in line]
    assert len(started) == len(ended) == 4, proc.stderr
    assert max(started) < min(ended), f"stacks ran one after another:\n{proc.stderr}"  # side by side
    assert "Overall: exit 2" in proc.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--stack", "nosuch"], "no Pulumi.nosuch.yaml in"),
    (["--stack", "closed", "--policy-pack", str(REPO / "tests")], "no PulumiPolicy.yaml"),
])
def test_usage_errors_exit_2(args, message):
    proc, _ = preflight(*args)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_clean_error_points_at_the_program_not_the_machinery():
    from preflight.__main__ import clean_error

    stderr = "\n".join([
        "the program for stack dev failed:",
        "Traceback (most recent call last):",
        f'  File "{REPO}/preflight/record.py", line 45, in main',
        "    recording = engine.run(...)",
        f'  File "{REPO}/components/network/vpc.py", line 12, in __init__',
        "    subnets = plan(args.cidr_block)",
        f'  File "{REPO}/.venv/lib/python3.11/site-packages/pulumi/output.py", line 1, in apply',
        "    return f(value)",
        f'  File "{REPO}/preflight/engine.py", line 300, in run',
        "    _sync_await(run_pulumi_func(program))",
        "ValueError: 10.0.0.0/33 is not a network",
    ])
    assert clean_error(stderr, REPO) == "\n".join([
        "the program for stack dev failed",
        "at components/network/vpc.py:12: subnets = plan(args.cidr_block)",
        "ValueError: 10.0.0.0/33 is not a network",
    ])
    assert clean_error("Pulumi.prod.yaml: container-platform:azCount must be 2..6 (got 1)\n", REPO) == (
        "Pulumi.prod.yaml: container-platform:azCount must be 2..6 (got 1)")

"""``python -m preflight`` exit codes, reports and messages, on the fixture program in tests/fixtures/preflight.

The fixture's stacks: ``open`` (SSH from 0.0.0.0/0 and egress on the default group: mandatory violations),
``closed`` (compliant; the flow-log, interface-endpoint and network ACL policies are advisory), ``broken``
(required config missing) and ``typo`` (a CIDR the program itself rejects).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.preflight.recordings import FIXTURE, PACK, REPO, pack_with_config


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
    lines = proc.stdout.splitlines()
    assert lines[1].split() == ["open", "update", "7", str(stack["summary"]["policiesEvaluated"]), "2", "2", "0",
                                lines[1].split()[7], "FAIL", "(2", "mandatory)"], proc.stdout
    assert "  mandatory high     no-public-ingress: fixture-bastion-ssh " \
           "(aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule)" in lines
    assert proc.stdout.endswith("\nexit 1: mandatory violations in open\n")
    assert proc.stderr == "preflight: checking open as an update\n"


def test_advisory_only_exits_0(tmp_path):
    proc, report = preflight("--stack", "closed", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (stack,) = report["stacks"]
    assert violations(stack, "mandatory") == []
    assert sorted(violations(stack, "advisory")) == [
        ("vpc-flow-logs-enabled", "fixture"), ("vpc-interface-endpoints", "fixture")]
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
    assert "  Pulumi.broken.yaml: Stack 'broken' is missing configuration value 'sshCidr'; set it in " \
           "Pulumi.broken.yaml or declare a default in Pulumi.yaml" in proc.stdout.splitlines()
    assert "sshCidr" not in proc.stderr  # one place: the report
    assert "Traceback" not in proc.stderr + proc.stdout
    assert report["stacks"][0]["exitCode"] == 2 and "sshCidr" in report["stacks"][0]["error"]


def test_program_error_exits_2_without_a_traceback(tmp_path):
    proc, _ = preflight("--stack", "typo", tmp_path=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "__main__.py:" in proc.stdout  # where in the program
    assert "ValueError: '10.20.0.300/16' does not appear to be an IPv4 or IPv6 network" in proc.stdout


def test_all_runs_every_stack_and_the_worst_exit_code_wins(tmp_path):
    proc, report = preflight("--all", "--verbose", tmp_path=tmp_path)
    assert proc.returncode == 2, proc.stderr
    codes = {s["stack"]: s["exitCode"] for s in report["stacks"]}
    assert codes == {"broken": 2, "closed": 0, "open": 1, "typo": 2}
    lines = proc.stderr.splitlines()
    started = {line.split(":")[0]: i for i, line in enumerate(lines) if line.endswith(": started (update)")}
    ended = {line.split(":")[0]: i for i, line in enumerate(lines)
             if ": finished after " in line or ": error after " in line}
    assert set(started) == set(ended) == set(codes), proc.stderr
    # Side by side: the stacks that get as far as running their program all start before any of them ends (broken
    # stops at once, reading its stack file).
    running = ("closed", "open", "typo")
    assert max(started[s] for s in running) < min(ended[s] for s in running), \
        f"stacks ran one after another:\n{proc.stderr}"
    assert proc.stdout.endswith("\nexit 2: broken, typo could not be checked\n")
    # No line is printed twice: errors are in the report only.
    assert lines[0] == "preflight: checking broken, closed, open, typo as an update, side by side"
    assert not set(proc.stdout.splitlines()) & set(lines)
    for stack in report["stacks"]:
        for line in (stack["error"] or "").splitlines():
            assert (proc.stdout + proc.stderr).count(line) == 1, line


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


def test_json_violations_say_what_where_and_how_to_fix(tmp_path):
    proc, report = preflight("--stack", "open", tmp_path=tmp_path)
    (stack,) = report["stacks"]
    rule = next(v for v in stack["violations"] if v["policy"] == "no-public-ingress")
    assert (rule["resourceType"], rule["resourceName"]) == (
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "fixture-bastion-ssh")
    assert rule["remediation"] and rule["remediation"] in proc.stdout  # no hints file: the remediation is the fix
    assert (rule["stackKey"], rule["fix"]) == (None, None)
    assert stack["stackFile"] == "Pulumi.open.yaml" and set(stack["outputs"]) == {"vpcId"}
    assert stack["outputs"]["vpcId"].startswith("vpc-") and stack["secretOutputs"] == []


def test_preview_never_reports_an_unevaluated_policy_as_passing(tmp_path):
    proc, report = preflight("--stack", "closed", "--preview", "--verbose", tmp_path=tmp_path)
    (stack,) = report["stacks"]
    rows = {p["name"]: p for p in stack["policies"]}
    assert rows["no-public-ingress"]["status"] == "not evaluated"
    assert all(p["status"] != "pass" for p in stack["policies"] if p["notEvaluated"])
    line = next(x for x in proc.stdout.splitlines() if " no-public-ingress " in x and "stack" in x)
    assert line.rstrip().endswith("not evaluated on 1") and "pass" not in line
    assert "no-public-ingress [mandatory]: stack-wide: string value at .cidrIpv4 can't be known during preview" \
        in proc.stdout


def test_remediate_is_reported_as_mandatory(tmp_path):
    pack = pack_with_config(tmp_path, "open", '{"no-public-ingress": "remediate"}')
    proc, report = preflight("--stack", "open", "--policy-pack", str(pack), tmp_path=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (stack,) = report["stacks"]
    row = next(p for p in stack["policies"] if p["name"] == "no-public-ingress")
    assert row["enforcementLevel"] == "remediate"
    assert [v["enforcementLevel"] for v in stack["violations"] if v["policy"] == "no-public-ingress"] == ["mandatory"]


def test_secure_config_runs_to_a_report_and_is_listed(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    (project / "Pulumi.closed.yaml").write_text(
        "config:\n  preflight-fixture:sshCidr: 10.20.0.0/16\n  aws:secretKey:\n    secure: AAABAciphertext\n")
    out = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "preflight", "--project-dir", str(project), "--policy-pack",
                           str(PACK), "--stack", "closed", "--json", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (stack,) = json.loads(out.read_text())["stacks"]
    assert stack["secureConfig"] == ["aws:secretKey"] and stack["error"] is None
    assert "secure config, unknown offline (its value is never read): aws:secretKey" in proc.stdout
    assert "AAABAciphertext" not in proc.stdout + proc.stderr + out.read_text()


def test_without_its_dependencies_the_preflight_says_so_in_one_line():
    # -S: no site-packages, as a Python without the project's virtualenv.
    proc = subprocess.run([sys.executable, "-S", "-m", "preflight", "--all"], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert "make preflight" in proc.stderr and "lacks the module" in proc.stderr


def test_a_recorder_that_dies_is_an_error_with_its_exit_code(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    (project / "__main__.py").write_text("import os\nos._exit(3)\n")
    proc = subprocess.run([sys.executable, "-m", "preflight", "--project-dir", str(project), "--policy-pack",
                           str(PACK), "--stack", "closed"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "closed (update): ERROR, the stack could not be checked\n  the recorder crashed (exit 3):" in proc.stdout

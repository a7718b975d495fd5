"""``--sarif``: the report as SARIF 2.1.0, valid against the OASIS schema with violations and without."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from preflight import sarif
from tests.preflight.recordings import FIXTURE, PACK, REPO, pack_with_config
from tests.preflight.schemas import OASIS_ID, sarif_schema, validate_sarif


def run(tmp_path, *args: str, pack=PACK) -> tuple[subprocess.CompletedProcess[str], dict, dict]:
    out, log = tmp_path / "report.json", tmp_path / "out" / "report.sarif"
    proc = subprocess.run([sys.executable, "-m", "preflight", "--project-dir", str(FIXTURE), "--policy-pack",
                           str(pack), "--json", str(out), "--sarif", str(log), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert log.exists(), proc.stdout + proc.stderr
    return proc, json.loads(out.read_text()), json.loads(log.read_text())


def test_the_schema_is_the_oasis_standard():
    schema = sarif_schema()
    assert schema["id"] == OASIS_ID == sarif.SCHEMA
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    with pytest.raises(jsonschema.ValidationError):  # the validator does refuse what the standard refuses
        validate_sarif({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                                        "results": [{"message": {"text": "m"}, "level": "fatal"}]}]})


def test_violations_become_results_on_the_resource_with_the_rule_of_their_policy(tmp_path):
    proc, report, log = run(tmp_path, "--stack", "open")
    assert proc.returncode == 1
    validate_sarif(log)
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert run_["tool"]["driver"]["name"] == report["stacks"][0]["pack"]["name"]
    assert run_["tool"]["driver"]["version"] == report["stacks"][0]["pack"]["version"]
    assert [r["id"] for r in rules] == sorted(p["name"] for p in report["stacks"][0]["policies"])
    (stack,) = report["stacks"]
    assert len(run_["results"]) == len(stack["violations"]) == 4
    by_rule = {(r["ruleId"], r["level"]) for r in run_["results"]}
    assert {("no-public-ingress", "error"), ("default-security-group-closed", "error"),
            ("vpc-flow-logs-enabled", "warning")} <= by_rule
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        # The fixture has no preflight-hints.yaml: no stack key, so the program.
        assert location["physicalLocation"] == {"artifactLocation": {"uri": "tests/fixtures/preflight/network/"
                                                                            "__main__.py"}, "region": {"startLine": 1}}
        (logical,) = location["logicalLocations"]
        violation = next(v for v in stack["violations"] if v["policy"] == result["ruleId"])
        assert logical["fullyQualifiedName"] == violation["urn"] and logical["name"] == violation["resourceName"]
        assert logical["properties"]["resourceType"] == violation["resourceType"]
        assert result["message"]["text"].startswith(f"open: {violation['resourceName']} (")
    ingress = next(r for r in rules if r["id"] == "no-public-ingress")
    assert ingress["defaultConfiguration"]["level"] == "error"
    assert ingress["properties"]["security-severity"] == "8.0" and "security" in ingress["properties"]["tags"]
    assert ingress["helpUri"].startswith("https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#")
    assert run_["invocations"][0]["executionSuccessful"] is True and run_["invocations"][0]["exitCode"] == 1


def test_a_clean_run_is_valid_and_has_no_results(tmp_path):
    pack = pack_with_config(tmp_path, "closed",
                            '{"vpc-flow-logs-enabled": "disabled", "vpc-interface-endpoints": "disabled"}')
    proc, report, log = run(tmp_path, "--stack", "closed", pack=pack)
    assert proc.returncode == 0, proc.stdout
    assert report["stacks"][0]["violations"] == []
    validate_sarif(log)
    (run_,) = log["runs"]
    assert run_["results"] == [] and run_["tool"]["driver"]["rules"]
    flow = next(r for r in run_["tool"]["driver"]["rules"] if r["id"] == "vpc-flow-logs-enabled")
    assert flow["defaultConfiguration"] == {"level": "none", "enabled": False}


def test_a_stack_that_cannot_be_checked_is_a_failed_invocation(tmp_path):
    proc, _, log = run(tmp_path, "--stack", "broken")
    assert proc.returncode == 2
    validate_sarif(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"].startswith("broken: could not be checked: ")
    assert log["runs"][0]["results"] == []


# ---- where a finding points ---------------------------------------------------------------------------------------

STACK_FILE = """\
# comment
config:
  aws:region: eu-west-1
  proj:flowLogs: false
  proj:services:
    - name: web
      port: 80
      readOnlyRootFilesystem: false
    - name: api
      port: 8080
"""


@pytest.mark.parametrize(("key", "line"), [
    ("proj:flowLogs", 4),                              # a key the file sets
    ("proj:services[web].readOnlyRootFilesystem", 8),  # a field of a list entry
    ("proj:services[api].readOnlyRootFilesystem", 9),  # not set in the entry: the entry
    ("proj:services[db].readOnlyRootFilesystem", 5),   # no such entry: the list
    ("proj:albAccessLogs", 2),                         # not in the file: where it would go
])
def test_key_line(tmp_path, key, line):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(STACK_FILE)
    assert sarif.key_line(path, key) == line


def test_key_line_of_a_missing_file_is_none(tmp_path):
    assert sarif.key_line(tmp_path / "Pulumi.none.yaml", "proj:x") is None


def crafted_report(level="advisory", stack_key="proj:services[web].readOnlyRootFilesystem"):
    urn = "urn:pulumi:dev::proj::platform:ecs:Ec2Service$aws:ecs/taskDefinition:TaskDefinition::web"
    policy = {"name": "ecs-read-only-root-filesystem", "description": "Root file systems are read-only. More text.",
              "enforcementLevel": level, "severity": "high", "type": "resource", "remediation": "Set <it> true.",
              "framework": {"reference": "ECS.5"}, "tags": ["service:ecs", "fsbp:ECS.5"]}
    violation = {"policy": policy["name"], "enforcementLevel": level, "severity": "high", "urn": urn,
                 "message": "the container web may write to its root file system", "phase": "resource",
                 "resourceType": "aws:ecs/taskDefinition:TaskDefinition", "resourceName": "web",
                 "remediation": policy["remediation"], "stackKey": stack_key,
                 "fix": f"Pulumi.dev.yaml: set {stack_key}: true" if stack_key else None}
    stack = {"stack": "dev", "project": "proj", "exitCode": 0, "error": None, "stackFile": "Pulumi.dev.yaml",
             "pack": {"name": "pack", "version": "1.2.3"}, "policies": [policy], "violations": [violation],
             "summary": {"mandatory": 0, "advisory": 1}}
    return {"preview": False, "exitCode": 0, "stacks": [stack]}


def test_a_violation_with_a_stack_key_points_at_its_line(tmp_path):
    (tmp_path / "Pulumi.dev.yaml").write_text(STACK_FILE)
    log = sarif.from_report(crafted_report(), project_dir=tmp_path, program=tmp_path / "__main__.py",
                            pack_dir=tmp_path / "policies", root=tmp_path)
    validate_sarif(log)
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "Pulumi.dev.yaml"},
                                                          "region": {"startLine": 8}}
    assert result["level"] == "warning" and result["properties"]["stackKey"].endswith("readOnlyRootFilesystem")
    assert result["message"]["text"] == ("dev: web (aws:ecs/taskDefinition:TaskDefinition): the container web may "
                                         "write to its root file system Fix: Pulumi.dev.yaml: set "
                                         "proj:services[web].readOnlyRootFilesystem: true")
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["shortDescription"]["text"] == "Root file systems are read-only."
    assert rule["help"]["markdown"].startswith("**Remediation:** Set &lt;it&gt; true.")
    assert rule["helpUri"] == "https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-5"
    assert rule["properties"]["enforcementLevels"] == {"dev": "advisory"}


def test_levels_follow_each_stack_and_the_rule_takes_the_strictest(tmp_path):
    report = crafted_report(level="mandatory")
    other = json.loads(json.dumps(report["stacks"][0]))
    other.update(stack="prod", policies=[{**other["policies"][0], "enforcementLevel": "advisory"}],
                 violations=[{**other["violations"][0], "enforcementLevel": "advisory"}])
    report["stacks"].append(other)
    log = sarif.from_report(report, project_dir=tmp_path, program=tmp_path / "__main__.py",
                            pack_dir=tmp_path / "policies", root=tmp_path)
    validate_sarif(log)
    assert [r["level"] for r in log["runs"][0]["results"]] == ["error", "warning"]
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rule["properties"]["enforcementLevels"] == {"dev": "mandatory", "prod": "advisory"}
    # The stack files do not exist here: the program is where to look.
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]} \
        == {"__main__.py"}
    fingerprints = [r["partialFingerprints"]["preflightFinding/v1"] for r in log["runs"][0]["results"]]
    assert len(set(fingerprints)) == 2

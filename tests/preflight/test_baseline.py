"""``--baseline``: what a change does, from two reports; what is unchanged is never listed, values never shown."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from preflight import analyzer, baseline, invented, report
from preflight.inventory import SECRET_MARK, inventory_of
from tests.preflight import recordings
from tests.preflight.recordings import PACK, REPO
from tests.preflight.schemas import validate_sarif

SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "hunter2-password"}


# ---- the inventory a report carries ---------------------------------------------------------------------------------


def entry(recording, name):
    return next(e for e in inventory_of(recording) if e["name"] == name)


def test_the_inventory_holds_digests_never_values():
    rec = recordings.network()
    rec["resources"][3]["inputs"]["description"] = SECRET
    rule = entry(rec, "bastion-ssh")
    assert set(rule["inputs"]) == {"securityGroupId", "ipProtocol", "fromPort", "toPort", "cidrIpv4", "description"}
    assert all(len(d) == 16 and int(d, 16) >= 0 for d in rule["inputs"].values())
    assert rule["secretInputs"] == ["description"] and rule["component"] == "" and rule["custom"] is True
    text = json.dumps(inventory_of(rec))
    assert "hunter2" not in text and "10.20.0.0" not in text


def test_a_secret_never_reaches_a_digest():
    one, two = recordings.network(), recordings.network()
    one["resources"][3]["inputs"]["description"] = SECRET
    two["resources"][3]["inputs"]["description"] = {**SECRET, "value": "another-password"}
    assert entry(one, "bastion-ssh") == entry(two, "bastion-ssh")  # the secret's value is not compared...
    plain = recordings.network()
    plain["resources"][3]["inputs"]["description"] = SECRET_MARK
    assert entry(one, "bastion-ssh")["inputs"] == entry(plain, "bastion-ssh")["inputs"]  # ...it is the marker


def test_an_invented_value_is_never_a_change():
    one, two = recordings.network(), recordings.network()
    one["resources"][2]["inputs"]["vpcId"], one["invented"] = "vpc-0invented000001", {
        "vpc-0invented000001": "aws:ec2/getVpc:getVpc id"}
    two["resources"][2]["inputs"]["vpcId"], two["invented"] = "vpc-0invented000002", {
        "vpc-0invented000002": "aws:ec2/getVpc:getVpc id"}
    assert entry(one, "bastion") == entry(two, "bastion")


def test_options_and_aliases_are_kept():
    rec = recordings.network()
    rec["resources"][1]["options"] = {"protect": True, "ignoreChanges": ["egress"], "aliases": ["urn:old"],
                                      "deleteBeforeReplace": None, "customTimeouts": {}}
    dsg = entry(rec, "core-default")
    assert set(dsg["options"]) == {"protect", "ignoreChanges"} and dsg["aliases"] == ["urn:old"]
    assert "options" not in entry(rec, "core")


# ---- comparing two reports ------------------------------------------------------------------------------------------

BILLING = "urn:pulumi:dev::container-platform::platform:ecs:FargateService::billing"


def with_billing(rec):
    """``rec`` plus a service: its component and the ECS service in it."""
    rec = copy.deepcopy(rec)
    component = recordings.resource("dev", "platform:ecs:FargateService", "billing", {}, custom=False)
    service = recordings.resource("dev", "aws:ecs/service:Service", "billing",
                                  {"desiredCount": 1.0, "launchType": "FARGATE"}, parent=BILLING,
                                  parent_type="platform:ecs:FargateService")
    rec["resources"] += [component, service]
    return rec


def stack_record(rec):
    analysis = analyzer.analyze_recording(invented.conceal_recording(rec), PACK)
    return report.stack_json(report.stack_result(rec, analysis, 1.0))


@pytest.fixture(scope="module")
def widened():
    """Before: SSH from the VPC. After: a new service, and the same rule widened to the internet."""
    before = stack_record(recordings.network(ssh_cidr="10.20.0.0/16"))
    after = stack_record(with_billing(recordings.network(ssh_cidr="0.0.0.0/0")))
    return before, after, baseline.compare_stack("dev", before, after)


def test_a_new_service_is_added_and_a_widened_rule_changed(widened):
    _, _, diff = widened
    assert diff["status"] == "compared"
    assert [(e["name"], e["type"], e["component"]) for e in diff["added"]] == [
        ("billing", "platform:ecs:FargateService", ""), ("billing", "aws:ecs/service:Service", "billing")]
    assert diff["removed"] == [] and diff["renamed"] == []
    assert [(e["name"], e["properties"], e["options"]) for e in diff["changed"]] == [
        ("bastion-ssh", ["cidrIpv4"], [])]
    # The VPC, the default group and the bastion's group did not change: not listed, only counted.
    assert diff["unchanged"] == 3
    assert ("no-public-ingress", "mandatory", "bastion-ssh") in {
        (v["policy"], v["enforcementLevel"], v["resourceName"]) for v in diff["violations"]["new"]}
    # Whatever else is new is about the new service; nothing was fixed.
    assert {v["resourceName"] for v in diff["violations"]["new"]} <= {"bastion-ssh", "billing"}
    assert diff["violations"]["gone"] == []


def test_the_other_way_round_the_service_is_removed_and_the_violation_gone(widened):
    before, after, _ = widened
    diff = baseline.compare_stack("dev", after, before)
    assert [e["name"] for e in diff["removed"]] == ["billing", "billing"] and diff["added"] == []
    assert [e["name"] for e in diff["changed"]] == ["bastion-ssh"]
    assert "no-public-ingress" in {v["policy"] for v in diff["violations"]["gone"]}
    assert diff["violations"]["new"] == []


def test_the_same_report_twice_is_no_change(widened):
    before, _, _ = widened
    diff = baseline.compare_stack("dev", before, before)
    assert (diff["added"], diff["removed"], diff["changed"], diff["violations"]) == (
        [], [], [], {"new": [], "gone": []})
    assert diff["unchanged"] == len(before["inventory"])
    assert baseline.render_text({"report": "r.json", "stacks": [diff]}) == ["compared with r.json:", "dev: no change"]


def test_text_and_markdown_name_what_changed_and_show_no_value(widened):
    _, _, diff = widened
    comparison = {"report": "/tmp/main-report.json", "preview": False, "stacks": [diff]}
    text = "\n".join(baseline.render_text(comparison))
    assert "  added    billing (platform:ecs:FargateService)\n  added    billing (aws:ecs/service:Service) in " \
           "billing" in text
    assert "  changed  bastion-ssh (aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule): cidrIpv4" in text
    assert "  new      mandatory high no-public-ingress: bastion-ssh (aws:vpc/securityGroupIngressRule:" \
           "SecurityGroupIngressRule): " in text
    markdown = baseline.render_markdown(comparison)
    assert "compared with `main-report.json`" in markdown
    assert "| dev | 2 | 0 | 0 | 1 |" in markdown
    assert "- **bastion-ssh** `aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule`: cidrIpv4" in markdown
    for shown in (text, markdown):
        assert "10.20.0.0/16" not in shown and "core-default" not in shown and "**core**" not in shown


def test_a_renamed_resource_with_an_alias_is_renamed_not_replaced(widened):
    before, after, _ = widened
    after = copy.deepcopy(before)
    rule = next(e for e in after["inventory"] if e["name"] == "bastion-ssh")
    old_urn = rule["urn"]
    rule.update(urn=old_urn.replace("bastion-ssh", "bastion-ssh-in"), name="bastion-ssh-in", aliases=[old_urn])
    diff = baseline.compare_stack("dev", before, after)
    assert diff["added"] == diff["removed"] == diff["changed"] == []
    assert [(e["from"], e["name"], e["properties"]) for e in diff["renamed"]] == [(old_urn, "bastion-ssh-in", [])]


def test_a_secret_property_is_said_not_compared(widened):
    before, _, _ = widened
    after = copy.deepcopy(before)
    rule = next(e for e in after["inventory"] if e["name"] == "bastion-ssh")
    rule["inputs"]["fromPort"] = "0" * 16
    rule["secretInputs"] = ["description"]
    (changed,) = baseline.compare_stack("dev", before, after)["changed"]
    assert changed["properties"] == ["fromPort"] and changed["secretNotCompared"] == ["description"]
    assert baseline._what_changed(changed) == "fromPort (secret, not compared: description)"


def test_stacks_new_removed_and_not_checked():
    ok = {"stack": "dev", "error": None, "inventory": [], "violations": []}
    failed = {"stack": "dev", "error": "boom"}
    assert baseline.compare_stack("dev", None, ok)["status"] == "new stack"
    assert baseline.compare_stack("dev", ok, None)["status"] == "removed stack"
    assert baseline.compare_stack("dev", failed, ok) == {
        "stack": "dev", "status": "not compared", "reason": "the baseline could not check the stack"}
    assert baseline.compare_stack("dev", ok, failed)["reason"] == "this run could not check the stack"
    base = baseline.Baseline(Path("b.json"), False, {"dev": ok, "prod": {**ok, "stack": "prod"}})
    assert [s["stack"] for s in baseline.compare(base, [ok], all_stacks=True)["stacks"]] == ["dev", "prod"]
    assert [s["stack"] for s in baseline.compare(base, [ok], all_stacks=False)["stacks"]] == ["dev"]


@pytest.mark.parametrize(("content", "preview", "message"), [
    ("not json", False, "not JSON"),
    ('{"stacks": 3}', False, "not a preflight report"),
    ('{"preview": true, "stacks": []}', False, "the report is of a preview and this run is an update; compare like "
                                               "with like (add --preview)"),
    ('{"preview": false, "stacks": [{"stack": "dev", "error": null}]}', False, "stack dev has no resource inventory"),
])
def test_a_baseline_that_cannot_be_used_says_why(tmp_path, content, preview, message):
    path = tmp_path / "base.json"
    path.write_text(content)
    with pytest.raises(baseline.BaselineError) as raised:
        baseline.load(path, preview)
    assert str(raised.value).startswith(f"--baseline {path}: ") and message in str(raised.value)


def test_the_cli_refuses_a_baseline_before_it_runs(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "preflight", "--all", "--baseline", str(tmp_path / "none.json")],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("preflight: --baseline ") and "cannot be read" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "preflight", "--all", "--baseline-markdown", "x.md"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--baseline-markdown needs --baseline" in proc.stderr


# ---- the real project: a stack file that adds a service and widens the load balancer's rule -----------------------

SERVICE = """\
    - name: billing
      launchType: fargate
      priority: 200
      image: public.ecr.aws/nginx/nginx:1.27
      port: 8080
      path: /billing/*
"""


def project_copy(root: Path, stack_file: str) -> Path:
    project = root / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(
        ".git", ".venv", "venv", "tests", "benchmarks", "policies", "build", "__pycache__", "*.md", ".*cache"))
    venv = Path(sys.prefix) if sys.prefix != sys.base_prefix else REPO / ".venv"
    (project / ".venv").symlink_to(venv)
    (project / "Pulumi.dev.yaml").write_text(stack_file)
    for other in ("staging", "prod"):
        (project / f"Pulumi.{other}.yaml").unlink()
    return project


@pytest.fixture(scope="module")
def real_change(tmp_path_factory):
    dev = (REPO / "Pulumi.dev.yaml").read_text()
    assert "container-platform:albAllowedCidrs" not in dev and "  container-platform:services:\n" in dev
    before = dev.replace("config:\n", 'config:\n  container-platform:albAllowedCidrs: ["10.0.0.0/8"]\n', 1)
    after = before.replace("10.0.0.0/8", "0.0.0.0/0").replace(
        "  container-platform:services:\n", "  container-platform:services:\n" + SERVICE, 1)
    work = tmp_path_factory.mktemp("baseline")
    base, head = project_copy(work / "base", before), project_copy(work / "head", after)
    outputs = {}
    for name, project, extra in (
            ("base", base, []),
            ("head", head, ["--baseline", str(work / "base.json"), "--baseline-markdown", str(work / "changes.md"),
                            "--sarif", str(work / "head.sarif")])):
        proc = subprocess.run([sys.executable, "-m", "preflight", "--all", "--project-dir", str(project),
                               "--policy-pack", str(PACK), "--json", str(work / f"{name}.json"), *extra],
                              cwd=work, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        outputs[name] = proc
    return work, head, outputs["head"]


def test_the_real_project_shows_the_new_service_and_the_widened_rule(real_change):
    work, _, proc = real_change
    data = json.loads((work / "head.json").read_text())
    (diff,) = data["baseline"]["stacks"]
    assert data["baseline"]["report"] == str(work / "base.json") and diff["status"] == "compared"
    added = {(e["type"], e["name"]) for e in diff["added"]}
    assert {("platform:ecs:FargateService", "billing"), ("aws:ecs/service:Service", "billing"),
            ("aws:ecs/taskDefinition:TaskDefinition", "billing"), ("aws:lb/targetGroup:TargetGroup", "billing-tg"),
            ("aws:lb/listenerRule:ListenerRule", "billing"), ("aws:iam/role:Role", "billing-task")} <= added
    assert all(e["component"] == "billing" for e in diff["added"] if e["name"].startswith("billing")
               and e["type"] != "platform:ecs:FargateService")
    # The load balancer's rule is named by its CIDR: widening it replaces the rule, as Pulumi would.
    rule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
    assert (rule, "alb-in-80-0.0.0.0-0") in added
    assert [(e["type"], e["name"]) for e in diff["removed"]] == [(rule, "alb-in-80-10.0.0.0-8")]
    assert len(diff["added"]) == len(added) == 16
    # Everything else is the same program on the same settings: not listed.
    assert diff["changed"] == [] and diff["renamed"] == []
    assert diff["unchanged"] == len(data["stacks"][0]["inventory"]) - 16
    listed = {e["name"] for e in diff["added"] + diff["removed"]}
    assert not listed & {"platform", "web", "api", "alb", "cluster", "capacity", "shared"}
    assert "compared with " in proc.stdout and "dev: 16 added, 1 removed" in proc.stdout
    assert proc.stdout.rstrip().endswith("exit 0: no mandatory violations")
    markdown = (work / "changes.md").read_text()
    assert "| dev | 16 | 1 | 0 | 0 | 0 | 0 |" in markdown and "alb-in-80-0.0.0.0-0" in markdown


def test_the_real_project_sarif_points_at_the_stack_file(real_change):
    work, head, _ = real_change
    log = json.loads((work / "head.sarif").read_text())
    validate_sarif(log)
    results = log["runs"][0]["results"]
    assert results and all(r["level"] == "warning" for r in results)  # dev: advisory only
    ro = next(r for r in results if r["ruleId"] == "ecs-read-only-root-filesystem")
    location = ro["locations"][0]["physicalLocation"]
    lines = (head / "Pulumi.dev.yaml").read_text().splitlines()
    assert location["artifactLocation"]["uri"] == "head/project/Pulumi.dev.yaml"  # relative to the cwd
    assert lines[location["region"]["startLine"] - 1].strip() == "readOnlyRootFilesystem: false"

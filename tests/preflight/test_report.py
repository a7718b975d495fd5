"""The report from hand-made results: statuses, the compact and verbose text, the JSON records, exit codes."""

from __future__ import annotations

import pytest

from preflight import hints, report
from preflight.analyzer import Analysis, Diagnostic, PolicyInfo

STACK = "dev"
ROOT = f"urn:pulumi:{STACK}::proj::pulumi:pulumi:Stack::proj-{STACK}"
LB = f"urn:pulumi:{STACK}::proj::aws:lb/loadBalancer:LoadBalancer::alb"
RULE = f"urn:pulumi:{STACK}::proj::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::ssh"


def policy(name, level="mandatory", kind="resource", remediation="Do the right thing."):
    return PolicyInfo(name=name, description=name, level=level, severity="high", kind=kind, framework={}, tags=(),
                      remediation=remediation)


def diagnostic(name, urn, level="mandatory", not_evaluated=False, message="broken"):
    return Diagnostic(policy=name, level=level, severity="high", urn=urn, message=message,
                      not_evaluated=not_evaluated, phase="resource")


def recording(preview=False, **extra):
    resources = [{"urn": LB, "type": "aws:lb/loadBalancer:LoadBalancer", "name": "alb", "custom": True,
                  "parent": ROOT},
                 {"urn": RULE, "type": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "name": "ssh",
                  "custom": True, "parent": ROOT}]
    return {"project": "proj", "stack": STACK, "preview": preview, "config": {}, "resources": resources,
            "outputs": {"vpcId": "vpc-1", "password": "hunter2"}, "secretOutputs": ["password"], **extra}


def result(diagnostics, policies, not_applicable=(), preview=False, hints_=None, **extra):
    analysis = Analysis(pack="pack", version="1.0.0", policies=policies, diagnostics=diagnostics,
                        not_applicable=list(not_applicable), analyzed=4, timings={"analyze": 0.5})
    return report.stack_result(recording(preview, **extra), analysis, 1.25, {"record": 0.75}, hints_)


POLICIES = [policy("alb-access-logs", "advisory"), policy("no-public-ingress", kind="stack"),
            policy("quiet"), policy("off", "disabled"), policy("nothing-here", kind="stack"),
            policy("unsure"), policy("half-sure")]


@pytest.fixture
def mixed():
    diagnostics = [
        diagnostic("alb-access-logs", LB, level="advisory"),
        diagnostic("no-public-ingress", RULE),
        diagnostic("unsure", LB, not_evaluated=True, message="string value at .x can't be known during preview"),
        diagnostic("half-sure", LB), diagnostic("half-sure", RULE, not_evaluated=True, message="unknown .y"),
    ]
    loaded = hints.Hints(policies={"alb-access-logs": (hints.Hint(key="albAccessLogs", value=True),)}, lists={})
    return result(diagnostics, POLICIES, not_applicable=[("nothing-here", "", "no load balancer")], preview=True,
                  hints_=loaded, secretKeys=["aws:secretKey"], uncheckedKeys=["proj:n"],
                  configWarnings=["Pulumi.dev.yaml: no value for configuration key proj:e"],
                  stackFile="Pulumi.dev.yaml")


def test_every_policy_gets_one_status(mixed):
    statuses = {row["name"]: row["status"] for row in report.stack_json(mixed)["policies"]}
    assert statuses == {"alb-access-logs": "fail", "no-public-ingress": "fail", "quiet": "pass", "off": "disabled",
                        "nothing-here": "not applicable", "unsure": "not evaluated", "half-sure": "fail"}


def test_json_records(mixed):
    data = report.stack_json(mixed)
    logs = next(v for v in data["violations"] if v["policy"] == "alb-access-logs")
    assert logs == {"policy": "alb-access-logs", "enforcementLevel": "advisory", "severity": "high", "urn": LB,
                    "message": "broken", "phase": "resource", "resourceType": "aws:lb/loadBalancer:LoadBalancer",
                    "resourceName": "alb", "remediation": "Do the right thing.", "stackKey": "proj:albAccessLogs",
                    "fix": "Pulumi.dev.yaml: set proj:albAccessLogs: true"}
    assert [v["policy"] for v in data["violations"]] == ["half-sure", "no-public-ingress", "alb-access-logs"]
    assert data["summary"] == {"mandatory": 2, "advisory": 1, "notEvaluated": 2, "policiesEvaluated": 6}
    assert data["outputs"] == {"vpcId": "vpc-1", "password": "[secret]"} and data["secretOutputs"] == ["password"]
    assert (data["secureConfig"], data["uncheckedConfig"]) == (["aws:secretKey"], ["proj:n"])
    assert data["exitCode"] == 1 and data["stackFile"] == "Pulumi.dev.yaml"
    assert data["timings"] == {"record": 0.75, "analyze": 0.5}
    assert report.to_json([mixed], True)["exitCode"] == 1


def test_compact_text(mixed):
    text = report.render_text([mixed])
    assert "hunter2" not in text
    assert text.splitlines() == [
        "stack  mode     resources  policies  mandatory  advisory  not evaluated  seconds  result",
        "dev    preview          2         6          2         1              2      1.2  FAIL (2 mandatory)",
        "",
        "dev (preview): FAIL (2 mandatory)",
        "  mandatory high     half-sure: alb (aws:lb/loadBalancer:LoadBalancer)",
        "      broken",
        "      fix: Do the right thing.",
        "  mandatory high     no-public-ingress: ssh (aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule)",
        "      broken",
        "      fix: Do the right thing.",
        "  advisory  high     alb-access-logs: alb (aws:lb/loadBalancer:LoadBalancer); fix: Pulumi.dev.yaml: set "
        "proj:albAccessLogs: true",
        "  not evaluated (a value was unknown, as in a preview: neither passed nor failed): half-sure, unsure; "
        "--verbose shows where",
        "  secure config, unknown offline (its value is never read): aws:secretKey; policies reading it are not "
        "evaluated",
        "  type not checked offline (it depends on the secure value): proj:n",
        "  warning: Pulumi.dev.yaml: no value for configuration key proj:e",
        "",
        "exit 1: mandatory violations in dev",
    ]


def test_verbose_text(mixed):
    lines = report.render_text([mixed], verbose=True).splitlines()
    assert "  2 resources, policies of pack 1.0.0" in lines
    assert "    1  aws:lb/loadBalancer:LoadBalancer" in lines
    rows = {line.split()[3]: line.split(None, 4)[4] for line in lines if line.startswith("    ") and
            line.split()[:1] and line.split()[0] in ("advisory", "mandatory", "disabled")}
    assert rows == {"alb-access-logs": "1 violation(s)", "no-public-ingress": "1 violation(s)", "quiet": "pass",
                    "off": "disabled", "nothing-here": "not applicable", "unsure": "not evaluated on 1",
                    "half-sure": "1 violation(s), not evaluated on 1"}
    assert f"      urn: {LB}" in lines and "      remediation: Do the right thing." in lines
    assert "    unsure [mandatory]: alb (aws:lb/loadBalancer:LoadBalancer): string value at .x can't be known " \
           "during preview" in lines


def test_a_clean_stack_is_one_line_and_an_error_is_a_section():
    clean = result([], [policy("quiet")])
    broken = report.error_result("prod", False, "Pulumi.prod.yaml: Stack 'prod' is missing\nsecond line", 0.5)
    lines = report.render_text([clean, broken]).splitlines()
    assert lines == [
        "stack  mode    resources  policies  mandatory  advisory  not evaluated  seconds  result",
        "dev    update          2         1          0         0              0      1.2  PASS",
        "prod   update          -         -          -         -              -      0.5  ERROR",
        "",
        "prod (update): ERROR, the stack could not be checked",
        "  Pulumi.prod.yaml: Stack 'prod' is missing",
        "  second line",
        "",
        "exit 2: prod could not be checked",
    ]
    assert report.exit_code([clean, broken]) == 2 and report.exit_code([]) == 0
    assert report.stack_json(broken)["policies"] == [] and report.stack_json(broken)["pack"] is None


def test_advisory_only_passes():
    advisory = result([diagnostic("alb-access-logs", LB, level="advisory")], [policy("alb-access-logs", "advisory")])
    assert report.verdict(advisory) == "PASS (1 advisory)" and advisory.exit_code == 0
    assert report.render_text([advisory]).endswith("\nexit 0: no mandatory violations\n")


def test_a_stack_wide_finding_names_no_resource():
    finding = result([diagnostic("no-public-ingress", "")], [policy("no-public-ingress", kind="stack")]).findings[0]
    assert (finding.resource_type, finding.resource_name) == (None, None)
    assert "no-public-ingress: stack-wide" in report.render_text([result([diagnostic("no-public-ingress", "")],
                                                                         [policy("no-public-ingress")])])


def test_findings_on_resources_the_engine_adds_are_named_from_their_urn():
    provider = f"urn:pulumi:{STACK}::proj::pulumi:providers:aws::default_7_51_1"
    found = result([diagnostic("quiet", ROOT), diagnostic("quiet", provider)], [policy("quiet")]).findings
    assert sorted((f.resource_type, f.resource_name) for f in found) == [
        ("pulumi:providers:aws", "default_7_51_1"), ("pulumi:pulumi:Stack", "proj-dev")]


def test_a_resource_policy_not_applicable_somewhere_still_passes():
    done = result([], [policy("quiet"), policy("stacky", kind="stack")],
                  not_applicable=[("quiet", LB, "not an ALB"), ("stacky", "", "nothing to judge")])
    assert {r["name"]: r["status"] for r in report.stack_json(done)["policies"]} == {
        "quiet": "pass", "stacky": "not applicable"}
    assert done.stack_file == "Pulumi.dev.yaml"  # named after the stack when the recording does not say

"""Violations in the stack file's terms: the hints file's format, the service found up the parent chain, and the
project's own hints file against its pack and its config."""

from __future__ import annotations

import json
import textwrap

import pytest

import settings
from preflight import analyzer, hints, stackconfig
from tests.preflight.recordings import PACK, REPO, UNKNOWN

STACK = "dev"
ROOT = f"urn:pulumi:{STACK}::proj::pulumi:pulumi:Stack::proj-{STACK}"


def write(tmp_path, text):
    (tmp_path / hints.FILE).write_text(textwrap.dedent(text).lstrip())
    return hints.load(tmp_path)


HINTS = """
    services:
      key: services
      name: name
    policies:
      alb-access-logs: {key: albAccessLogs, value: true}
      vpc-flow-logs-enabled: {key: "other:flowLogs", value: yes}
      ecs-read-only-root-filesystem: {serviceKey: readOnlyRootFilesystem, value: true}
      ecs-deployment-config-valid: {serviceKey: maxPercent, change: raise it}
"""


def res(name, type_, parent=ROOT, custom=True):
    chain = type_ if parent == ROOT else f"{parent.split('::')[-2]}${type_}"
    return {"urn": f"urn:pulumi:{STACK}::proj::{chain}::{name}", "type": type_, "name": name, "custom": custom,
            "parent": parent}


def recording(services):
    component = res("api", "platform:ecs:FargateService", custom=False)
    task = res("api-task", "aws:ecs/taskDefinition:TaskDefinition", parent=component["urn"])
    alone = res("api", "aws:ecs/cluster:Cluster")  # a resource named like a service, but not a component
    return {"project": "proj", "stack": STACK, "config": {"proj:services": json.dumps(services)},
            "resources": [component, task, alone]}


def test_a_key_hint_names_the_key_and_the_value(tmp_path):
    loaded = write(tmp_path, HINTS)
    rec = recording([{"name": "api"}])
    fix = hints.fix_for(loaded, "alb-access-logs", "", rec, "Pulumi.dev.yaml")
    assert fix == hints.Fix("proj:albAccessLogs", "Pulumi.dev.yaml: set proj:albAccessLogs: true")
    # A key of another namespace is kept; values are shown as written in YAML 1.2 ("yes" is a string).
    assert hints.fix_for(loaded, "vpc-flow-logs-enabled", "", rec, "Pulumi.dev.yaml").text == (
        "Pulumi.dev.yaml: set other:flowLogs: yes")


def test_a_service_hint_names_the_nearest_service_component(tmp_path):
    loaded = write(tmp_path, HINTS)
    rec = recording([{"name": "web"}, {"name": "api"}])
    component, task, alone = rec["resources"]
    fix = hints.fix_for(loaded, "ecs-read-only-root-filesystem", task["urn"], rec, "Pulumi.dev.yaml")
    assert fix == hints.Fix("proj:services[api].readOnlyRootFilesystem",
                            "Pulumi.dev.yaml: set proj:services[api].readOnlyRootFilesystem: true")
    assert hints.fix_for(loaded, "ecs-deployment-config-valid", component["urn"], rec, "Pulumi.dev.yaml").text == (
        "Pulumi.dev.yaml: proj:services[api].maxPercent: raise it")
    # Not under a service component, stack-wide, or no such service in the stack's list: no hint.
    assert hints.fix_for(loaded, "ecs-read-only-root-filesystem", alone["urn"], rec, "Pulumi.dev.yaml") is None
    assert hints.fix_for(loaded, "ecs-read-only-root-filesystem", "", rec, "Pulumi.dev.yaml") is None
    assert hints.fix_for(loaded, "ecs-read-only-root-filesystem", task["urn"], recording([{"name": "web"}]),
                         "Pulumi.dev.yaml") is None
    unknown = {**rec, "config": {"proj:services": UNKNOWN}}  # a secure list: its names are not known
    assert hints.fix_for(loaded, "ecs-read-only-root-filesystem", task["urn"], unknown, "Pulumi.dev.yaml") is None


def test_no_file_and_unlisted_policies_give_no_hint(tmp_path):
    assert hints.load(tmp_path) is None
    assert hints.fix_for(None, "alb-access-logs", "", recording([]), "Pulumi.dev.yaml") is None
    assert hints.fix_for(write(tmp_path, HINTS), "no-public-ingress", "", recording([]), "Pulumi.dev.yaml") is None


@pytest.mark.parametrize(("text", "message"), [
    ("policies: [a]\n", "expected a mapping with 'policies'"),
    ("policy: {}\n", "unknown section 'policy'"),
    ("policies:\n  p: {key: a}\n", "policies.p needs exactly one of 'value' and 'change'"),
    ("policies:\n  p: {value: 1}\n", "policies.p needs exactly one of 'key' and 'serviceKey'"),
    ("policies:\n  p: {key: a, serviceKey: b, value: 1}\n", "needs exactly one of 'key' and 'serviceKey'"),
    ("policies:\n  p: {key: a, value: 1, change: x}\n", "needs exactly one of 'value' and 'change'"),
    ("policies:\n  p: {serviceKey: b, value: 1}\n", "policies.p uses serviceKey, which needs services.key"),
    ("policies:\n  p: {key: '', value: 1}\n", "policies.p.key must be a non-empty string"),
    ("policies:\n  p: {key: a, value: 1, note: x}\n", "policies.p takes 'key' or 'serviceKey'"),
    ("services: {key: s, field: n}\n", "services takes 'key' and 'name'"),
    ("policies:\n  p: {key: a, value: 1}\n  p: {key: b, value: 2}\n", "key 'p' in policies is given twice"),
])
def test_a_malformed_hints_file_names_the_file_and_the_entry(tmp_path, text, message):
    with pytest.raises(hints.HintsError) as info:
        write(tmp_path, text)
    assert message in str(info.value) and str(info.value).startswith(hints.FILE)


def test_the_projects_hints_name_real_policies_keys_and_service_fields():
    loaded = hints.load(REPO)
    assert loaded is not None and loaded.services_key == "services"
    with analyzer.PolicyPackProcess(PACK, project="container-platform", stack="dev", config={},
                                    dry_run=False) as pack:
        names = {p.name for p in pack.info().policies}
    assert set(loaded.policies) <= names, set(loaded.policies) - names
    declared = set(stackconfig.load_project(REPO).config)
    assert {h.key for h in loaded.policies.values() if h.key} <= declared
    assert {h.service_key for h in loaded.policies.values() if h.service_key} <= set(settings.services.SERVICE_KEYS)
    for required in ("alb-access-logs", "alb-deletion-protection", "vpc-flow-logs-enabled",
                     "alb-http-redirects-to-https", "ecs-read-only-root-filesystem"):
        assert required in loaded.policies

"""Violations in the stack file's terms: the hints file's format, the list entry found up the parent chain, and the
project's own hints file against its pack and its config."""

from __future__ import annotations

import json
import re
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
    lists:
      services: {key: services, name: name}
      workers: {key: workers, components: [platform:queue:QueueWorker]}
    policies:
      alb-access-logs: {key: albAccessLogs, value: true}
      vpc-flow-logs-enabled: {key: "other:flowLogs", value: yes}
      ecs-read-only-root-filesystem:
        - {list: workers, itemKey: readOnly, value: true}
        - {list: services, itemKey: readOnlyRootFilesystem, value: true}
      ecs-deployment-config-valid: {list: services, itemKey: maxPercent, change: raise it}
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


def test_a_list_hint_names_the_nearest_entry_component(tmp_path):
    loaded = write(tmp_path, HINTS)
    rec = recording([{"name": "web"}, {"name": "api"}])
    component, task, alone = rec["resources"]
    fix = hints.fix_for(loaded, "ecs-read-only-root-filesystem", task["urn"], rec, "Pulumi.dev.yaml")
    assert fix == hints.Fix("proj:services[api].readOnlyRootFilesystem",
                            "Pulumi.dev.yaml: set proj:services[api].readOnlyRootFilesystem: true")
    assert hints.fix_for(loaded, "ecs-deployment-config-valid", component["urn"], rec, "Pulumi.dev.yaml").text == (
        "Pulumi.dev.yaml: proj:services[api].maxPercent: raise it")
    # Not under an entry's component, stack-wide, or no such entry in the stack's list: no hint.
    assert hints.fix_for(loaded, "ecs-read-only-root-filesystem", alone["urn"], rec, "Pulumi.dev.yaml") is None
    assert hints.fix_for(loaded, "ecs-read-only-root-filesystem", "", rec, "Pulumi.dev.yaml") is None
    assert hints.fix_for(loaded, "ecs-read-only-root-filesystem", task["urn"], recording([{"name": "web"}]),
                         "Pulumi.dev.yaml") is None
    unknown = {**rec, "config": {"proj:services": UNKNOWN}}  # a secure list: its names are not known
    assert hints.fix_for(loaded, "ecs-read-only-root-filesystem", task["urn"], unknown, "Pulumi.dev.yaml") is None


def test_the_first_list_whose_entry_built_the_resource_gives_the_hint(tmp_path):
    loaded = write(tmp_path, HINTS)
    worker = res("jobs", "platform:queue:QueueWorker", custom=False)
    task = res("jobs-task", "aws:ecs/taskDefinition:TaskDefinition", parent=worker["urn"])
    service = res("api", "platform:ecs:FargateService", custom=False)
    service_task = res("api-task", "aws:ecs/taskDefinition:TaskDefinition", parent=service["urn"])
    lookalike = res("api", "platform:ecs:Other", custom=False)  # named like a worker, of another component type
    lookalike_task = res("x-task", "aws:ecs/taskDefinition:TaskDefinition", parent=lookalike["urn"])
    rec = {"project": "proj", "stack": STACK,
           "config": {"proj:services": json.dumps([{"name": "api"}]),
                      "proj:workers": json.dumps([{"name": "jobs"}, {"name": "api"}])},
           "resources": [worker, task, service, service_task, lookalike, lookalike_task]}
    fix = hints.fix_for(loaded, "ecs-read-only-root-filesystem", task["urn"], rec, "Pulumi.dev.yaml")
    assert fix.text == "Pulumi.dev.yaml: set proj:workers[jobs].readOnly: true"
    # "api" is an entry of both lists: its component is not a QueueWorker, so the services hint applies.
    assert hints.fix_for(loaded, "ecs-read-only-root-filesystem", service_task["urn"], rec,
                         "Pulumi.dev.yaml").stack_key == "proj:services[api].readOnlyRootFilesystem"
    assert hints.fix_for(loaded, "ecs-read-only-root-filesystem", lookalike_task["urn"], rec,
                         "Pulumi.dev.yaml").stack_key == "proj:services[api].readOnlyRootFilesystem"


def test_no_file_and_unlisted_policies_give_no_hint(tmp_path):
    assert hints.load(tmp_path) is None
    assert hints.fix_for(None, "alb-access-logs", "", recording([]), "Pulumi.dev.yaml") is None
    assert hints.fix_for(write(tmp_path, HINTS), "no-public-ingress", "", recording([]), "Pulumi.dev.yaml") is None


@pytest.mark.parametrize(("text", "message"), [
    ("policies: [a]\n", "expected a mapping with 'policies'"),
    ("policy: {}\n", "unknown section 'policy'"),
    ("services: {key: s}\n", "unknown section 'services' (use 'lists' and 'policies')"),
    ("policies:\n  p: {key: a}\n", "policies.p needs exactly one of 'value' and 'change'"),
    ("policies:\n  p: {value: 1}\n", "policies.p needs exactly one of 'key' and 'list'"),
    ("lists: {s: {key: s}}\npolicies:\n  p: {key: a, list: s, itemKey: b, value: 1}\n",
     "needs exactly one of 'key' and 'list'"),
    ("lists: {s: {key: s}}\npolicies:\n  p: {list: s, value: 1}\n", "policies.p needs 'list' and 'itemKey' together"),
    ("policies:\n  p: {key: a, value: 1, change: x}\n", "needs exactly one of 'value' and 'change'"),
    ("policies:\n  p: {list: s, itemKey: b, value: 1}\n", "policies.p.list names 's', which is not under lists (none)"),
    ("lists: {s: {key: s}}\npolicies:\n  p: [{key: a, value: 1}, {list: t, itemKey: b, value: 1}]\n",
     "policies.p[1].list names 't', which is not under lists (s)"),
    ("policies:\n  p: {key: '', value: 1}\n", "policies.p.key must be a non-empty string"),
    ("policies:\n  p: {key: a, value: 1, note: x}\n", "policies.p takes 'key' or 'list' with 'itemKey'"),
    ("lists: {s: {key: s, field: n}}\n", "lists.s takes 'key', and optionally 'name' and 'components'"),
    ("lists: {s: {name: n}}\n", "lists.s takes 'key'"),
    ("lists: {s: {key: s, components: platform:x:Y}}\n", "lists.s.components must be a list of component types"),
    ("lists: [s]\n", "lists must map a list's name to its key"),
    ("policies:\n  p: {key: a, value: 1}\n  p: {key: b, value: 2}\n", "key 'p' in policies is given twice"),
])
def test_a_malformed_hints_file_names_the_file_and_the_entry(tmp_path, text, message):
    with pytest.raises(hints.HintsError) as info:
        write(tmp_path, text)
    assert message in str(info.value) and str(info.value).startswith(hints.FILE)


def test_the_projects_hints_name_real_policies_keys_and_entry_fields():
    loaded = hints.load(REPO)
    assert loaded is not None
    with analyzer.PolicyPackProcess(PACK, project="container-platform", stack="dev", config={},
                                    dry_run=False) as pack:
        names = {p.name for p in pack.info().policies}
    assert set(loaded.policies) <= names, set(loaded.policies) - names
    declared = set(stackconfig.load_project(REPO).config)
    every = [h for found in loaded.policies.values() for h in found]
    assert {h.key for h in every if h.key} <= declared
    fields = {"services": settings.services.SERVICE_KEYS, "workers": settings.workers.WORKER_KEYS,
              "pipelines": settings.events.PIPELINE_KEYS, "scheduledTasks": settings.events.SCHEDULED_TASK_KEYS,
              "fileSystems": settings.storage.FILE_SYSTEM_KEYS}
    assert set(loaded.lists) == set(fields)
    component_types = {token for path in (REPO / "components").rglob("*.py")
                       for token in re.findall(r'"(platform:[a-z]+:[A-Za-z0-9]+)"', path.read_text())}
    for name, named in loaded.lists.items():
        assert named.key in declared and named.name in fields[name]
        assert named.components and set(named.components) <= component_types, (name, named.components)
    for hint in every:
        assert not hint.list or hint.item_key in fields[hint.list], (hint.list, hint.item_key)
    for required in ("alb-access-logs", "alb-deletion-protection", "vpc-flow-logs-enabled",
                     "alb-http-redirects-to-https", "ecs-read-only-root-filesystem", "efs-automatic-backups",
                     "dynamodb-table-deletion-protection", "dynamodb-table-point-in-time-recovery"):
        assert required in loaded.policies

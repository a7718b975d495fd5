"""The stack-output contract, pinned per stack: what each stack exports (names, JSON types, secrets), as recorded
under the mock engine and reported to the projects that read it, is what ``contract/outputs.py`` declares, what the
README's table says and what ``PlatformOutputs`` reads."""

from __future__ import annotations

import dataclasses
import tomllib
from typing import Any

import pytest

import settings
from components.lb.alb import CATCH_ALL_RULE_PRIORITIES, SHARED_RULE_PRIORITIES
from contract import OUTPUTS, VERSION, PlatformOutputs
from contract.outputs import BY_NAME, EKS, ENDPOINTS, markdown_table, present
from contract.reference import Claims, check
from contract.shapes import json_type
from preflight import stackconfig
from tests.contract.conftest import STACKS
from tests.virtualenvs import REPO

_EVERY_STACK = {
    "contractVersion": "string", "region": "string", "partition": "string", "accountId": "string",
    "vpcId": "string", "vpcCidr": "string", "publicSubnetIds": "array", "privateSubnetIds": "array",
    "albArn": "string", "albDnsName": "string", "albZoneId": "string", "albSecurityGroupId": "string",
    "albListenerArn": "string", "albListenerProtocol": "string", "reservedListenerPriorities": "object",
    "clusterName": "string", "clusterArn": "string", "capacityProviderName": "string",
    "fargateCapacityProviders": "array", "instanceSecurityGroupId": "string", "execLogGroupName": "string",
    "execLogGroupArn": "string", "logGroupPrefix": "string", "services": "object", "repositoryUrls": "object",
    "fileSystemIds": "object", "fileSystemSecurityGroupIds": "object", "accessPointIds": "object",
    "pipelines": "object", "scheduledTasks": "object", "workers": "object",
}
_EKS = {"eksClusterName": "string", "eksClusterEndpoint": "string", "eksOidcProviderArn": "string",
        "eksOidcProviderUrl": "string", "eksNodeRoleArn": "string", "eksKubeconfig": "string"}
#: Output name → JSON type, per stack. Edited by hand, never generated: see the first test.
PINNED: dict[str, dict[str, str]] = {
    "dev": _EVERY_STACK,
    "staging": {**_EVERY_STACK, **_EKS},
    "prod": {**_EVERY_STACK, "endpointsSecurityGroupId": "string", **_EKS},
}
SECRET = {"dev": [], "staging": ["eksKubeconfig"], "prod": ["eksKubeconfig"]}


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_exports_exactly_the_pinned_outputs(stack: str, platform):
    """A rename fails here first. Say ``albListenerArn`` became ``albHttpsListenerArn`` in areas/outputs.py: the
    program stops at once (an output contract/outputs.py does not declare); declared there instead of the old name,
    the program runs, and this test fails for every stack (the recorded names lose ``albListenerArn``), as does
    test_the_readme_table_is_the_contracts (the README still has the old row) and every consumer of
    ``PlatformOutputs.alb_listener_arn``. It passes again only when the contract, the README's table (``python -m
    contract``) and this pin change together, and ``contract.VERSION`` with the package's major version records
    the break for the projects that read the stack. A changed JSON type (a list exported as a string) fails the same
    way."""
    reported = platform.stack(stack)
    assert reported["error"] is None, reported["error"]
    assert {name: json_type(value) for name, value in reported["outputs"].items()} == PINNED[stack]
    assert reported["secretOutputs"] == SECRET[stack]


def _conditions(stack: str) -> set[str]:
    config = settings.load(stack, dict(stackconfig.load(REPO, stack).values))
    endpoints = config.network.nat_strategy == "none" or config.network.interface_endpoints
    return {name for name, met in ((EKS, config.eks.enabled), (ENDPOINTS, endpoints)) if met}


@pytest.mark.parametrize("stack", STACKS)
def test_the_pin_is_what_the_contract_declares_for_the_stacks_settings(stack: str):
    declared = present(_conditions(stack))
    assert {o.name: o.shape.json for o in declared} == PINNED[stack]
    assert [o.name for o in declared if o.secret] == SECRET[stack]


@pytest.mark.parametrize("stack", STACKS)
def test_every_output_has_the_shape_the_contract_declares_and_reads_as_a_platform_stack(stack: str, platform):
    outputs = platform.stack(stack)["outputs"]
    assert [p for name, value in outputs.items() for p in BY_NAME[name].shape.problems(value, name)] == []
    values = check(f"acme/container-platform/{stack}", outputs, Claims())
    assert values["reservedListenerPriorities"] == SHARED_RULE_PRIORITIES
    assert values["contractVersion"] == VERSION


def _named(recording: dict, type_suffix: str, name: str) -> dict[str, Any]:
    [found] = [r for r in recording["resources"] if r["type"].endswith(type_suffix) and r["name"] == name]
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_what_a_consumer_places_a_service_with_is_the_platforms_own(stack: str, platform):
    recording, out = platform.recording(stack), platform.stack(stack)["outputs"]
    config = settings.load(stack, dict(stackconfig.load(REPO, stack).values))
    listener = _named(recording, ":Listener", "alb-https" if config.alb.certificate_arn else "alb-http")
    assert (out["albListenerArn"], out["albListenerProtocol"]) == (listener["outputs"]["arn"],
                                                                   listener["inputs"]["protocol"]), listener["urn"]
    assert out["albArn"] == _named(recording, ":LoadBalancer", "alb")["outputs"]["arn"]
    assert out["albSecurityGroupId"] == _named(recording, ":SecurityGroup", "alb-sg")["id"]
    exec_logs = _named(recording, ":LogGroup", "cluster-exec")
    assert (out["execLogGroupName"], out["execLogGroupArn"]) == (exec_logs["id"], exec_logs["outputs"]["arn"])
    groups = [r for r in recording["resources"] if r["type"] == "aws:cloudwatch/logGroup:LogGroup"
              and not r["name"].startswith("kubernetes")]  # EKS names its own: /aws/eks/<cluster>/cluster
    assert out["logGroupPrefix"] == f"/platform/{stack}/"
    assert [g["urn"] for g in groups if not g["inputs"]["name"].startswith(out["logGroupPrefix"])] == []
    association = _named(recording, ":ClusterCapacityProviders", "capacity")
    assert association["inputs"]["capacityProviders"] == [out["capacityProviderName"],
                                                          *out["fargateCapacityProviders"]], association["urn"]
    for name, service in out["services"].items():
        rule = _named(recording, ":ListenerRule", name)
        assert rule["inputs"]["priority"] == service["priority"] and rule["inputs"]["listenerArn"] == \
            out["albListenerArn"], rule["urn"]
        assert [c["pathPattern"]["values"] for c in rule["inputs"]["conditions"] if "pathPattern" in c] == \
            [[service["path"]]], rule["urn"]
    assert out["fileSystemSecurityGroupIds"] == {"shared": _named(recording, ":SecurityGroup", "shared-mt-sg")["id"]}
    assert out["workers"]["jobs"]["queueName"] == _named(recording, ":Queue", "jobs")["outputs"]["name"]
    bucket = _named(recording, ":Bucket", "ingest")
    assert (out["pipelines"]["ingest"]["bucketArn"], out["pipelines"]["ingest"]["bucketName"]) == \
        (bucket["outputs"]["arn"], bucket["outputs"]["bucket"]), bucket["urn"]
    endpoints = [r for r in recording["resources"] if r["name"] == "platform-endpoints-sg"]
    assert out.get("endpointsSecurityGroupId") == (endpoints[0]["id"] if endpoints else None)
    assert (out["region"], out["partition"], out["accountId"]) == ("eu-west-1", "aws", "123456789012")


def test_the_readme_table_is_the_contracts():
    """The README's "Stack outputs" section carries the table rendered from contract/outputs.py: after changing the
    contract, paste the output of `.venv/bin/python -m contract` there."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("\n## Stack outputs", 1)[1].split("\n## ", 1)[0]
    assert markdown_table() in section
    using = readme.split("\n## Using the platform from another project", 1)[1].split("\n## ", 1)[0]
    shared, catch_all = SHARED_RULE_PRIORITIES, CATCH_ALL_RULE_PRIORITIES
    assert f"**{shared.start}..{shared.stop - 1} are reserved for other projects**" in using
    assert f"{catch_all.start}..{catch_all.stop - 1}, after everyone else" in using


def test_platform_outputs_has_one_field_per_output_in_the_contracts_order():
    fields = [f.name for f in dataclasses.fields(PlatformOutputs)]
    assert fields == ["reference", *(o.attribute for o in OUTPUTS)]


def test_the_package_version_follows_the_contract():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["version"].split(".")[0] == VERSION
    assert project["name"] == "container-platform"

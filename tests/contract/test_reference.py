"""``PlatformOutputs``: a platform stack's outputs as another project reads them, checked against the contract and
against what that project claims on the platform. ``check`` on crafted outputs; ``from_stack_reference`` under the
mock engine with the reference answered from a report."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from contract import OUTPUTS, VERSION, Claims, ContractError, ListenerRule, PlatformOutputs
from contract.outputs import ALWAYS, BY_NAME
from contract.reference import check
from contract.shapes import Shape
from preflight import engine, stackrefs

REF = "acme/container-platform/dev"
WHERE = f"stack reference {REF!r}"


def _sample(shape: Shape, name: str) -> Any:
    if shape.kind == "string":
        return f"{name}-value"
    if shape.kind == "number":
        return 1.0
    if shape.kind == "boolean":
        return True
    if shape.kind == "list":
        return [_sample(shape.of, name)]  # type: ignore[arg-type]
    if shape.kind == "map":
        return {"one": _sample(shape.of, name)}  # type: ignore[arg-type]
    return {f.name: _sample(f.shape, f.name) for f in shape.fields}


def outputs(**changes: Any) -> dict[str, Any]:
    """A dev-like platform stack's outputs: every output present in every stack, in the contract's shapes."""
    values = {o.name: _sample(o.shape, o.name) for o in OUTPUTS if o.when == ALWAYS}
    values.update({
        "contractVersion": VERSION, "region": "eu-west-1", "accountId": "123456789012",
        "reservedListenerPriorities": {"min": 1000.0, "max": 48999.0}, "logGroupPrefix": "/platform/dev/",
        "services": {
            "web": {**_sample(BY_NAME["services"].shape.of, "web"), "priority": 50000.0, "path": "/*"},  # type: ignore[arg-type]
            "api": {**_sample(BY_NAME["services"].shape.of, "api"), "priority": 100.0, "path": "/api/*"},  # type: ignore[arg-type]
        },
        "workers": {"jobs": _sample(BY_NAME["workers"].shape.of, "jobs")},  # type: ignore[arg-type]
    })
    for service in values["services"].values():
        del service["host"]  # null: what a Python program reads has no key
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def problems(values: dict[str, Any], claims: Claims | None = None) -> list[str]:
    try:
        check(REF, values, claims or Claims())
    except ContractError as exc:
        return str(exc).splitlines()
    return []


def test_a_stack_that_meets_the_contract_reads_as_typed_values():
    values = check(REF, outputs(), Claims(listener_rules=[ListenerRule(1000, "/orders/*")], workload_names=["orders"],
                                          region="eu-west-1", account_id="123456789012", endpoints=False))
    assert values["reservedListenerPriorities"] == range(1000, 49000)
    assert values["services"]["api"]["priority"] == 100 and isinstance(values["services"]["api"]["priority"], int)
    assert values["services"]["api"]["host"] is None  # left out by the SDK: back as None
    assert values["eksClusterName"] is None and values["endpointsSecurityGroupId"] is None


def test_every_missing_output_is_named_with_the_reference():
    assert problems(outputs(albListenerArn=None, privateSubnetIds=None)) == [
        f"{WHERE} has no output 'privateSubnetIds'", f"{WHERE} has no output 'albListenerArn'"]


def test_outputs_only_some_stacks_have_may_be_missing_unless_claimed():
    assert problems(outputs()) == []
    assert problems(outputs(), Claims(endpoints=True)) == [f"{WHERE} has no output 'endpointsSecurityGroupId'"]


def test_a_stack_of_another_contract_version_is_refused_first():
    message = (f"{WHERE} has contractVersion '2', and this code reads contract {VERSION}: use the release of "
               "container-platform that matches the stack")
    assert problems(outputs(contractVersion="2", albListenerArn=None)) == [message]
    assert problems(outputs(contractVersion=None)) == [
        f"{WHERE} has no output 'contractVersion', and this code reads contract {VERSION}: use the release of "
        "container-platform that matches the stack"]


def test_a_value_of_another_shape_is_named_down_to_its_key():
    services = outputs()["services"]
    services["api"]["priority"] = "100"
    services["web"]["extra"] = "x"
    assert problems(outputs(services=services, privateSubnetIds="subnet-1")) == [
        f"{WHERE}: output privateSubnetIds must be a list (got a string)",
        f"{WHERE}: output services.web has extra, which the contract does not declare",
        f"{WHERE}: output services.api.priority must be a number (got a string)",
    ]


@pytest.mark.parametrize("priority", [1000, 48999])
def test_listener_rules_in_the_reserved_range_are_accepted(priority: int):
    assert problems(outputs(), Claims(listener_rules=[ListenerRule(priority, "/orders/*")])) == []


@pytest.mark.parametrize("priority", [999, 49000])
def test_listener_rules_outside_the_reserved_range_are_refused(priority: int):
    assert problems(outputs(), Claims(listener_rules=[ListenerRule(priority, "/orders/*")])) == [
        f"{WHERE}: listener rule {priority} (/orders/* on any host) is outside output reservedListenerPriorities "
        "(1000..48999)"]


def test_a_rule_the_platforms_rules_hide_or_that_hides_theirs_is_refused():
    assert problems(outputs(), Claims(listener_rules=[ListenerRule(1000, "/api/orders/*")])) == [
        f"{WHERE}: listener rule 1000 (/api/orders/* on any host) would get no traffic: output services.api "
        "(100: /api/* on any host) takes it first"]
    assert problems(outputs(), Claims(listener_rules=[ListenerRule(1000, "/*")])) == [
        f"{WHERE}: listener rule 1000 (/* on any host) would take all traffic of output services.web (50000: /* on "
        "any host)"]
    # On a host of its own, /* takes only that host's requests: the platform's catch-all keeps every other host.
    assert problems(outputs(), Claims(listener_rules=[ListenerRule(1000, "/*", host="orders.example.com")])) == []


def test_region_account_endpoints_and_names_must_fit_the_stack():
    claims = Claims(workload_names=["jobs"], region="us-east-1", account_id="210987654321", endpoints=False)
    assert problems(outputs(endpointsSecurityGroupId="sg-1"), claims) == [
        f"{WHERE}: output region is 'eu-west-1', but this stack deploys to 'us-east-1'",
        f"{WHERE}: output accountId is '123456789012', but this stack deploys to '210987654321'",
        f"{WHERE} has output 'endpointsSecurityGroupId': the stack's interface endpoints take its tasks' ECR and "
        "CloudWatch Logs calls (private DNS) and admit only the SGs added to them; expect them "
        "(Claims.endpoints=True) and admit your tasks",
        f"{WHERE}: workload name 'jobs' is taken by output workers.jobs, which logs to /platform/dev/jobs: choose "
        "another",
    ]


# ---- through a StackReference, under the mock engine ----------------------------------------------------------------


def _read(tmp_path, values: dict[str, Any], program) -> engine.Recording:
    report = tmp_path / "platform.json"
    shown = {**values, "eksKubeconfig": "[secret]"}
    report.write_text(json.dumps({"stacks": [{"stack": "dev", "project": "container-platform", "error": None,
                                              "outputs": shown, "secretOutputs": ["eksKubeconfig"]}]}))
    stackrefs.install(stackrefs.load([f"{REF}={report}"]))
    try:
        return engine.run(program, project="orders-service", stack="dev", config={}, preview=False)
    finally:
        stackrefs.install({})


def test_fields_keep_each_outputs_own_secrecy(tmp_path):
    """The stack's outputs arrive as one value, secret because the kubeconfig is: every other field is not."""
    def program():
        platform = PlatformOutputs.from_stack_reference(pulumi.StackReference(REF))
        pulumi.export("listener", platform.alb_listener_arn)
        pulumi.export("subnets", platform.private_subnet_ids)
        pulumi.export("priorities", platform.reserved_listener_priorities.apply(lambda r: [r.start, r.stop - 1]))
        pulumi.export("kubeconfig", platform.eks_kubeconfig)
        pulumi.export("endpoints", platform.endpoints_security_group_id.apply(lambda v: v is None))

    recording = _read(tmp_path, outputs(eksClusterName="x"), program)
    assert recording.outputs["listener"] == "albListenerArn-value"
    assert recording.outputs["subnets"] == ["privateSubnetIds-value"]
    assert recording.outputs["priorities"] == [1000, 48999]
    assert recording.outputs["endpoints"] is True
    assert recording.secret_outputs == ["kubeconfig"]


def test_a_missing_output_fails_the_run_naming_reference_and_output(tmp_path):
    def program():
        platform = PlatformOutputs.from_stack_reference(pulumi.StackReference(REF))
        pulumi.export("cluster", platform.cluster_arn)

    with pytest.raises(Exception, match=f"{WHERE} has no output 'clusterArn'"):
        _read(tmp_path, outputs(clusterArn=None), program)

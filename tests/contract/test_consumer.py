"""examples/orders-service against every platform stack, as its team would check it offline: the platform's
preflight report answers its StackReference, the preflight creates its virtualenv from its requirements (the Pulumi
SDKs from this interpreter, ``tests.virtualenvs``; the platform's package built from a copy of this repository's
sources) and runs it through the same policy pack."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contract.conftest import STACKS, PlatformRun
from tests.virtualenvs import REPO, host_site_wheel, package_source, without_sdks

EXAMPLE = REPO / "examples" / "orders-service"
ORG = "acme"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def consumer_preflight(project: Path, report: Path, *args: str, out: Path, recordings: Path | None = None):
    references = [f"--stack-reference={ORG}/container-platform/{s}={report}" for s in STACKS]
    command = [sys.executable, "-m", "preflight", "--project-dir", str(project), "--policy-pack",
               str(REPO / "policies"), *references, *args, "--json", str(out)]
    if recordings is not None:
        command += ["--keep-recordings", str(recordings)]
    # The platform's package declares the Pulumi SDKs it needs; here they come from the host-site wheel instead.
    env = {**os.environ, "PIP_NO_DEPS": "1"}
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600, env=env)
    return proc, (json.loads(out.read_text()) if out.exists() else None)


@pytest.fixture(scope="module")
def orders(tmp_path_factory, platform: PlatformRun):
    work = tmp_path_factory.mktemp("orders")
    project = work / "orders-service"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    source = package_source(work / "container-platform")
    wheel = host_site_wheel(work / "wheels")
    requirements = without_sdks((project / "requirements.txt").read_text())
    assert "\n../..\n" in requirements  # the repository, by path from the project
    (project / "requirements.txt").write_text(requirements.replace("\n../..\n", f"\n{source}\n") + f"{wheel}\n")
    proc, report = consumer_preflight(project, platform.report_path, "--all", out=work / "orders.json",
                                      recordings=work / "recordings")
    assert report is not None, proc.stdout + proc.stderr
    return project, proc, report, work / "recordings"


def _stack(report: dict, name: str) -> dict:
    return next(s for s in report["stacks"] if s["stack"] == name)


def test_the_example_reads_its_stack_reference_from_its_config_and_installs_the_platform_by_path():
    program = (EXAMPLE / "__main__.py").read_text()
    assert 'pulumi.StackReference(f"{config.require(\'platformOrg\')}/container-platform/{stack}")' in program
    assert "from components.ecs.fargate_service import FargateService" in program
    for stack in STACKS:
        assert f"orders-service:platformOrg: {ORG}" in (EXAMPLE / f"Pulumi.{stack}.yaml").read_text(), stack
    assert "virtualenv: venv" in (EXAMPLE / "Pulumi.yaml").read_text()
    requirements = (EXAMPLE / "requirements.txt").read_text().splitlines()
    assert {"pulumi==3.272.0", "pulumi-aws==7.51.1", "../.."} <= set(requirements)
    assert (EXAMPLE / "../../pyproject.toml").resolve() == REPO / "pyproject.toml"


def test_every_stack_passes_the_platforms_policy_pack(orders):
    project, proc, report, _ = orders
    assert f"creating the project's virtualenv {project / 'venv'}" in proc.stderr
    errors = {s["stack"]: s["error"] for s in report["stacks"] if s["error"]}
    assert errors == {}
    mandatory = {s["stack"]: [f"{v['policy']}: {v['message']}" for v in s["violations"]
                              if v["enforcementLevel"] == "mandatory"] for s in report["stacks"]}
    assert mandatory == dict.fromkeys(STACKS, [])
    assert proc.returncode == 0, proc.stdout
    assert {s["stack"]: s["notEvaluated"] for s in report["stacks"]} == dict.fromkeys(STACKS, [])


@pytest.mark.parametrize("stack", STACKS)
def test_the_service_sits_on_the_platforms_listener_cluster_and_subnets_behind_its_alb_sg(stack: str, orders,
                                                                                          platform: PlatformRun):
    _, _, _, recordings = orders
    resources = json.loads((recordings / f"{stack}.json").read_text())["resources"]
    out = platform.stack(stack)["outputs"]

    def named(type_: str, name: str) -> dict:
        [found] = [r for r in resources if r["type"] == type_ and r["name"] == name]
        return found

    task_sg = named("aws:ec2/securityGroup:SecurityGroup", "orders-sg")
    ingress, egress = named(INGRESS, "orders-from-alb"), named(EGRESS, "orders-alb-to-targets")
    assert (ingress["inputs"]["securityGroupId"], ingress["inputs"]["referencedSecurityGroupId"]) == \
        (task_sg["id"], out["albSecurityGroupId"]), ingress["urn"]
    assert (egress["inputs"]["securityGroupId"], egress["inputs"]["referencedSecurityGroupId"]) == \
        (out["albSecurityGroupId"], task_sg["id"]), egress["urn"]
    assert task_sg["inputs"]["vpcId"] == out["vpcId"], task_sg["urn"]

    rule = named("aws:lb/listenerRule:ListenerRule", "orders")
    assert rule["inputs"]["listenerArn"] == out["albListenerArn"], rule["urn"]
    span = out["reservedListenerPriorities"]
    assert span["min"] <= rule["inputs"]["priority"] <= span["max"], rule["urn"]
    service = named("aws:ecs/service:Service", "orders")
    assert service["inputs"]["cluster"] == out["clusterArn"], service["urn"]
    assert service["inputs"]["networkConfiguration"]["subnets"] == out["privateSubnetIds"], service["urn"]
    [strategy] = service["inputs"]["capacityProviderStrategies"]
    assert strategy["capacityProvider"] in out["fargateCapacityProviders"], service["urn"]
    log_group = named("aws:cloudwatch/logGroup:LogGroup", "orders")
    assert log_group["inputs"]["name"] == f"{out['logGroupPrefix']}orders", log_group["urn"]

    to_endpoints = [r for r in resources if r["type"] == INGRESS and r["name"] == "orders-to-endpoints"]
    if "endpointsSecurityGroupId" in out:
        [admitted] = to_endpoints
        assert (admitted["inputs"]["securityGroupId"], admitted["inputs"]["referencedSecurityGroupId"]) == \
            (out["endpointsSecurityGroupId"], task_sg["id"]), admitted["urn"]
    else:
        assert to_endpoints == []


def test_a_report_without_an_output_fails_the_run_naming_reference_and_output(orders, platform: PlatformRun,
                                                                                 tmp_path):
    project, _, _, _ = orders
    report = json.loads(platform.report_path.read_text())
    next(s for s in report["stacks"] if s["stack"] == "dev")["outputs"].pop("albListenerArn")
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(report))
    proc, result = consumer_preflight(project, stale, "--stack", "dev", out=tmp_path / "orders.json")
    assert proc.returncode == 2 and _stack(result, "dev")["exitCode"] == 2
    assert (f"stack reference '{ORG}/container-platform/dev' has no output 'albListenerArn'"
            in _stack(result, "dev")["error"])

"""The real program, run per stack: the exported contract, and bad config failing before any registration.

The program grows (load balancer, services); these tests hold only the contract, not resource counts.
"""

from __future__ import annotations

import ipaddress
import json
import runpy
from pathlib import Path

import pulumi
import pytest

import settings
from preflight import engine, stackconfig
from tests.mocks import of_type, record, record_failure

ROOT = Path(__file__).resolve().parents[1]
STACKS = ("dev", "staging", "prod")
P = f"{settings.PROJECT}:"
EXPORTS = {"region", "vpcId", "vpcCidr", "publicSubnetIds", "privateSubnetIds", "repositoryUrls", "fileSystemIds",
           "accessPointIds"}
SUBNET = "aws:ec2/subnet:Subnet"


def program() -> None:
    runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")


def stack_config(stack: str, **changes: str | None) -> dict[str, str]:
    """The stack's merged config; keyword names are keys of the project's namespace, or aws_region (None removes a
    key; tests.mocks.record puts a removed aws:region back, so an empty one stands for a missing one)."""
    values = dict(stackconfig.load(ROOT, stack).values)
    for name, value in changes.items():
        key = "aws:region" if name == "aws_region" else f"{P}{name}"
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    return values


@pytest.mark.parametrize("stack", STACKS)
def test_exports_the_contract(stack: str):
    config = stack_config(stack)
    expected = settings.load(stack, config)
    rec = record(program, stack=stack, config=config)

    assert EXPORTS <= set(rec.outputs), f"{stack}: missing exports {EXPORTS - set(rec.outputs)}"
    out = rec.outputs
    assert out["region"] == expected.region
    assert out["vpcCidr"] == expected.network.cidr
    [vpc] = [r for r in rec.by_type("aws:ec2/vpc:Vpc") if r.id == out["vpcId"]]
    assert vpc.inputs["cidrBlock"] == expected.network.cidr, vpc.urn

    subnets = {r.id: r for r in of_type(rec, SUBNET)}
    network = ipaddress.ip_network(expected.network.cidr)
    for key in ("publicSubnetIds", "privateSubnetIds"):
        ids = out[key]
        assert len(ids) == expected.network.az_count, f"{stack}: {key} = {ids}"
        assert set(ids) <= set(subnets), f"{stack}: {key} names subnets that were not registered: {ids}"
        zones = {subnets[i].inputs["availabilityZone"] for i in ids}
        assert len(zones) == expected.network.az_count, f"{stack}: {key} does not span {expected.network.az_count} " \
                                                        f"zones: {zones}"
        for i in ids:
            r = subnets[i]
            assert r.inputs["vpcId"] == vpc.id, r.urn
            assert ipaddress.ip_network(r.inputs["cidrBlock"]).subnet_of(network), r.urn
    assert not set(out["publicSubnetIds"]) & set(out["privateSubnetIds"]), stack


@pytest.mark.parametrize("stack", STACKS)
def test_exports_exist_in_a_preview(stack: str):
    rec = record(program, stack=stack, config=stack_config(stack), preview=True)
    assert EXPORTS <= set(rec.outputs), f"{stack}: missing exports {EXPORTS - set(rec.outputs)}"
    assert rec.outputs["region"] == "eu-west-1"
    assert rec.outputs["vpcCidr"] == settings.load(stack, stack_config(stack)).network.cidr


def test_resources_use_the_stack_provider():
    """Every AWS resource goes through the explicit provider, which carries the region and the default tags."""
    rec = record(program, stack="prod", config=stack_config("prod"))
    [provider] = rec.by_type("pulumi:providers:aws")
    assert provider.inputs["region"] == "eu-west-1", provider.urn
    tags = json.loads(provider.inputs["defaultTags"])["tags"]  # provider inputs travel as JSON strings
    assert tags == {"cost-center": "platform", "project": "container-platform", "stack": "prod",
                    "managed-by": "pulumi"}, provider.urn
    for r in rec.resources:
        if r.custom and r.type.startswith("aws:"):
            assert r.provider.startswith(provider.urn + "::"), r.urn


@pytest.mark.parametrize(("stack", "changes", "message"), [
    ("prod", {"azCount": "1"}, "Pulumi.prod.yaml: container-platform:azCount must be 2..6 (got 1)"),
    ("dev", {"albAllowPlainHttp": None},
     "Pulumi.dev.yaml: container-platform:albCertificateArn must be set unless container-platform:albAllowPlainHttp "
     "is true (HTTP only with explicit consent)"),
    ("staging", {"natStrategey": "none"},
     "Pulumi.staging.yaml: unknown key container-platform:natStrategey; did you mean container-platform:natStrategy?"),
    ("prod", {"aws_region": ""}, "Pulumi.prod.yaml: aws:region must be set to an AWS region such as eu-west-1 "
                                   "(one botocore knows) (got null)"),
    ("dev", {"services": '[{"name": "web", "launchType": "ec2", "image": "nginx:1.27", "priority": 49000, '
                         '"path": "/*", "minCount": 1, "desiredCount": 1}]'},
     "Pulumi.dev.yaml: container-platform:services[web] cannot roll out with 1 task(s) at minHealthyPercent 50 and "
     "maxPercent 100: ECS rounds the minimum up and the maximum down, so no task can be replaced; raise minCount, "
     "lower minHealthyPercent or raise maxPercent"),
], ids=["range", "certificate", "unknown-key", "region", "rollout"])
@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_bad_config_fails_before_any_registration(stack: str, changes: dict[str, str | None], message: str,
                                                  preview: bool):
    exc, registered = record_failure(program, stack=stack, config=stack_config(stack, **changes), preview=preview)
    assert isinstance(exc, pulumi.RunError), repr(exc)
    assert str(exc) == message
    assert registered == [], [r.urn for r in registered]


def test_more_zones_than_the_region_has_fails(monkeypatch: pytest.MonkeyPatch):
    """The zone check needs the provider (an invoke), so only the provider is registered before it fails."""
    stock = engine.PlatformMocks.call

    def two_zones(self: engine.PlatformMocks, args):  # noqa: ANN001 - pulumi's MockCallArgs
        result = stock(self, args)
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            result = {**result, "names": result["names"][:2], "zoneIds": result["zoneIds"][:2]}
        return result

    monkeypatch.setattr(engine.PlatformMocks, "call", two_zones)
    exc, registered = record_failure(program, stack="prod", config=stack_config("prod"))
    assert isinstance(exc, pulumi.RunError), repr(exc)
    assert str(exc) == ("Pulumi.prod.yaml: container-platform:azCount must be at most 2, the zones available in "
                        "eu-west-1 (got 3)")
    assert [r.type for r in registered] == ["pulumi:providers:aws"], [r.urn for r in registered]


# ---- destroy order, private-only networks ------------------------------------------------------------------------

SERVICE = "aws:ecs/service:Service"
GROUP = "aws:autoscaling/group:Group"
CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
ASSOCIATION = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"


def test_prod_destroy_removes_services_then_capacity_provider_then_the_group():
    """`pulumi destroy` deletes a resource only after everything that depends on it: services first, then the
    cluster's capacity provider association, the capacity provider, and last the force-deleted group, whose
    instances are protected from scale-in in prod."""
    rec = record(program, stack="prod", config=stack_config("prod"))
    [group] = rec.by_type(GROUP)
    [provider] = rec.by_type(CAPACITY_PROVIDER)
    [association] = rec.by_type(ASSOCIATION)
    assert group.inputs["forceDelete"] is True and group.inputs["protectFromScaleIn"] is True, group.urn
    assert group.urn in provider.dependencies, provider.urn
    assert provider.urn in association.dependencies, association.urn
    services = rec.by_type(SERVICE)
    assert services
    for service in services:
        assert {association.urn, provider.urn, group.urn} <= set(service.dependencies), service.urn


def test_a_private_only_stack_reaches_aws_through_endpoints_from_every_workload():
    config = stack_config("dev", natStrategy="none")
    rec = record(program, stack="dev", config=config)
    assert rec.by_type("aws:ec2/natGateway:NatGateway") == []
    endpoints = [r for r in rec.by_type("aws:ec2/vpcEndpoint:VpcEndpoint")
                 if r.inputs["vpcEndpointType"] == "Interface"]
    assert {e.inputs["serviceName"].rsplit(".", 1)[-1] for e in endpoints} >= {"ecs-agent", "secretsmanager"}
    [endpoint_sg] = [r for r in rec.by_type("aws:ec2/securityGroup:SecurityGroup") if "endpoints" in r.name]
    admitted = {r.property_dependencies["referencedSecurityGroupId"][0]
                for r in rec.by_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                if r.inputs["securityGroupId"] == endpoint_sg.id}
    workload_sgs = {r.urn for r in rec.by_type("aws:ec2/securityGroup:SecurityGroup")
                    if r.name in ("capacity-sg", "api-sg", "ingest-sg", "cleanup-sg", "jobs-sg")}
    assert admitted == workload_sgs
    assert {e.inputs["serviceName"].rsplit(".", 1)[-1] for e in endpoints} >= {"sqs"}  # the workers' queues


def test_stacks_with_nat_build_no_interface_endpoints_unless_asked():
    rec = record(program, stack="staging", config=stack_config("staging"))
    endpoints = rec.by_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert [r.inputs["vpcEndpointType"] for r in endpoints] == ["Gateway", "Gateway"]
    # S3's, and DynamoDB's for the pipelines' tables
    assert {r.inputs["serviceName"].rsplit(".", 1)[-1] for r in endpoints} == {"s3", "dynamodb"}


def test_exec_adds_the_ssm_messages_endpoint_only_when_a_service_uses_it():
    from areas.network import interface_endpoints

    base = settings.load("dev", stack_config("dev", natStrategy="none"))
    assert "ssmmessages" not in interface_endpoints(base)
    services = json.loads(stack_config("dev")[f"{P}services"])
    services[0]["enableExecuteCommand"] = True
    with_exec = settings.load("dev", stack_config("dev", natStrategy="none", services=json.dumps(services)))
    assert "ssmmessages" in interface_endpoints(with_exec)
    assert interface_endpoints(settings.load("dev", stack_config("dev"))) == ()


def test_prod_reaches_the_apis_fsbp_names_through_endpoints_despite_nat():
    rec = record(program, stack="prod", config=stack_config("prod"))
    services = {r.inputs["serviceName"].removeprefix("com.amazonaws.eu-west-1.")
                for r in rec.by_type("aws:ec2/vpcEndpoint:VpcEndpoint") if r.inputs["vpcEndpointType"] == "Interface"}
    assert {"ec2", "ecr.api", "ecr.dkr", "ssm", "ssm-contacts", "ssm-incidents"} <= services
    assert len(rec.by_type("aws:ec2/natGateway:NatGateway")) == 3


# ---- images and shared files -------------------------------------------------------------------------------------

TASK = "aws:ecs/taskDefinition:TaskDefinition"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
REPOSITORY = "aws:ecr/repository:Repository"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def _by_name(rec, resource_type: str, name: str):
    [found] = [r for r in rec.by_type(resource_type) if r.name == name]
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_exports_map_repositories_file_systems_and_access_points(stack: str):
    rec = record(program, stack=stack, config=stack_config(stack))
    repository, fs = rec.by_type(REPOSITORY)[0], rec.by_type(FILE_SYSTEM)[0]
    assert rec.outputs["repositoryUrls"] == {"api": repository.outputs["repositoryUrl"]}
    assert repository.inputs["name"] == f"{stack}/api", repository.urn
    assert rec.outputs["fileSystemIds"] == {"shared": fs.id}
    assert rec.outputs["accessPointIds"] == {"shared": {"assets": _by_name(rec, ACCESS_POINT, "shared-assets").id}}
    assert rec.outputs["services"]["api"]["repositoryUrl"] == repository.outputs["repositoryUrl"]
    assert rec.outputs["services"]["web"]["repositoryUrl"] is None


@pytest.mark.parametrize("stack", STACKS)
def test_an_ec2_and_a_fargate_service_share_one_volume(stack: str):
    """web (EC2, bridge) serves what api (Fargate) writes: both task definitions mount the same access point of the
    same file system with TLS and IAM; the mount targets admit NFS from exactly the instances and api's tasks; each
    task role may mount only through that access point, and only api may write."""
    rec = record(program, stack=stack, config=stack_config(stack))
    fs, access_point = rec.by_type(FILE_SYSTEM)[0], _by_name(rec, ACCESS_POINT, "shared-assets")
    for service, read_only in (("web", True), ("api", False)):
        task = _by_name(rec, TASK, service)
        assert task.inputs["volumes"] == [{"name": "shared-assets", "efsVolumeConfiguration": {
            "fileSystemId": fs.id, "transitEncryption": "ENABLED",
            "authorizationConfig": {"accessPointId": access_point.id, "iam": "ENABLED"}}}], task.urn
        assert {fs.urn, access_point.urn} == set(task.property_dependencies["volumes"]), task.urn
        [definition] = json.loads(task.inputs["containerDefinitions"])
        assert [m["readOnly"] for m in definition["mountPoints"]] == [read_only], task.urn
        [policy] = [p for p in rec.by_type(ROLE_POLICY) if p.name == f"{service}-task"]
        efs = [st for st in json.loads(policy.inputs["policy"])["Statement"]
               if any(a.startswith("elasticfilesystem:") for a in st["Action"])]
        assert efs == [{"Effect": "Allow",
                        "Action": ["elasticfilesystem:ClientMount"] + ([] if read_only else
                                                                       ["elasticfilesystem:ClientWrite"]),
                        "Resource": [fs.outputs["arn"]],
                        "Condition": {"StringEquals": {"elasticfilesystem:AccessPointArn":
                                                       access_point.outputs["arn"]}}}], policy.urn

    mount_sg = _by_name(rec, SG, "shared-mt-sg")
    clients = {_by_name(rec, SG, "capacity-sg").urn, _by_name(rec, SG, "api-sg").urn}
    ingress = [r for r in rec.by_type(INGRESS) if r.property_dependencies["securityGroupId"] == [mount_sg.urn]]
    assert {r.property_dependencies["referencedSecurityGroupId"][0] for r in ingress} == clients
    for rule in ingress:
        assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 2049, 2049)
        assert not {"cidrIpv4", "cidrIpv6", "prefixListId"} & set(rule.inputs), rule.urn
    egress = [r for r in rec.by_type(EGRESS) if r.property_dependencies.get("referencedSecurityGroupId") ==
              [mount_sg.urn]]
    assert {r.property_dependencies["securityGroupId"][0] for r in egress} == clients

    targets = rec.by_type(MOUNT_TARGET)
    private = set(rec.outputs["privateSubnetIds"])
    assert sorted(t.inputs["subnetId"] for t in targets) == sorted(private)
    for service in (r for r in rec.by_type(SERVICE) if r.name in ("web", "api")):  # the services that mount it
        assert {t.urn for t in targets} <= set(service.dependencies), service.urn


def test_prod_backs_up_the_file_system_and_protects_it_and_the_repository():
    rec = record(program, stack="prod", config=stack_config("prod"))
    fs, repository = rec.by_type(FILE_SYSTEM)[0], rec.by_type(REPOSITORY)[0]
    [backup] = rec.by_type("aws:efs/backupPolicy:BackupPolicy")
    assert backup.inputs["backupPolicy"] == {"status": "ENABLED"}, backup.urn
    assert fs.protect and repository.protect and repository.inputs["forceDelete"] is False
    assert repository.inputs["encryptionConfigurations"] == [{"encryptionType": "AES256"}], repository.urn
    [scanning] = rec.by_type("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration")
    assert scanning.inputs["scanType"] == "ENHANCED", scanning.urn


def test_the_api_repository_keeps_the_identity_it_had_under_its_service():
    from areas.storage import previous_owner, running_tags
    from components.ecs import fargate_service

    for stack in STACKS:
        config = settings.load(stack, stack_config(stack))
        assert previous_owner(config, "api") == fargate_service.TYPE, stack
        assert running_tags(config, "api") == (config.services[1].image_tag,), stack


def test_efs_needs_no_endpoint_without_nat():
    """Mount targets live in the VPC and resolve through its DNS; the mount helper signs with the task role's
    credentials from the ECS agent and calls no AWS API: no EFS or extra STS endpoint."""
    from areas.network import interface_endpoints
    from components.network.endpoints import ECS_SERVICES

    config = stack_config("dev", natStrategy="none")
    assert "elasticfilesystem" not in interface_endpoints(settings.load("dev", config))
    assert set(interface_endpoints(settings.load("dev", config))) == {*ECS_SERVICES, "sqs"}  # sqs: the worker
    rec = record(program, stack="dev", config=config)
    assert len(rec.by_type(MOUNT_TARGET)) == 2
    services = {e.inputs["serviceName"].rsplit(".", 1)[-1] for e in rec.by_type("aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert "elasticfilesystem" not in services


# ---- pipelines, scheduled tasks, workers ----------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_exports_the_pipelines_and_workers_of_every_stack(stack: str):
    rec = record(program, stack=stack, config=stack_config(stack))
    expected = settings.load(stack, stack_config(stack))
    out = rec.outputs

    def one_with(resource_type: str, attr: str, value: str):
        found = [r for r in rec.by_type(resource_type) if r.outputs.get(attr) == value]
        assert len(found) == 1, f"{stack}: {resource_type} with {attr} {value!r}: {[r.urn for r in found]}"
        return found[0]

    assert set(out["pipelines"]) == {p.name for p in expected.pipelines} == {"ingest"}, stack
    for name, exported in out["pipelines"].items():
        bucket = one_with("aws:s3/bucket:Bucket", "bucket", exported["bucketName"])
        table = one_with("aws:dynamodb/table:Table", "name", exported["tableName"])
        rule = one_with("aws:cloudwatch/eventRule:EventRule", "arn", exported["ruleArn"])
        one_with("aws:sqs/queue:Queue", "url", exported["deadLetterQueueUrl"])
        for r in (bucket, table, rule):
            assert f"platform:events:ObjectPipeline::{name}" in r.parent, r.urn
    assert set(out["workers"]) == {w.name for w in expected.workers} == {"jobs"}, stack
    for name, exported in out["workers"].items():
        queue = one_with("aws:sqs/queue:Queue", "url", exported["queueUrl"])
        assert queue.outputs["arn"] == exported["queueArn"], queue.urn
        assert f"platform:queue:QueueWorker::{name}" in queue.parent, queue.urn
        one_with("aws:ecs/service:Service", "name", exported["serviceName"])
    assert set(out["scheduledTasks"]) == {t.name for t in expected.scheduled_tasks}, stack


@pytest.mark.parametrize("stack", STACKS)
def test_pipeline_and_worker_tasks_start_after_the_capacity_providers_are_associated(stack: str):
    rec = record(program, stack=stack, config=stack_config(stack))
    [association] = rec.by_type(ASSOCIATION)
    starters = [*rec.by_type("aws:cloudwatch/eventTarget:EventTarget"),
                *[s for s in rec.by_type(SERVICE) if "QueueWorker" in s.parent]]
    assert starters
    for r in starters:
        assert association.urn in r.dependencies, r.urn


def test_pipelines_get_a_dynamodb_gateway_endpoint_only_when_there_are_some():
    from areas.network import gateway_endpoints, interface_endpoints

    assert gateway_endpoints(settings.load("dev", stack_config("dev"))) == ("dynamodb",)
    assert gateway_endpoints(settings.load("dev", stack_config("dev", pipelines="[]"))) == ()
    private = settings.load("dev", stack_config("dev", natStrategy="none"))
    assert "sqs" in interface_endpoints(private)
    assert "sqs" not in interface_endpoints(settings.load("dev", stack_config("dev", natStrategy="none",
                                                                                 workers="[]")))

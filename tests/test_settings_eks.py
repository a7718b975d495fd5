"""EKS settings: what each stack enables, and every value EKS would refuse refused at its edge, naming the key."""

from __future__ import annotations

import json
from typing import Any

import pytest

import settings
from areas.network import interface_endpoints
from components.network.endpoints import EKS_SERVICES
from settings.eks import NODE_GROUP_NAME_MAX
from tests.test_settings import P, error, raw

GROUPS = f"{P}eksNodeGroups"
ADMIN = "arn:aws:iam::123456789012:role/platform-admin"


def groups(**changes: Any) -> str:
    """Prod's node groups with the general group's keys changed (None removes a key)."""
    found = json.loads(raw("prod")[GROUPS])
    for key, value in changes.items():
        if value is None:
            found[0].pop(key, None)
        else:
            found[0][key] = value
    return json.dumps(found)


def load(stack: str = "prod", **changes: str | None) -> settings.EksSettings:
    return settings.load(stack, raw(stack, {f"{P}{k}": v for k, v in changes.items()})).eks


def fails(stack: str = "prod", **changes: str | None) -> str:
    return error(stack, {f"{P}{k}": v for k, v in changes.items()})


# ---- the stacks ------------------------------------------------------------------------------------------------


def test_dev_has_no_cluster():
    assert load("dev") == settings.EksSettings(enabled=False)


@pytest.mark.parametrize(("stack", "instance_type", "sizes"), [
    ("staging", "t3.large", (2, 2, 4)),
    ("prod", "m6i.large", (3, 3, 9)),
])
def test_staging_and_prod_run_a_cluster(stack: str, instance_type: str, sizes: tuple[int, int, int]):
    eks = load(stack)
    assert (eks.enabled, eks.cluster_name, eks.version, eks.admin_role_arn) == \
        (True, f"container-platform-{stack}", "1.35", ADMIN)
    assert eks.public_access_cidrs == ()
    [group] = eks.node_groups
    assert (group.name, group.instance_types, group.spot, group.arm64) == ("general", (instance_type,), False, False)
    assert (group.min_size, group.desired_size, group.max_size) == sizes


def test_enabling_eks_in_dev_needs_an_admin_role_and_node_groups():
    assert fails("dev", eksEnabled="true") == (
        "Pulumi.dev.yaml: container-platform:eksAdminRoleArn must be set when container-platform:eksEnabled is true "
        "(the IAM role that administers the cluster)")
    assert fails("dev", eksEnabled="true", eksAdminRoleArn=ADMIN) == (
        "Pulumi.dev.yaml: container-platform:eksNodeGroups must list at least one node group when "
        "container-platform:eksEnabled is true (got [])")


def test_a_disabled_cluster_ignores_the_other_keys():
    assert load("prod", eksEnabled="false") == settings.EksSettings(enabled=False)


# ---- cluster keys --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("arn", [
    "arn:aws:iam::123456789012:role/a",
    "arn:aws:iam::123456789012:role/teams/platform/" + "r" * 64,
])
def test_admin_role_arns_are_accepted(arn: str):
    assert load(eksAdminRoleArn=arn).admin_role_arn == arn


@pytest.mark.parametrize("arn", [
    "arn:aws:iam::123456789012:user/alice",
    "arn:aws-cn:iam::123456789012:role/platform-admin",
    "arn:aws:iam::12345678901:role/platform-admin",
    "arn:aws:iam::123456789012:role/" + "r" * 65,
    "platform-admin",
])
def test_other_arns_are_refused(arn: str):
    assert fails(eksAdminRoleArn=arn) == (
        f"Pulumi.prod.yaml: container-platform:eksAdminRoleArn must be the ARN of an IAM role in partition aws "
        f"(arn:aws:iam::<account>:role/<name>) (got {json.dumps(arn)})")


@pytest.mark.parametrize("version", ["1.35", "1.9", "1.100"])
def test_minor_versions_are_accepted_here(version: str):
    assert load(eksVersion=version).version == version


@pytest.mark.parametrize("version", ["1.35.2", "v1.35", "1", "latest", "1.035"])
def test_other_versions_are_refused(version: str):
    assert fails(eksVersion=version) == (
        f'Pulumi.prod.yaml: container-platform:eksVersion must be a Kubernetes minor version such as 1.35 '
        f'(got "{version}")')


def test_public_endpoint_cidrs_up_to_eks_limit():
    cidrs = [f"203.0.113.{i}/32" for i in range(40)]
    assert load(eksPublicAccessCidrs=json.dumps(cidrs)).public_access_cidrs == tuple(cidrs)
    too_many = [*cidrs, "198.51.100.0/24"]
    assert fails(eksPublicAccessCidrs=json.dumps(too_many)) == (
        f"Pulumi.prod.yaml: container-platform:eksPublicAccessCidrs must have at most 40 CIDR blocks (EKS's limit) "
        f"(got {json.dumps(too_many)})")


@pytest.mark.parametrize(("cidrs", "message"), [
    (["0.0.0.0/0"], "must name the networks that may reach the public endpoint, not 0.0.0.0/0 (leave it empty to "
                    "turn the public endpoint off)"),
    (["2001:db8::/32"], "must be a list of IPv4 CIDR blocks ('2001:db8::/32' is not one)"),
    (["10.0.0.1/8"], "must be a list of IPv4 CIDR blocks ('10.0.0.1/8' is not one)"),
])
def test_public_endpoint_cidrs_that_eks_or_the_platform_refuse(cidrs: list[str], message: str):
    assert fails(eksPublicAccessCidrs=json.dumps(cidrs)) == \
        f"Pulumi.prod.yaml: container-platform:eksPublicAccessCidrs {message} (got {json.dumps(cidrs)})"


def test_every_accepted_stack_name_makes_a_valid_cluster_name():
    """Settings accept stack names of up to 32 lowercase letters, digits and hyphens: the cluster's name
    ``container-platform-<stack>`` stays within EKS's 100 characters."""
    longest = "a" * 32
    eks = settings.load(longest, raw("prod")).eks
    assert eks.enabled and eks.cluster_name == f"container-platform-{longest}" and len(eks.cluster_name) <= 100


def test_tags_leave_room_for_the_subnets_kubernetes_tag():
    tags = {f"t{i}": "v" for i in range(44)}
    assert settings.load("prod", raw("prod", {f"{P}tags": json.dumps(tags)})).eks.enabled
    tags["t44"] = "v"
    assert fails(tags=json.dumps(tags)) == (
        "Pulumi.prod.yaml: container-platform:tags must have at most 44 tags when container-platform:eksEnabled is "
        "true: private subnets also carry a Kubernetes load balancer tag (AWS allows 50 per resource)")
    assert settings.load("dev", raw("dev", {f"{P}tags": json.dumps(tags)})).tags == tags


# ---- node groups ---------------------------------------------------------------------------------------------

G = "Pulumi.prod.yaml: container-platform:eksNodeGroups[general]"


def test_defaults_of_a_node_group():
    [group] = load(eksNodeGroups=groups(diskSize=None, spot=None)).node_groups
    assert (group.disk_size, group.spot) == (50, False)


def test_the_longest_node_group_name_fits_eks():
    name = "g" * NODE_GROUP_NAME_MAX
    assert NODE_GROUP_NAME_MAX == 36
    assert load(eksNodeGroups=groups(name=name)).node_groups[0].name == name
    too_long = name + "g"
    assert fails(eksNodeGroups=groups(name=too_long)) == (
        f'Pulumi.prod.yaml: container-platform:eksNodeGroups[{too_long}].name must be lowercase letters, digits and '
        f"hyphens, starting with a letter, up to 36 characters (EKS's 63 less the provider's unique suffix) "
        f'(got "{too_long}")')


@pytest.mark.parametrize(("changes", "message"), [
    ({"instanceTypes": []}, 'instanceTypes must list one or more distinct EC2 instance types (got [])'),
    ({"instanceTypes": ["m6i.large", "m6i.large"]},
     'instanceTypes must list one or more distinct EC2 instance types (got ["m6i.large", "m6i.large"])'),
    ({"instanceTypes": ["m6i.larg"]},
     "instanceTypes must list EC2 instance types ('m6i.larg' is not one; did you mean m6i.large?) "
     '(got ["m6i.larg"])'),
    ({"instanceTypes": ["m6i.large", "m7g.large"]},
     'instanceTypes must be all x86_64 or all Graviton (arm64): a node group runs one AMI '
     '(got ["m6i.large", "m7g.large"])'),
    ({"minSize": -1}, "minSize must be 0..450 (got -1)"),
    ({"maxSize": 0, "minSize": 0, "desiredSize": 0}, "maxSize must be 1..450 (EKS's limit per managed node group) "
                                                     "(got 0)"),
    ({"maxSize": 451}, "maxSize must be 1..450 (EKS's limit per managed node group) (got 451)"),
    ({"minSize": 10}, "minSize must not exceed maxSize (9) (got 10)"),
    ({"desiredSize": 2}, "desiredSize must be between minSize (3) and maxSize (9) (got 2)"),
    ({"desiredSize": 10}, "desiredSize must be between minSize (3) and maxSize (9) (got 10)"),
    ({"diskSize": 19}, "diskSize must be 20..16384 GiB (got 19)"),
    ({"diskSize": 16385}, "diskSize must be 20..16384 GiB (got 16385)"),
    ({"spot": "yes"}, 'spot must be a boolean (got "yes")'),
], ids=["no-types", "repeated-types", "unknown-type", "mixed-arch", "min-negative", "max-zero", "max-over",
        "min-over-max", "desired-low", "desired-high", "disk-small", "disk-large", "spot-type"])
def test_node_group_values_eks_refuses(changes: dict[str, Any], message: str):
    assert fails(eksNodeGroups=groups(**changes)) == f"{G}.{message}"


@pytest.mark.parametrize("changes", [
    {"minSize": 0, "desiredSize": 0, "maxSize": 1}, {"minSize": 450, "desiredSize": 450, "maxSize": 450},
    {"diskSize": 20}, {"diskSize": 16384}, {"instanceTypes": ["m7g.large", "c7g.xlarge"]},
], ids=["smallest", "largest", "disk-min", "disk-max", "graviton"])
def test_node_group_values_at_their_edges_are_accepted(changes: dict[str, Any]):
    [group] = load(eksNodeGroups=groups(**changes)).node_groups
    assert group.arm64 == ("instanceTypes" in changes)


def test_node_group_keys_are_checked():
    assert fails(eksNodeGroups=groups(maxSise=3)) == (
        "Pulumi.prod.yaml: unknown key container-platform:eksNodeGroups[general].maxSise; did you mean maxSize?")
    assert fails(eksNodeGroups=groups(maxSize=None)) == f"{G}.maxSize is required"
    assert fails(eksNodeGroups='["general"]') == (
        'Pulumi.prod.yaml: container-platform:eksNodeGroups[0] must be a mapping of node group keys (got "general")')


def test_node_group_names_are_unique():
    two = json.loads(groups())
    two.append(dict(two[0]))
    assert fails(eksNodeGroups=json.dumps(two)) == \
        "Pulumi.prod.yaml: container-platform:eksNodeGroups must have unique names (general appears twice)"


# ---- without NAT -----------------------------------------------------------------------------------------------


def test_a_private_only_stack_with_eks_gets_the_endpoints_nodes_need():
    with_eks = interface_endpoints(settings.load("staging", raw("staging", {f"{P}natStrategy": "none"})))
    assert set(EKS_SERVICES) <= set(with_eks) and len(with_eks) == len(set(with_eks))
    without = interface_endpoints(settings.load("dev", raw("dev", {f"{P}natStrategy": "none"})))
    assert not {"ec2", "eks", "eks-auth"} & set(without)

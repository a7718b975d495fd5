"""EksNodeGroup built directly under the mocks: its launch template, the pulumi-eks managed node group's inputs (a
remote component: the EKS node group it builds is not registered here) and the transform that sets its update
config."""

from __future__ import annotations

import functools

import pulumi
import pulumi_eks as eks
import pytest

from components.eks.node_group import MAX_UNAVAILABLE, TYPE, EksNodeGroup, EksNodeGroupArgs
from preflight.engine import ACCOUNT_ID, Recording
from tests.mocks import context, one, record, record_failure

TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
NODE_GROUP = "eks:index:ManagedNodeGroup"
SUBNETS = ["subnet-a", "subnet-b"]
NODE_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/nodes"
TAGS = {"team": "platform"}


def program(spot: bool = False, arm64: bool = False, types: tuple[str, ...] = ("m6i.large",), sizes=(3, 3, 9),
            name: str = "general", with_dependency: bool = False):
    def run() -> None:
        cluster = eks.Cluster("k8s", skip_default_node_group=True)
        ready = (pulumi.CustomResource("test:index:Ready", "ready"),) if with_dependency else ()
        EksNodeGroup("k8s-general", EksNodeGroupArgs(
            context=context(tags=TAGS), cluster=cluster, node_group_name=name, version="1.35",
            node_role_arn=NODE_ROLE, subnet_ids=SUBNETS, instance_types=types, min_size=sizes[0],
            desired_size=sizes[1], max_size=sizes[2], disk_size=80, spot=spot, arm64=arm64,
            labels={"platform/node-group": name}, depends_on=ready))
    return run


@functools.cache
def build(**changes) -> Recording:
    return record(program(**changes))


def test_launch_template_requires_imdsv2_with_hop_limit_one_and_encrypts_the_root_volume():
    template = one(build(), TEMPLATE)
    assert template.inputs["metadataOptions"] == {"httpEndpoint": "enabled", "httpTokens": "required",
                                                  "httpPutResponseHopLimit": 1.0}, template.urn
    assert template.inputs["blockDeviceMappings"] == [{"deviceName": "/dev/xvda", "ebs": {
        "volumeSize": 80.0, "volumeType": "gp3", "encrypted": "true", "deleteOnTermination": "true"}}]


def test_launch_template_has_no_ssh_key_ami_or_network_interfaces():
    template = one(build(), TEMPLATE)
    assert not {"keyName", "imageId", "networkInterfaces", "vpcSecurityGroupIds", "userData",
                "iamInstanceProfile"} & set(template.inputs), template.urn


def test_launch_template_tags_what_the_nodes_launch():
    template = one(build(), TEMPLATE)
    specs = template.inputs["tagSpecifications"]
    assert {s["resourceType"] for s in specs} == {"instance", "volume", "network-interface"}, template.urn
    assert all(s["tags"] == {**TAGS, "Name": "k8s-general"} for s in specs), template.urn


def test_node_group_inputs():
    rec = build()
    group, component = one(rec, NODE_GROUP), one(rec, TYPE)
    inputs = group.inputs
    assert group.remote and group.parent == component.urn, group.urn
    assert inputs["cluster"] == one(rec, "eks:index:Cluster").urn, group.urn
    assert inputs["nodeGroupNamePrefix"] == "general-" and "nodeGroupName" not in inputs, group.urn
    assert inputs["version"] == "1.35" and inputs["nodeRoleArn"] == NODE_ROLE, group.urn
    assert inputs["subnetIds"] == SUBNETS and inputs["instanceTypes"] == ["m6i.large"], group.urn
    assert (inputs["capacityType"], inputs["amiType"]) == ("ON_DEMAND", "AL2023_x86_64_STANDARD"), group.urn
    assert inputs["scalingConfig"] == {"minSize": 3.0, "desiredSize": 3.0, "maxSize": 9.0}, group.urn
    assert inputs["labels"] == {"platform/node-group": "general"}, group.urn
    assert not {"remoteAccess", "diskSize", "enableIMDSv2", "amiId", "userData"} & set(inputs), group.urn


def test_node_group_starts_from_the_latest_template_version():
    rec = build()
    group, template = one(rec, NODE_GROUP), one(rec, TEMPLATE)
    assert group.inputs["launchTemplate"] == {"id": template.id, "version": "1"}, group.urn
    assert template.urn in group.property_dependencies["launchTemplate"], group.urn


def test_spot_and_graviton():
    inputs = one(build(spot=True, arm64=True, types=("m7g.large", "m6g.large")), NODE_GROUP).inputs
    assert (inputs["capacityType"], inputs["amiType"]) == ("SPOT", "AL2023_ARM_64_STANDARD")
    assert inputs["instanceTypes"] == ["m7g.large", "m6g.large"]


def test_node_group_waits_for_what_it_is_given():
    rec = build(with_dependency=True)
    ready = one(rec, "test:index:Ready")
    assert ready.urn in one(rec, NODE_GROUP).dependencies


# ---- update config ----------------------------------------------------------------------------------------------


def transform_result(type_: str, props: dict):
    [transform] = one(build(), NODE_GROUP).transforms
    return transform(pulumi.ResourceTransformArgs(custom=True, type_=type_, name="k8s-general", props=props,
                                                  opts=pulumi.ResourceOptions()))


def test_transform_sets_the_update_config_on_the_eks_node_group():
    props = {"clusterName": "c", "scalingConfig": {"minSize": 3, "desiredSize": 3, "maxSize": 9}}
    result = transform_result("aws:eks/nodeGroup:NodeGroup", props)
    assert result.props == {**props, "updateConfig": {"maxUnavailable": MAX_UNAVAILABLE}}
    assert MAX_UNAVAILABLE == 1


def test_transform_replaces_a_wider_update_config_and_leaves_other_children_alone():
    result = transform_result("aws:eks/nodeGroup:NodeGroup", {"updateConfig": {"maxUnavailablePercentage": 50}})
    assert result.props == {"updateConfig": {"maxUnavailable": 1}}
    assert transform_result("aws:ec2/launchTemplate:LaunchTemplate", {"imageId": "ami-1"}) is None


# ---- validation ---------------------------------------------------------------------------------------------


def test_longest_name_fits_eks():
    group = one(build(name="g" * 36), NODE_GROUP)
    assert len(group.inputs["nodeGroupNamePrefix"]) + 26 == 63, group.urn


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": "g" * 37}, f"EksNodeGroup k8s-general: node_group_name must be letters, digits, hyphens and "
                         f"underscores, up to 36 characters (got {'g' * 37!r})"),
    ({"name": "-g"}, "EksNodeGroup k8s-general: node_group_name must be letters, digits, hyphens and underscores, up "
                     "to 36 characters (got '-g')"),
    ({"sizes": (3, 2, 9)}, "EksNodeGroup k8s-general: needs 0 <= min_size <= desired_size <= max_size <= 450 and "
                           "max_size >= 1 (got 3/2/9)"),
    ({"sizes": (0, 0, 0)}, "EksNodeGroup k8s-general: needs 0 <= min_size <= desired_size <= max_size <= 450 and "
                           "max_size >= 1 (got 0/0/0)"),
    ({"sizes": (1, 1, 451)}, "EksNodeGroup k8s-general: needs 0 <= min_size <= desired_size <= max_size <= 450 and "
                             "max_size >= 1 (got 1/1/451)"),
    ({"types": ()}, "EksNodeGroup k8s-general: instance_types must be distinct and not empty (got )"),
    ({"types": ("m6i.large", "m6i.large")}, "EksNodeGroup k8s-general: instance_types must be distinct and not "
                                            "empty (got m6i.large, m6i.large)"),
], ids=["name-long", "name-start", "desired-below-min", "max-zero", "max-over", "no-types", "repeated-types"])
def test_invalid_arguments_fail_before_the_node_group(changes, message):
    exc, registered = record_failure(program(**changes))
    assert isinstance(exc, ValueError) and str(exc) == message
    assert [r.type for r in registered] == ["eks:index:Cluster"]


def test_sizes_at_their_edges_are_accepted():
    assert one(build(sizes=(0, 0, 1)), NODE_GROUP).inputs["scalingConfig"] == \
        {"minSize": 0.0, "desiredSize": 0.0, "maxSize": 1.0}
    assert one(build(sizes=(450, 450, 450)), NODE_GROUP).inputs["scalingConfig"]["maxSize"] == 450.0


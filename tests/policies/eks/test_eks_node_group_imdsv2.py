import pytest
from guardrails.ec2._launch_template import LAUNCH_TEMPLATE
from guardrails.eks._eks import AWS_NODE_GROUP, NODE_GROUP
from guardrails.eks.eks_node_group_imdsv2 import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

SHAPES = pytest.mark.parametrize("group_type", [NODE_GROUP, AWS_NODE_GROUP], ids=["component", "resource"])
REQUIRED = {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}


def template(name: str = "nodes", options=None, **props) -> Res:
    return Res(LAUNCH_TEMPLATE, name, {"metadataOptions": REQUIRED if options is None else options, **props})


def group(group_type: str, spec=None, linked: str | None = "nodes", **props) -> Res:
    if spec is None:
        spec = {"id": UNKNOWN, "version": UNKNOWN}
    return Res(group_type, "general", {"launchTemplate": spec, **props},
               deps={"launchTemplate": [linked]} if linked else {})


@SHAPES
def test_linked_template_requiring_tokens_passes(group_type):
    assert check_stack(POLICY, [template(), group(group_type)]).violations == []


@SHAPES
def test_template_found_by_known_id_passes(group_type):
    resources = [template(id="lt-0123456789abcdef0"),
                 group(group_type, {"id": "lt-0123456789abcdef0", "version": "1"}, linked=None)]
    assert check_stack(POLICY, resources).violations == []


@SHAPES
def test_linked_template_with_optional_tokens_fails(group_type):
    resources = [template(options={"httpTokens": "optional"}), group(group_type)]
    assert check_stack(POLICY, resources).violations == [(
        "the nodes accept IMDSv1: their launch template 'nodes' has metadataOptions.httpTokens 'optional'; set it "
        "to 'required'.", urn(group_type, "general"))]


def test_linked_template_without_metadata_options_fails():
    resources = [template(options={}), group(NODE_GROUP)]
    [message] = check_stack(POLICY, resources).messages
    assert "httpTokens not set" in message


@SHAPES
def test_template_outside_the_stack_cannot_be_verified(group_type):
    resources = [template(id="lt-0aaaaaaaaaaaaaaaa"),
                 group(group_type, {"id": "lt-0bbbbbbbbbbbbbbbb", "version": "3"}, linked=None)]
    assert check_stack(POLICY, resources).messages == [
        "the node group's launch template is not part of this stack, so IMDSv2 on its nodes cannot be verified; use "
        "a launch template of the stack with metadataOptions.httpTokens 'required'."
    ]


@SHAPES
def test_eks_default_template_fails(group_type):
    resources = [Res(group_type, "general", {"instanceTypes": ["t3.medium"]})]
    assert check_stack(POLICY, resources).messages == [
        "the nodes start from EKS's default launch template, which accepts IMDSv1; give the node group a launch "
        "template with metadataOptions.httpTokens 'required' (or enableIMDSv2 on pulumi-eks)."
    ]


def test_pulumi_eks_own_template_with_imdsv2_passes_only_on_the_component():
    assert check_stack(POLICY, [Res(NODE_GROUP, "general", {"enableIMDSv2": True})]).violations == []
    assert check_stack(POLICY, [Res(NODE_GROUP, "general", {"enableIMDSv2": False})]).violations
    assert check_stack(POLICY, [Res(AWS_NODE_GROUP, "general", {"enableIMDSv2": True})]).violations


def test_disabled_metadata_service_passes():
    assert check_stack(POLICY, [template(options={"httpEndpoint": "disabled"}), group(NODE_GROUP)]).violations == []


def test_each_group_is_judged_by_its_own_template():
    resources = [template("good"), template("bad", options={"httpTokens": "optional"}),
                 Res(NODE_GROUP, "a", {"launchTemplate": {"id": UNKNOWN}}, deps={"launchTemplate": ["good"]}),
                 Res(NODE_GROUP, "b", {"launchTemplate": {"id": UNKNOWN}}, deps={"launchTemplate": ["bad"]})]
    assert [u for _, u in check_stack(POLICY, resources).violations] == [urn(NODE_GROUP, "b")]


def test_stacks_without_node_groups_pass():
    assert check_stack(POLICY, [template(options={"httpTokens": "optional"})]).violations == []

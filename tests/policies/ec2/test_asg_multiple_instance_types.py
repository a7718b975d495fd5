from guardrails.ec2.asg_multiple_instance_types import POLICY
from pulumi_policy import EnforcementLevel

from tests.policies.harness import UNKNOWN, check_resource

ASG = "aws:autoscaling/group:Group"


def mixed(*overrides):
    return {"mixedInstancesPolicy": {"launchTemplate": {"launchTemplateSpecification": {"launchTemplateId": UNKNOWN},
                                                        "overrides": list(overrides)}}}


def test_two_instance_types_pass():
    props = mixed({"instanceType": "m6i.large"}, {"instanceType": "m7i.large"})
    assert check_resource(POLICY, ASG, props).violations == []


def test_instance_requirements_pass():
    props = mixed({"instanceRequirements": {"vcpuCount": {"min": 2}, "memoryMib": {"min": 4096}}})
    assert check_resource(POLICY, ASG, props).violations == []


def test_launch_template_alone_fails():
    assert check_resource(POLICY, ASG, {"launchTemplate": {"id": UNKNOWN}}).messages == [
        "the Auto Scaling group can launch only its launch template's instance type; give it a mixedInstancesPolicy "
        "whose launchTemplate.overrides list at least 2 instance types (or instanceRequirements)."
    ]


def test_one_type_or_the_same_type_twice_fails():
    assert "can launch only m6i.large;" in check_resource(POLICY, ASG, mixed({"instanceType": "m6i.large"})).messages[0]
    same = mixed({"instanceType": "m6i.large"}, {"instanceType": "m6i.large", "weightedCapacity": "2"})
    assert check_resource(POLICY, ASG, same).violations


def test_advisory_by_default():
    assert POLICY.enforcement_level == EnforcementLevel.ADVISORY


def test_other_types_not_applicable():
    props = {"instanceType": "t3.micro"}
    assert check_resource(POLICY, "aws:ec2/launchTemplate:LaunchTemplate", props).violations == []


def test_unknown_type_cannot_be_evaluated():
    assert check_resource(POLICY, ASG, mixed({"instanceType": UNKNOWN}, {"instanceType": "m6i.large"})).unknown

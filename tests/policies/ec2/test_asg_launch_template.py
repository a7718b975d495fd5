from guardrails.ec2.asg_launch_template import POLICY

from tests.policies.harness import UNKNOWN, check_resource

ASG = "aws:autoscaling/group:Group"


def test_launch_template_by_id_or_name_passes():
    assert check_resource(POLICY, ASG, {"launchTemplate": {"id": UNKNOWN, "version": "$Latest"}}).violations == []
    assert check_resource(POLICY, ASG, {"launchTemplate": {"name": "capacity"}}).violations == []


def test_mixed_instances_policy_passes():
    mixed = {"launchTemplate": {"launchTemplateSpecification": {"launchTemplateId": UNKNOWN},
                                "overrides": [{"instanceType": "m6i.large"}]}}
    assert check_resource(POLICY, ASG, {"mixedInstancesPolicy": mixed}).violations == []


def test_launch_configuration_fails():
    assert check_resource(POLICY, ASG, {"launchConfiguration": "legacy-lc"}).messages == [
        "the Auto Scaling group launches from launch configuration 'legacy-lc'; replace launchConfiguration with "
        "launchTemplate naming an aws.ec2.LaunchTemplate."
    ]


def test_no_template_at_all_fails():
    for props in ({}, {"launchTemplate": {"version": "$Latest"}}, {"launchTemplate": {"id": ""}},
                  {"mixedInstancesPolicy": {"launchTemplate": {"launchTemplateSpecification": {}}}}):
        assert "names no launch template" in check_resource(POLICY, ASG, props).messages[0], props


def test_other_types_not_applicable():
    assert check_resource(POLICY, "aws:ec2/launchTemplate:LaunchTemplate", {}).violations == []


def test_unknown_template_id_names_a_computed_template():
    assert check_resource(POLICY, ASG, {"launchTemplate": {"id": UNKNOWN}}).unknown is False


def test_unknown_configuration_cannot_be_evaluated():
    assert check_resource(POLICY, ASG, {"launchConfiguration": UNKNOWN}).unknown

from guardrails.ec2.asg_multi_az import POLICY

from tests.policies.harness import UNKNOWN, check_resource

ASG = "aws:autoscaling/group:Group"


def test_two_subnets_or_zones_pass():
    assert check_resource(POLICY, ASG, {"vpcZoneIdentifiers": ["subnet-a", "subnet-b"]}).violations == []
    assert check_resource(POLICY, ASG, {"availabilityZones": ["eu-west-1a", "eu-west-1b"]}).violations == []


def test_a_single_subnet_fails():
    assert check_resource(POLICY, ASG, {"vpcZoneIdentifiers": ["subnet-a"]}).messages == [
        "the Auto Scaling group spans 1 subnet(s) (vpcZoneIdentifiers); give it subnets in at least 2 Availability "
        "Zones."
    ]
    assert check_resource(POLICY, ASG, {"availabilityZones": ["eu-west-1a"]}).violations


def test_other_types_not_applicable():
    result = check_resource(POLICY, "aws:ec2/launchTemplate:LaunchTemplate", {})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_subnet_ids_still_count_in_a_preview():
    assert check_resource(POLICY, ASG, {"vpcZoneIdentifiers": [UNKNOWN, UNKNOWN]}).violations == []
    assert check_resource(POLICY, ASG, {"vpcZoneIdentifiers": UNKNOWN}).unknown


def test_everything_left_out_is_zero_zones():
    assert check_resource(POLICY, ASG, {}).messages == [
        "the Auto Scaling group spans 0 Availability Zone(s) (availabilityZones); give it subnets in at least 2 "
        "Availability Zones."
    ]


def test_subnets_decide_when_both_are_given():
    props = {"vpcZoneIdentifiers": ["subnet-a"], "availabilityZones": ["eu-west-1a", "eu-west-1b"]}
    assert check_resource(POLICY, ASG, props).messages[0].startswith("the Auto Scaling group spans 1 subnet(s)")
    props = {"vpcZoneIdentifiers": ["subnet-a", "subnet-b"], "availabilityZones": ["eu-west-1a"]}
    assert check_resource(POLICY, ASG, props).violations == []
    assert check_resource(POLICY, ASG, {"vpcZoneIdentifiers": [], "availabilityZones": ["a", "b"]}).violations == []

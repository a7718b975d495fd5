from guardrails.elb.alb_multi_az import POLICY

from tests.policies.harness import UNKNOWN, check_resource

LB = "aws:lb/loadBalancer:LoadBalancer"


def test_two_subnets_or_mappings_pass():
    assert check_resource(POLICY, LB, {"subnets": ["subnet-a", "subnet-b"]}).violations == []
    mappings = [{"subnetId": "subnet-a"}, {"subnetId": "subnet-b"}, {"subnetId": "subnet-c"}]
    assert check_resource(POLICY, LB, {"loadBalancerType": "network", "subnetMappings": mappings}).violations == []


def test_one_subnet_fails():
    assert check_resource(POLICY, LB, {"subnets": ["subnet-a"]}).messages == [
        "the application load balancer is in 1 subnet(s), so at most 1 Availability Zone(s); give it subnets (or "
        "subnetMappings) in at least 2 Availability Zones."
    ]
    assert check_resource(POLICY, LB, {}).violations


def test_other_types_not_applicable():
    result = check_resource(POLICY, "aws:autoscaling/group:Group", {"vpcZoneIdentifiers": ["subnet-a"]})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_subnet_ids_still_count_in_a_preview():
    assert check_resource(POLICY, LB, {"subnets": [UNKNOWN, UNKNOWN]}).violations == []
    one = check_resource(POLICY, LB, {"subnetMappings": [{"subnetId": UNKNOWN}]})
    assert not one.unknown and one.violations


def test_a_wholly_unknown_list_cannot_be_evaluated():
    assert check_resource(POLICY, LB, {"subnets": UNKNOWN}).unknown


def test_everything_left_out_is_zero_zones():
    assert check_resource(POLICY, LB, {}).messages == [
        "the application load balancer is in 0 subnet(s), so at most 0 Availability Zone(s); give it subnets (or "
        "subnetMappings) in at least 2 Availability Zones."
    ]


def test_exactly_two_is_the_edge_and_the_larger_list_counts():
    assert check_resource(POLICY, LB, {"subnets": ["a", "b"]}).violations == []
    assert check_resource(POLICY, LB, {"subnets": ["a"], "subnetMappings": [{"subnetId": "b"}, {"subnetId": "c"}]}
                          ).violations == []
    assert check_resource(POLICY, LB, {"subnets": ["a", "b"], "subnetMappings": [{"subnetId": "b"}]}).violations == []
    gateway = check_resource(POLICY, LB, {"loadBalancerType": "gateway", "subnets": ["a"]})
    assert gateway.messages[0].startswith("the gateway load balancer is in 1 subnet(s)")

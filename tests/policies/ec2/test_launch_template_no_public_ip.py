from guardrails.ec2.launch_template_no_public_ip import POLICY

from tests.policies.harness import UNKNOWN, check_resource

LT = "aws:ec2/launchTemplate:LaunchTemplate"


def test_private_interfaces_pass():
    interfaces = [{"deviceIndex": 0, "associatePublicIpAddress": "false", "securityGroups": [UNKNOWN]}]
    assert check_resource(POLICY, LT, {"networkInterfaces": interfaces}).violations == []
    assert check_resource(POLICY, LT, {"vpcSecurityGroupIds": [UNKNOWN]}).violations == []


def test_public_ip_fails():
    interfaces = [{"deviceIndex": 0, "associatePublicIpAddress": "true"}]
    assert check_resource(POLICY, LT, {"networkInterfaces": interfaces}).messages == [
        "network interface device index 0 of the launch template assigns a public IP address "
        "(associatePublicIpAddress is 'true'); set it to 'false' and launch into private subnets."
    ]


def test_other_types_not_applicable():
    interfaces = [{"deviceIndex": 0, "associatePublicIpAddress": "true"}]
    result = check_resource(POLICY, "aws:ec2/instance:Instance", {"networkInterfaces": interfaces})
    assert result.violations == [] and not result.not_applicable and not result.unknown


def test_unknown_flag_cannot_be_evaluated():
    assert check_resource(POLICY, LT, {"networkInterfaces": [{"associatePublicIpAddress": UNKNOWN}]}).unknown


def test_flag_left_out_lets_the_private_subnet_decide():
    interfaces = [{"deviceIndex": 0, "securityGroups": [UNKNOWN]}]
    assert check_resource(POLICY, LT, {"networkInterfaces": interfaces}).violations == []
    assert check_resource(POLICY, LT, {}).violations == []


def test_every_public_interface_is_reported_by_index_or_position():
    interfaces = [{"deviceIndex": 0, "associatePublicIpAddress": "false"},
                  {"associatePublicIpAddress": "True"}, {"deviceIndex": 2, "associatePublicIpAddress": True}]
    assert [m.split(" of the")[0] for m in check_resource(POLICY, LT, {"networkInterfaces": interfaces}).messages] == [
        "network interface entry 1", "network interface device index 2"]

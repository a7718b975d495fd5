import pytest
from guardrails.ec2.launch_template_single_eni import POLICY

from tests.policies.harness import UNKNOWN, check_resource

LT = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"


@pytest.mark.parametrize("interfaces", [None, [], [{"deviceIndex": 0, "securityGroups": [UNKNOWN]}], [UNKNOWN]])
def test_one_interface_or_none_passes(interfaces):
    props = {} if interfaces is None else {"networkInterfaces": interfaces}
    assert check_resource(POLICY, LT, props).violations == []


def test_two_interfaces_fail():
    props = {"networkInterfaces": [{"deviceIndex": 0}, {"deviceIndex": 1, "subnetId": UNKNOWN}]}
    assert check_resource(POLICY, LT, props).messages == [
        "the launch template declares 2 network interfaces, so each instance sits in several networks at once; "
        "declare a single network interface (device index 0)."
    ]
    assert "the instance declares 2" in check_resource(POLICY, INSTANCE, props).messages[0]


def test_other_types_not_applicable():
    props = {"networkInterfaces": [{}, {}]}
    assert check_resource(POLICY, "aws:ec2/networkInterface:NetworkInterface", props).violations == []

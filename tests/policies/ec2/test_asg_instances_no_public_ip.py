from guardrails.ec2.asg_instances_no_public_ip import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

ASG = "aws:autoscaling/group:Group"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
SUBNET = "aws:ec2/subnet:Subnet"
INSTANCE = "aws:ec2/instance:Instance"


def stack(interfaces=None, public_subnet=False, via="launchTemplate"):
    template = {"imageId": UNKNOWN}
    if interfaces is not None:
        template["networkInterfaces"] = interfaces
    reference = ({"launchTemplate": {"id": UNKNOWN}} if via == "launchTemplate" else
                 {"mixedInstancesPolicy": {"launchTemplate": {"launchTemplateSpecification": {"launchTemplateId":
                                                                                                UNKNOWN}}}})
    return [
        Res(SUBNET, "private", {"cidrBlock": "10.0.0.0/20", "mapPublicIpOnLaunch": False}),
        Res(SUBNET, "public", {"cidrBlock": "10.0.128.0/20", "mapPublicIpOnLaunch": public_subnet}),
        Res(LT, "lt", template),
        Res(ASG, "asg", {"vpcZoneIdentifiers": UNKNOWN, **reference},
            {"vpcZoneIdentifiers": ["private", "public"], via: ["lt"]}),
    ]


def test_private_subnets_without_template_interfaces_pass():
    assert check_stack(POLICY, stack()).violations == []
    assert check_stack(POLICY, stack([{"deviceIndex": 0, "securityGroups": [UNKNOWN]}])).violations == []


def test_subnet_mapping_public_ips_fails_when_the_template_does_not_override():
    result = check_stack(POLICY, stack(public_subnet=True))
    assert result.violations == [(
        "Auto Scaling group 'asg' launches instances with public IP addresses: its subnet(s) 'public' set "
        "mapPublicIpOnLaunch and launch template 'lt' does not override it; launch into private subnets or set "
        "associatePublicIpAddress to 'false' in the template's network interface.",
        urn(ASG, "asg"),
    )]
    assert check_stack(POLICY, stack(public_subnet=True, via="mixedInstancesPolicy")).violations


def test_template_turning_public_ips_off_overrides_the_subnet():
    interfaces = [{"deviceIndex": 0, "associatePublicIpAddress": "false"}]
    assert check_stack(POLICY, stack(interfaces, public_subnet=True)).violations == []


def test_template_assigning_public_ips_fails():
    result = check_stack(POLICY, stack([{"deviceIndex": 0, "associatePublicIpAddress": "true"}]))
    assert result.messages == [
        "Auto Scaling group 'asg' launches instances with public IP addresses: launch template 'lt' sets "
        "associatePublicIpAddress to 'true'; set it to 'false'."
    ]


def test_instances():
    subnet = Res(SUBNET, "pub", {"mapPublicIpOnLaunch": True})
    explicit = Res(INSTANCE, "a", {"associatePublicIpAddress": True, "subnetId": "subnet-1"})
    by_subnet = Res(INSTANCE, "b", {"subnetId": UNKNOWN}, {"subnetId": ["pub"]})
    off = Res(INSTANCE, "c", {"associatePublicIpAddress": False, "subnetId": UNKNOWN}, {"subnetId": ["pub"]})
    result = check_stack(POLICY, [subnet, explicit, by_subnet, off])
    assert [u for _, u in result.violations] == [urn(INSTANCE, "a"), urn(INSTANCE, "b")]
    assert "(its subnet 'pub' maps public IPs)" in result.messages[1]


def test_template_outside_the_stack_not_judged():
    group = Res(ASG, "asg", {"launchTemplate": {"id": "lt-0123"}, "vpcZoneIdentifiers": UNKNOWN},
                {"vpcZoneIdentifiers": ["pub"]})
    assert check_stack(POLICY, [Res(SUBNET, "pub", {"mapPublicIpOnLaunch": True}), group]).violations == []


def test_template_related_by_known_id():
    template = Res(LT, "lt", {"id": "lt-0123", "networkInterfaces": [{"associatePublicIpAddress": "true"}]})
    group = Res(ASG, "asg", {"launchTemplate": {"id": "lt-0123"}, "vpcZoneIdentifiers": ["subnet-1"]})
    assert check_stack(POLICY, [template, group]).violations


def test_unknown_interface_flag_cannot_be_evaluated():
    assert check_stack(POLICY, stack([{"associatePublicIpAddress": UNKNOWN}])).unknown

import pytest
from guardrails.ec2.asg_elb_health_check import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack, urn

ASG = "aws:autoscaling/group:Group"
ATTACHMENT = "aws:autoscaling/attachment:Attachment"
TRAFFIC = "aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment"
TG = "aws:lb/targetGroup:TargetGroup"


def group(**props):
    return Res(ASG, "asg", {"minSize": 1, "maxSize": 2, "launchTemplate": {"id": UNKNOWN}, **props})


@pytest.mark.parametrize("value", ["ELB", "elb", "EC2,ELB", "ELB,VPC_LATTICE"])
def test_attached_group_with_elb_health_checks_passes(value):
    assert check_stack(POLICY, [group(targetGroupArns=[UNKNOWN], healthCheckType=value)]).violations == []


def test_attached_group_with_ec2_health_checks_fails():
    result = check_stack(POLICY, [group(targetGroupArns=[UNKNOWN], healthCheckType="EC2")])
    assert result.violations == [(
        "Auto Scaling group 'asg' is attached to a load balancer (targetGroupArns) but healthCheckType is 'EC2'; set "
        "healthCheckType to 'ELB' so instances failing the load balancer's health check are replaced.",
        urn(ASG, "asg"),
    )]


def test_unset_health_check_type_is_ec2():
    result = check_stack(POLICY, [group(loadBalancers=["classic"])])
    assert "(loadBalancers) but healthCheckType is not set, so 'EC2';" in result.messages[0]


def test_attachment_resources_count():
    attachment = Res(ATTACHMENT, "att", {"autoscalingGroupName": UNKNOWN, "lbTargetGroupArn": UNKNOWN},
                     {"autoscalingGroupName": ["asg"], "lbTargetGroupArn": ["tg"]})
    source = Res(TRAFFIC, "src", {"autoscalingGroupName": UNKNOWN, "trafficSource": {"identifier": UNKNOWN}},
                 {"autoscalingGroupName": ["asg"]})
    result = check_stack(POLICY, [group(), Res(TG, "tg", {}), attachment, source])
    assert "(Attachment 'att', TrafficSourceAttachment 'src')" in result.messages[0]


def test_unattached_group_not_applicable():
    assert check_stack(POLICY, [group(healthCheckType="EC2", targetGroupArns=[])]).violations == []
    other = Res(ATTACHMENT, "att", {"autoscalingGroupName": "another-group", "lbTargetGroupArn": "arn:tg"})
    assert check_stack(POLICY, [group(), other]).violations == []


def test_unknown_health_check_type_cannot_be_evaluated():
    computed = Res(ASG, "asg", {"targetGroupArns": [UNKNOWN], "healthCheckType": UNKNOWN}, {"healthCheckType": ["tg"]})
    assert check_stack(POLICY, [Res(TG, "tg", {}), computed]).unknown

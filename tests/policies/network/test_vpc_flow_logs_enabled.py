from guardrails.network.vpc_flow_logs_enabled import FLOW_LOG, POLICY, VPC
from pulumi_policy import EnforcementLevel

from tests.policies.harness import UNKNOWN, Res, check_stack, urn


def flow_log(name: str, vpc: str, traffic_type="ALL") -> Res:
    return Res(FLOW_LOG, name, {"vpcId": UNKNOWN, "trafficType": traffic_type, "logDestination": UNKNOWN},
               deps={"vpcId": [vpc]})


def test_flow_log_capturing_rejects_passes():
    for traffic_type in ("ALL", "REJECT"):
        result = check_stack(POLICY, [Res(VPC, "vpc", {}), flow_log("fl", "vpc", traffic_type)])
        assert result.violations == [] and not result.unknown


def test_vpc_without_flow_log_fails():
    resources = [Res(VPC, "vpc", {}), Res(VPC, "other", {}), flow_log("fl", "vpc")]
    assert check_stack(POLICY, resources).violations == [(
        "VPC 'other' has no flow log; add an aws.ec2.FlowLog with vpc_id set to this VPC and traffic_type ALL or "
        "REJECT.",
        urn(VPC, "other"),
    )]


def test_accept_only_flow_log_fails():
    resources = [Res(VPC, "vpc", {}), flow_log("fl", "vpc", "ACCEPT")]
    assert check_stack(POLICY, resources).messages == [
        "VPC 'vpc' flow logs capture traffic type(s) ACCEPT only; at least one must capture ALL or REJECT."
    ]


def test_known_vpc_id_relates_without_dependency():
    resources = [Res(VPC, "vpc", {"id": "vpc-1"}), Res(FLOW_LOG, "fl", {"vpcId": "vpc-1", "trafficType": "REJECT"})]
    assert check_stack(POLICY, resources).violations == []


def test_stack_without_vpc_not_applicable():
    result = check_stack(POLICY, [Res("aws:s3/bucket:Bucket", "logs", {})])
    assert result.violations == [] and not result.unknown


def test_unknown_traffic_type_cannot_be_evaluated():
    assert check_stack(POLICY, [Res(VPC, "vpc", {}), flow_log("fl", "vpc", UNKNOWN)]).unknown


def test_advisory_by_default():
    assert POLICY.enforcement_level == EnforcementLevel.ADVISORY


def test_traffic_type_left_out_captures_nothing():
    resources = [Res(VPC, "vpc", {}), Res(FLOW_LOG, "fl", {"vpcId": UNKNOWN}, deps={"vpcId": ["vpc"]})]
    assert check_stack(POLICY, resources).messages == [
        "VPC 'vpc' flow logs capture traffic type(s) none (trafficType not set, which a VPC flow log requires) "
        "only; at least one must capture ALL or REJECT."
    ]


def test_one_capturing_log_is_enough_and_case_does_not_matter():
    resources = [Res(VPC, "vpc", {}), flow_log("accept", "vpc", "ACCEPT"), flow_log("reject", "vpc", "reject")]
    assert check_stack(POLICY, resources).violations == []
    resources = [Res(VPC, "vpc", {}), flow_log("a", "vpc", "ACCEPT"), flow_log("b", "vpc", "accept")]
    message = check_stack(POLICY, resources).messages[0]
    assert message.startswith("VPC 'vpc' flow logs capture traffic type(s) ACCEPT only")

import pytest
from guardrails.dynamodb.dynamodb_table_scales_with_demand import POLICY

from tests.policies.harness import UNKNOWN, Res, check_stack

TABLE = "aws:dynamodb/table:Table"
TARGET = "aws:appautoscaling/target:Target"
SCALING = "aws:appautoscaling/policy:Policy"
READ, WRITE = "dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"


def table(**props) -> Res:
    return Res(TABLE, "orders", {"name": "orders-1a2b3c4", **props})


def target(dimension: str, name: str, literal: bool = False) -> Res:
    props = {"serviceNamespace": "dynamodb", "scalableDimension": dimension, "minCapacity": 5, "maxCapacity": 50,
             "resourceId": "table/orders-1a2b3c4" if literal else UNKNOWN}
    return Res(TARGET, name, props, {} if literal else {"resourceId": ["orders"]})


def scaling(name: str, target_name: str) -> Res:
    return Res(SCALING, name, {"policyType": "TargetTrackingScaling", "resourceId": UNKNOWN,
                               "scalableDimension": UNKNOWN, "serviceNamespace": "dynamodb"},
               {"resourceId": [target_name]})


def test_on_demand_tables_pass():
    assert check_stack(POLICY, [table(billingMode="PAY_PER_REQUEST")]).violations == []


@pytest.mark.parametrize("literal", [False, True], ids=["dependency", "literal-resource-id"])
def test_provisioned_tables_scaled_on_reads_and_writes_pass(literal):
    fixture = [table(billingMode="PROVISIONED"), target(READ, "read", literal), target(WRITE, "write", literal),
               scaling("read-tt", "read"), scaling("write-tt", "write")]
    assert check_stack(POLICY, fixture).violations == []


def test_provisioned_by_default_without_scaling_fails_for_both_dimensions():
    assert check_stack(POLICY, [table()]).messages == [
        f"table 'orders' has provisioned capacity and no auto scaling of {what} (a scalable target with a scaling "
        "policy); use billing_mode PAY_PER_REQUEST or add both."
        for what in ("ReadCapacityUnits", "WriteCapacityUnits")]


def test_a_target_without_a_policy_does_not_scale():
    fixture = [table(), target(READ, "read"), target(WRITE, "write"), scaling("read-tt", "read")]
    assert [m.split(" of ")[1].split(" ")[0] for m in check_stack(POLICY, fixture).messages] == ["WriteCapacityUnits"]


def test_no_table_is_not_applicable():
    assert check_stack(POLICY, [Res("aws:sqs/queue:Queue", "q", {})]).not_applicable

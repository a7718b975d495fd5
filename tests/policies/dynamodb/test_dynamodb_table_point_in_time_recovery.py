import pytest
from guardrails.dynamodb.dynamodb_table_point_in_time_recovery import POLICY

from tests.policies.harness import check_resource

TABLE = "aws:dynamodb/table:Table"
MESSAGE = ("the table has no point-in-time recovery (pointInTimeRecovery.enabled is not true), so a bad write or "
           "delete cannot be undone; enable it.")


def test_a_table_with_pitr_passes():
    assert check_resource(POLICY, TABLE, {"pointInTimeRecovery": {"enabled": True}}).violations == []


@pytest.mark.parametrize("props", [{}, {"pointInTimeRecovery": {"enabled": False}}, {"pointInTimeRecovery": {}}],
                         ids=["absent", "off", "empty"])
def test_a_table_without_it_fails(props):
    assert check_resource(POLICY, TABLE, props).messages == [MESSAGE]


def test_other_types_are_not_judged():
    assert check_resource(POLICY, "aws:s3/bucket:Bucket", {}).violations == []

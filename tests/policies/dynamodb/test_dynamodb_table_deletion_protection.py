import pytest
from guardrails.dynamodb.dynamodb_table_deletion_protection import POLICY

from tests.policies.harness import check_resource

TABLE = "aws:dynamodb/table:Table"


def test_a_protected_table_passes():
    assert check_resource(POLICY, TABLE, {"deletionProtectionEnabled": True}).violations == []


@pytest.mark.parametrize("props", [{}, {"deletionProtectionEnabled": False}], ids=["absent", "off"])
def test_an_unprotected_table_fails(props):
    assert check_resource(POLICY, TABLE, props).messages == [
        "the table can be deleted by accident (deletionProtectionEnabled is not true); enable deletion protection."]


def test_other_types_are_not_judged():
    assert check_resource(POLICY, "aws:sqs/queue:Queue", {}).violations == []

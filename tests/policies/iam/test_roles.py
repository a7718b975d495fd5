"""Reading IAM policy documents, and finding what grants a role its permissions."""

import json

import pytest
from guardrails.iam._roles import DocumentError, aws_managed_name, literal_arn, statements
from pulumi_policy.proxy import unknown_checking_proxy

from tests.policies.harness import UNKNOWN, Res
from tests.policies.test_graph import stack


def test_statements_from_json_or_an_object_with_every_element():
    document = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["a", "b"],
                               "Principal": {"Service": "x"}, "NotPrincipal": {"AWS": "y"},
                               "Condition": {"StringEquals": {"k": "v"}}}]}
    for given in (json.dumps(document), unknown_checking_proxy(document)):
        (statement,) = statements(given)
        assert statement.allows and statement.actions == ("s3:GetObject",) and statement.resources == ("a", "b")
        assert statement.not_actions is None and statement.not_resources is None
        assert statement.principal == {"Service": "x"} and statement.not_principal == {"AWS": "y"}
        assert statement.condition == {"StringEquals": {"k": "v"}}


def test_a_single_statement_object_and_not_elements():
    (statement,) = statements({"Statement": {"Effect": "Deny", "NotAction": ["iam:*"], "NotResource": "x"}})
    assert not statement.allows and statement.actions == () and statement.not_actions == ("iam:*",)
    assert statement.all_actions == ("iam:*",) and statement.not_resources == ("x",) and statement.resources == ()


@pytest.mark.parametrize("document, message", [
    ("{", "it is not valid JSON"),
    ("[]", "it is not a JSON object"),
    ('"text"', "it is not a JSON object"),
    ({"Statement": "Allow"}, "its Statement is not an object or a list of objects"),
    ({"Statement": [{"Effect": "Allow"}, "x"]}, "its Statement is not an object or a list of objects"),
    ({}, "its Statement is not an object or a list of objects"),
    ({"Statement": [{"Effect": "Allow", "Condition": "x"}]}, "a Condition is not an object"),
    ({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", 3]}]}, "Action must be a string or a list of "
                                                                          "strings"),
])
def test_documents_that_are_not_policies(document, message):
    with pytest.raises(DocumentError) as caught:
        statements(document)
    assert str(caught.value).startswith(message)


def test_aws_managed_names():
    assert aws_managed_name("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy") == (
        "AmazonECSTaskExecutionRolePolicy")
    assert aws_managed_name("arn:aws-cn:iam::aws:policy/ReadOnlyAccess") == "ReadOnlyAccess"
    assert aws_managed_name("arn:aws:iam::123456789012:policy/Mine") is None


def test_literal_arn_is_a_known_non_empty_string():
    r = stack(Res("aws:ecs/taskDefinition:TaskDefinition", "td", {"a": "arn:x", "b": "", "c": UNKNOWN, "d": 3}))
    td = r["td"]
    assert [literal_arn(td, p) for p in ("a", "b", "c", "d", "e")] == ["arn:x", None, None, None, None]

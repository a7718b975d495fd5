"""``aws.iam.get_policy_document`` as the provider computes it: each rule from both sides."""

from __future__ import annotations

import json
import zlib

import pytest

from preflight.policydoc import PolicyDocumentError, document, get_policy_document


def stmt(**kw):
    return kw


def doc_json(**args) -> dict:
    return json.loads(get_policy_document(args)["json"])


def statements(**args) -> list[dict]:
    return document(args)["Statement"]


# ---- the document's own statements -------------------------------------------------------------------------------


def test_version_defaults_to_2012_and_2008_is_kept():
    assert document({})["Version"] == "2012-10-17"
    assert document({"version": "2008-10-17"})["Version"] == "2008-10-17"
    with pytest.raises(PolicyDocumentError, match="expected version to be one of"):
        document({"version": "2020-01-01"})


def test_effect_defaults_to_allow_deny_is_kept_anything_else_is_rejected():
    assert statements(statements=[stmt(actions=["s3:GetObject"])])[0]["Effect"] == "Allow"
    assert statements(statements=[stmt(effect="Deny", actions=["s3:GetObject"])])[0]["Effect"] == "Deny"
    with pytest.raises(PolicyDocumentError, match=r"statements\[0\].effect: expected effect to be one of"):
        document({"statements": [stmt(effect="allow")]})


def test_sids_must_be_unique_and_alphanumeric_but_empty_sids_may_repeat():
    assert [s.get("Sid") for s in statements(statements=[stmt(sid="A"), stmt(sid="B"), stmt(), stmt()])] == [
        "A", "B", None, None]
    with pytest.raises(PolicyDocumentError, match=r"duplicate Sid \(A\)"):
        document({"statements": [stmt(sid="A"), stmt(sid="A")]})
    with pytest.raises(PolicyDocumentError, match="alphanumeric"):
        document({"statements": [stmt(sid="read-only")]})


def test_one_action_is_a_string_several_a_reverse_sorted_set():
    one, several = statements(statements=[
        stmt(actions=["s3:GetObject", "s3:GetObject"], resources=["arn:aws:s3:::b/*"]),
        stmt(actions=["s3:GetObject", "s3:ListBucket", "s3:GetObject", "ec2:DescribeVpcs"],
             resources=["arn:aws:s3:::a", "arn:aws:s3:::b"]),
    ])
    assert one["Action"] == "s3:GetObject" and one["Resource"] == "arn:aws:s3:::b/*"
    assert several["Action"] == ["s3:ListBucket", "s3:GetObject", "ec2:DescribeVpcs"]
    assert several["Resource"] == ["arn:aws:s3:::b", "arn:aws:s3:::a"]
    (negated,) = statements(statements=[stmt(notActions=["iam:*", "s3:*"], notResources=["*"])])
    assert negated["NotAction"] == ["s3:*", "iam:*"] and negated["NotResource"] == "*"
    assert "Action" not in negated and "Resource" not in negated


def test_ampersand_variables_become_dollar_in_resources_but_not_in_actions_and_not_in_2008():
    (s,) = statements(statements=[stmt(actions=["s3:&{x}"], resources=["arn:aws:s3:::b/&{aws:username}/*"])])
    assert s["Resource"] == "arn:aws:s3:::b/${aws:username}/*" and s["Action"] == "s3:&{x}"
    with pytest.raises(PolicyDocumentError, match="not supported in document version 2008-10-17"):
        document({"version": "2008-10-17", "statements": [stmt(resources=["arn:aws:s3:::b/&{aws:username}"])]})


def test_principals_group_by_type_and_a_lone_star_is_written_as_star():
    (star,) = statements(statements=[stmt(principals=[{"type": "*", "identifiers": ["*"]}])])
    assert star["Principal"] == "*"
    (aws_star,) = statements(statements=[stmt(principals=[{"type": "AWS", "identifiers": ["*"]}])])
    assert aws_star["Principal"] == {"AWS": "*"}
    (grouped,) = statements(statements=[stmt(principals=[
        {"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]},
        {"type": "AWS", "identifiers": ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]},
        {"type": "Service", "identifiers": ["ec2.amazonaws.com"]},
    ], notPrincipals=[{"type": "AWS", "identifiers": ["arn:aws:iam::333333333333:user/&{aws:username}"]}])])
    assert grouped["Principal"] == {
        "AWS": ["arn:aws:iam::222222222222:root", "arn:aws:iam::111111111111:root"],
        "Service": ["ecs-tasks.amazonaws.com", "ec2.amazonaws.com"],
    }
    assert list(grouped["Principal"]) == ["AWS", "Service"]
    assert grouped["NotPrincipal"] == {"AWS": "arn:aws:iam::333333333333:user/${aws:username}"}


def test_conditions_group_by_test_and_variable_one_value_is_a_string():
    (s,) = statements(statements=[stmt(conditions=[
        {"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["123456789012"]},
        {"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["210987654321"]},
        {"test": "StringEquals", "variable": "aws:PrincipalTag/team", "values": ["&{aws:username}"]},
        {"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]},
        {"test": "ForAnyValue:StringLike", "variable": "s3:prefix", "values": ["b/*", "a/*"]},
    ])])
    assert s["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"},
        "ForAnyValue:StringLike": {"s3:prefix": ["b/*", "a/*"]},  # values keep their order
        "StringEquals": {"aws:PrincipalTag/team": "${aws:username}",
                         "aws:SourceAccount": ["123456789012", "210987654321"]},
    }


# ---- merging source, own and override documents ------------------------------------------------------------------

SOURCE_A = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Keep", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"},
    {"Sid": "Replace", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
]})
SOURCE_B = json.dumps({"Statement": [{"Sid": "FromB", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]})


def test_source_documents_merge_in_order_and_own_statements_replace_same_sid_in_place():
    merged = statements(sourcePolicyDocuments=[SOURCE_A, SOURCE_B],
                        statements=[stmt(sid="Replace", actions=["s3:PutObject"], resources=["arn:aws:s3:::b/*"]),
                                    stmt(sid="New", actions=["sns:Publish"], resources=["*"])])
    assert [(s.get("Sid"), s["Action"]) for s in merged] == [
        ("Keep", ["s3:GetObject"]),  # from a document: kept as written (a one-element list stays a list)
        ("Replace", "s3:PutObject"),  # replaced where it stood
        (None, "iam:*"),
        ("FromB", "sqs:*"),
        ("New", "sns:Publish"),  # a new sid is appended
    ]


def test_source_documents_must_not_repeat_a_sid():
    twice = json.dumps({"Statement": [{"Sid": "Keep", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    with pytest.raises(PolicyDocumentError, match=r"merging source document 1: duplicate Sid \(Keep\)"):
        document({"sourcePolicyDocuments": [SOURCE_A, twice]})
    # Statements without a Sid never collide.
    unnamed = json.dumps({"Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]})
    assert len(statements(sourcePolicyDocuments=[SOURCE_A, unnamed])) == 4


def test_override_documents_replace_same_sid_in_place_append_others_and_the_last_wins():
    first = json.dumps({"Statement": [{"Sid": "Own", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},
                                      {"Sid": "Extra", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]})
    second = json.dumps({"Statement": [{"Sid": "Extra", "Effect": "Allow", "Action": "ec2:Describe*",
                                        "Resource": "*"}]})
    merged = statements(statements=[stmt(sid="Own", actions=["s3:GetObject"], resources=["*"]),
                                    stmt(sid="Other", actions=["sqs:*"], resources=["*"])],
                        overridePolicyDocuments=[first, second])
    assert [(s["Sid"], s["Effect"], s["Action"]) for s in merged] == [
        ("Own", "Deny", "s3:*"), ("Other", "Allow", "sqs:*"), ("Extra", "Allow", "ec2:Describe*")]
    # An override statement without a Sid never replaces anything.
    unnamed = json.dumps({"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})
    assert len(statements(statements=[stmt(actions=["s3:*"])], overridePolicyDocuments=[unnamed])) == 2


def test_id_is_replaced_by_a_later_document_and_version_only_upgrades():
    assert document({"policyId": "mine"})["Id"] == "mine"
    assert document({"policyId": "mine", "overridePolicyDocuments": [json.dumps({"Id": "theirs"})]})["Id"] == "theirs"
    assert document({"policyId": "mine", "overridePolicyDocuments": [json.dumps({"Statement": []})]})["Id"] == "mine"
    old = json.dumps({"Version": "2008-10-17"})
    assert document({"sourcePolicyDocuments": [old]})["Version"] == "2012-10-17"  # own default is later
    assert document({"version": "2008-10-17", "overridePolicyDocuments": [json.dumps({"Version": "2012-10-17"})]})[
        "Version"] == "2012-10-17"
    new = json.dumps({"Version": "2012-10-17"})
    assert document({"version": "2008-10-17", "sourcePolicyDocuments": [new]})["Version"] == "2012-10-17"


def test_documents_principals_and_conditions_are_rewritten_other_values_kept():
    source = json.dumps({"Statement": [{
        "Sid": "S", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": ["arn:b", "arn:a"],
        "Condition": {"Bool": {"aws:SecureTransport": True}, "StringEquals": {"k": ["one"]}}}, {
        "Sid": "T", "Effect": "Allow", "Principal": {"AWS": ["arn:a", "arn:c", "arn:b"], "Service": "x"},
        "Action": "s3:*", "Resource": "*", "Unknown": "dropped"}]})
    first, second = statements(sourcePolicyDocuments=[source])
    assert first["Principal"] == "*" and first["Resource"] == ["arn:b", "arn:a"]
    assert first["Condition"] == {"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"k": "one"}}
    assert second["Principal"] == {"AWS": ["arn:c", "arn:b", "arn:a"], "Service": "x"} and "Unknown" not in second


def test_a_document_that_is_not_a_policy_is_an_error():
    with pytest.raises(PolicyDocumentError, match="merging source document 0"):
        document({"sourcePolicyDocuments": ["not json"]})
    with pytest.raises(PolicyDocumentError, match="merging override document 0: Statement must be a list"):
        document({"overridePolicyDocuments": [json.dumps({"Statement": {"Effect": "Allow"}})]})


# ---- the data source's answer ----------------------------------------------------------------------------------------


def test_json_is_indented_ordered_and_escaped_minified_json_is_compact_and_id_is_its_crc32():
    result = get_policy_document({"policyId": "p", "statements": [stmt(
        sid="A", actions=["s3:GetObject"], resources=["arn:aws:s3:::b/<x>&"],
        principals=[{"type": "AWS", "identifiers": ["arn:aws:iam::123456789012:root"]}],
        conditions=[{"test": "Bool", "variable": "aws:SecureTransport", "values": ["true"]}])]})
    assert result["json"] == """{
  "Version": "2012-10-17",
  "Id": "p",
  "Statement": [
    {
      "Sid": "A",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::b/\\u003cx\\u003e\\u0026",
      "Principal": {
        "AWS": "arn:aws:iam::123456789012:root"
      },
      "Condition": {
        "Bool": {
          "aws:SecureTransport": "true"
        }
      }
    }
  ]
}"""
    assert result["minifiedJson"] == (
        '{"Version":"2012-10-17","Id":"p","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject",'
        '"Resource":"arn:aws:s3:::b/\\u003cx\\u003e\\u0026","Principal":{"AWS":"arn:aws:iam::123456789012:root"},'
        '"Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}')
    assert result["id"] == str(zlib.crc32(result["json"].encode()))
    assert result["version"] == "2012-10-17" and result["statements"][0]["effect"] == "Allow"


def test_no_statements_leaves_statement_out():
    assert get_policy_document({})["json"] == '{\n  "Version": "2012-10-17"\n}'

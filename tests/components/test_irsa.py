"""IrsaRole: a role exactly one service account can assume through the cluster's OIDC provider."""

from __future__ import annotations

import json

import pytest

from components.eks.irsa import AUDIENCE, TYPE, IrsaRole, IrsaRoleArgs, trust_policy
from preflight.engine import ACCOUNT_ID
from tests.mocks import context, of_type, one, record, record_failure

ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
PROVIDER = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{ISSUER}"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def args(**changes) -> IrsaRoleArgs:
    values = {"context": context(), "oidc_provider_arn": PROVIDER, "oidc_issuer": f"https://{ISSUER}",
              "namespace": "payments", "service_account": "api", "managed_policies": ("AmazonS3ReadOnlyAccess",)}
    return IrsaRoleArgs(**{**values, **changes})


def test_trust_is_scoped_to_the_one_service_account_and_sts():
    rec = record(lambda: IrsaRole("payments-api", args()))
    role = one(rec, ROLE)
    assert role.parent == one(rec, TYPE).urn, role.urn
    assert json.loads(role.inputs["assumeRolePolicy"]) == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": PROVIDER},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:payments:api",
                                       f"{ISSUER}:aud": "sts.amazonaws.com"}},
    }]}, role.urn


def test_issuer_with_or_without_scheme_gives_the_same_trust():
    assert trust_policy(PROVIDER, ISSUER, "a", "b") == trust_policy(PROVIDER, f"https://{ISSUER}", "a", "b")
    assert AUDIENCE == "sts.amazonaws.com"


def test_managed_policies_are_attached_partition_aware():
    rec = record(lambda: IrsaRole("payments-api", args(context=context(partition="aws-cn"),
                                                       managed_policies=("AmazonS3ReadOnlyAccess", "A_B"))))
    role = one(rec, ROLE)
    attachments = of_type(rec, ATTACHMENT)
    assert {a.inputs["policyArn"] for a in attachments} == {"arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess",
                                                            "arn:aws-cn:iam::aws:policy/A_B"}
    assert all(a.inputs["role"] == role.id for a in attachments)
    assert {a.name for a in attachments} == {"payments-api-amazons3readonlyaccess", "payments-api-a-b"}


@pytest.mark.parametrize(("changes", "message"), [
    ({"namespace": "*"}, "IrsaRole bad: namespace must be a Kubernetes namespace name (got '*')"),
    ({"namespace": "Payments"}, "IrsaRole bad: namespace must be a Kubernetes namespace name (got 'Payments')"),
    ({"namespace": "n" * 64}, f"IrsaRole bad: namespace must be a Kubernetes namespace name (got {'n' * 64!r})"),
    ({"service_account": "api-*"}, "IrsaRole bad: service_account must be a Kubernetes service account name "
                                   "(got 'api-*')"),
    ({"service_account": "s" * 254}, f"IrsaRole bad: service_account must be a Kubernetes service account name "
                                     f"(got {'s' * 254!r})"),
    ({"managed_policies": ("A", "A")}, "IrsaRole bad: managed_policies must be distinct (got A, A)"),
], ids=["wildcard-ns", "upper-ns", "long-ns", "wildcard-sa", "long-sa", "repeated-policy"])
def test_invalid_arguments_fail_before_registering(changes, message):
    exc, registered = record_failure(lambda: IrsaRole("bad", args(**changes)))
    assert isinstance(exc, ValueError) and str(exc) == message
    assert registered == []


def test_names_at_their_edges_are_accepted():
    rec = record(lambda: IrsaRole("edge", args(namespace="n" * 63, service_account="a.b-" + "s" * 249)))
    [statement] = json.loads(one(rec, ROLE).inputs["assumeRolePolicy"])["Statement"]
    assert statement["Condition"]["StringEquals"][f"{ISSUER}:sub"] == \
        f"system:serviceaccount:{'n' * 63}:a.b-{'s' * 249}"

import json

from guardrails.eks.eks_irsa_trust_scoped import AUDIENCE, POLICY, ROLE

from tests.policies.harness import UNKNOWN, check_resource

ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/B03C83D669B6B20FFC495FDAF0B22BB0"
PROVIDER = f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"


def trust(condition=None, principal=None, action="sts:AssumeRoleWithWebIdentity") -> dict:
    statement = {"Effect": "Allow", "Principal": principal or {"Federated": PROVIDER}, "Action": action}
    if condition is not None:
        statement["Condition"] = condition
    return {"assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}


SCOPED = {"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:kube-system:aws-node",
                           f"{ISSUER}:aud": "sts.amazonaws.com"}}


def test_exact_service_account_and_audience_pass():
    assert check_resource(POLICY, ROLE, trust(SCOPED)).violations == []


def test_several_exact_service_accounts_pass():
    condition = {"StringEquals": {f"{ISSUER}:sub": ["system:serviceaccount:a:x", "system:serviceaccount:b:y"],
                                  f"{ISSUER}:aud": ["sts.amazonaws.com"]}}
    assert check_resource(POLICY, ROLE, trust(condition)).violations == []


def test_no_condition_lets_every_service_account_in():
    assert check_resource(POLICY, ROLE, trust()).messages == [
        f"trust statement 0 does not limit which service accounts assume the role (StringEquals {ISSUER}:sub: none); "
        "require exactly system:serviceaccount:<namespace>:<name>.",
        f"trust statement 0 does not require tokens meant for STS (StringEquals {ISSUER}:aud must be "
        "'sts.amazonaws.com').",
    ]


def test_wildcard_subjects_are_too_wide():
    for condition in (
        {"StringLike": {f"{ISSUER}:sub": "system:serviceaccount:kube-system:*"},
         "StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}},
        {"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:kube-system:*", f"{ISSUER}:aud": AUDIENCE}},
        {"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:kube-system", f"{ISSUER}:aud": AUDIENCE}},
    ):
        [message] = check_resource(POLICY, ROLE, trust(condition)).messages
        assert message.startswith("trust statement 0 does not limit which service accounts")


def test_missing_or_other_audience_fails():
    condition = {"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:kube-system:aws-node",
                                  f"{ISSUER}:aud": "vault"}}
    [message] = check_resource(POLICY, ROLE, trust(condition)).messages
    assert "does not require tokens meant for STS" in message


def test_condition_on_another_issuer_never_matches():
    other = "oidc.eks.eu-west-1.amazonaws.com/id/0000"
    condition = {"StringEquals": {f"{other}:sub": "system:serviceaccount:kube-system:aws-node",
                                  f"{other}:aud": "sts.amazonaws.com"}}
    assert check_resource(POLICY, ROLE, trust(condition)).messages == [
        f"trust statement 0 conditions on '{other}:sub', but its provider is {ISSUER}: the condition never matches; "
        "use the provider's issuer in the condition keys."
    ]


def test_roles_not_trusting_an_eks_provider_are_not_judged():
    assert check_resource(POLICY, ROLE, trust(principal={"Service": "ec2.amazonaws.com"},
                                               action="sts:AssumeRole")).violations == []
    github = {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}
    assert check_resource(POLICY, ROLE, trust(principal=github)).violations == []
    assert check_resource(POLICY, "aws:iam/policy:Policy", trust()).violations == []


def test_unknown_trust_cannot_be_evaluated():
    assert check_resource(POLICY, ROLE, {"assumeRolePolicy": UNKNOWN}).unknown

"""The stack-graph helpers shared by stack policies."""

import random

import pytest
from guardrails._graph import by_type, declared, depends_on, deps, known, referring, related
from pulumi_policy.proxy import UnknownValueError

from tests.policies.harness import UNKNOWN, Res, check_stack

SG = "aws:ec2/securityGroup:SecurityGroup"
RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
LB = "aws:lb/loadBalancer:LoadBalancer"


class _Capture:
    """A stand-in stack policy that keeps the PolicyResources the harness builds."""

    def validate(self, args, report):
        self.resources = {r.name: r for r in args.resources}


def stack(*resources: Res) -> dict:
    capture = _Capture()
    check_stack(capture, resources)
    return capture.resources


def test_by_type_and_deps():
    r = stack(Res(SG, "a", {}), Res(SG, "b", {}), Res(RULE, "rule", {"securityGroupId": UNKNOWN},
                                                       deps={"securityGroupId": ["a"]}))
    assert [x.name for x in by_type(r.values(), SG)] == ["a", "b"]
    assert [x.name for x in by_type(r.values(), SG, RULE)] == ["a", "b", "rule"]
    assert [x.name for x in deps(r["rule"], "securityGroupId")] == ["a"]
    assert deps(r["rule"], "cidrIpv4") == []


def test_depends_on_by_dependency_even_when_unknown():
    r = stack(Res(SG, "a", {"id": UNKNOWN}), Res(SG, "b", {"id": UNKNOWN}),
              Res(RULE, "rule", {"securityGroupId": UNKNOWN}, deps={"securityGroupId": ["a"]}))
    assert depends_on(r["rule"], "securityGroupId", r["a"])
    assert not depends_on(r["rule"], "securityGroupId", r["b"])


def test_depends_on_by_known_id_or_arn_in_strings_and_lists():
    r = stack(Res(SG, "a", {"id": "sg-a"}), Res(SG, "b", {"id": "sg-b"}),
              Res(RULE, "rule", {"securityGroupId": "sg-a"}),
              Res(LB, "lb", {"arn": "arn:lb", "securityGroups": [UNKNOWN, "sg-b"]}),
              Res("aws:lb/listener:Listener", "l", {"loadBalancerArn": "arn:lb"}))
    assert depends_on(r["rule"], "securityGroupId", r["a"])
    assert not depends_on(r["rule"], "securityGroupId", r["b"])
    assert depends_on(r["lb"], "securityGroups", r["b"]) and not depends_on(r["lb"], "securityGroups", r["a"])
    assert depends_on(r["l"], "loadBalancerArn", r["lb"])
    assert not depends_on(r["l"], "missing", r["lb"])


def test_known_reads_without_raising():
    props = stack(Res(SG, "a", {"x": UNKNOWN, "y": "v", "z": ["a", UNKNOWN]}))["a"].props
    assert known(props, "x") is None and known(props, "y") == "v" and known(props, "absent") is None
    assert known(props["z"], 0) == "a" and known(props["z"], 1) is None and known(props["z"], 5) is None


def test_declared_tells_provider_computed_from_program_values():
    r = stack(Res(SG, "computed", {"ingress": UNKNOWN}), Res(SG, "absent", {}), Res(SG, "set", {"ingress": []}),
              Res(SG, "fed", {"ingress": UNKNOWN}, deps={"ingress": ["set"]}))
    assert declared(r["computed"], "ingress") is None
    assert declared(r["absent"], "ingress") is None
    assert list(declared(r["set"], "ingress")) == []
    with pytest.raises(UnknownValueError):
        declared(r["fed"], "ingress")


def test_refers_to_finds_nested_known_ids_and_dependencies():
    from guardrails._graph import refers_to

    r = stack(Res(SG, "a", {"id": "sg-a"}), Res(SG, "b", {"id": UNKNOWN}),
              Res("aws:ecs/service:Service", "svc", {"networkConfiguration": {"securityGroups": ["sg-a", UNKNOWN]}},
                  deps={"networkConfiguration": ["b"]}))
    assert refers_to(r["svc"], "networkConfiguration", r["a"])
    assert refers_to(r["svc"], "networkConfiguration", r["b"])
    assert not refers_to(r["svc"], "other", r["a"])


def test_is_set_and_of_type():
    from guardrails._graph import is_set, of_type

    r = stack(Res(SG, "a", {"x": UNKNOWN, "y": "", "z": "v", "w": None, "d": UNKNOWN}, deps={"d": ["a"]}))
    a = r["a"]
    assert [is_set(a, p) for p in ("x", "y", "z", "w", "d", "absent")] == [False, False, True, False, True, False]
    assert of_type([a, a, a], SG) == [a] and of_type([a], RULE) == []


def test_refers_to_by_known_arn_and_never_by_an_empty_id():
    from guardrails._graph import refers_to

    r = stack(Res(SG, "a", {"id": "", "arn": "arn:aws:ec2:eu-west-1:1:security-group/sg-a"}),
              Res(SG, "b", {"id": ""}),
              Res("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
                  "networkInterfaces": [{"securityGroups": ["arn:aws:ec2:eu-west-1:1:security-group/sg-a", ""]}]}))
    assert refers_to(r["lt"], "networkInterfaces", r["a"])
    assert not refers_to(r["lt"], "networkInterfaces", r["b"])
    assert not depends_on(r["lt"], "networkInterfaces", r["b"])


def _web(seed: int) -> tuple[list, list]:
    """40 security groups (some with an unknown id) and 60 rules naming 0-3 of them: by dependency, by the group's
    id or ARN in a string or a list, or not at all."""
    rng = random.Random(seed)
    groups = [Res(SG, f"g{i}", {"id": UNKNOWN if i % 7 == 0 else f"sg-{i:04x}", "arn": f"arn:aws:ec2:::sg/g{i}"})
              for i in range(40)]
    rules = []
    for j in range(60):
        named = rng.sample(range(40), rng.randint(0, 3))
        by_dependency = [f"g{i}" for i in named if rng.random() < 0.5]
        by_value = [f"sg-{i:04x}" if rng.random() < 0.5 else f"arn:aws:ec2:::sg/g{i}" for i in named
                    if f"g{i}" not in by_dependency]
        value = by_value[0] if len(by_value) == 1 and rng.random() < 0.5 else by_value
        rules.append(Res(RULE, f"r{j}", {"securityGroupId": value or UNKNOWN},
                         deps={"securityGroupId": by_dependency} if by_dependency else {}))
    return groups, rules


@pytest.mark.parametrize("seed", range(5))
def test_indexed_lookups_answer_as_a_scan_of_every_candidate_does(seed):
    groups, rules = _web(seed)
    r = stack(*groups, *rules)
    all_groups = by_type(r.values(), SG)
    all_rules = by_type(r.values(), RULE)
    assert len(all_groups) > 8 and len(all_rules) > 8  # long enough to be indexed
    found = 0
    for rule in all_rules:
        scanned = [g for g in all_groups if depends_on(rule, "securityGroupId", g)]
        assert related(rule, "securityGroupId", all_groups) == scanned
        found += len(scanned)
    for group in all_groups:
        scanned = [x for x in all_rules if depends_on(x, "securityGroupId", group)]
        assert referring(group, "securityGroupId", all_rules) == scanned
    assert found > 0

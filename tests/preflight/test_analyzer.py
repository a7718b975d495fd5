"""The analyzer client against the real pack (hand-made recordings) and against tiny packs made for one question."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from pulumi.runtime.proto import analyzer_pb2

from preflight import analyzer
from tests.preflight.recordings import DEFAULT_SG, INGRESS, PACK, UNKNOWN, network, pack_with_config, resource, root

EGRESS_ALL = [{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": ["0.0.0.0/0"]}]


def by_policy(diagnostics, policy):
    return [d for d in diagnostics if d.policy == policy]


@pytest.fixture(scope="module")
def insecure():
    """An update of a stack whose default group allows egress and whose SSH rule is open to the internet."""
    rec = network("dev", egress=EGRESS_ALL, ssh_cidr="0.0.0.0/0")
    return rec, analyzer.analyze_recording(rec, PACK, policy_config={})


@pytest.fixture(scope="module")
def preview():
    """A preview where the default group's egress and the rule's CIDR are not known yet."""
    rec = network("dev", preview=True, egress=UNKNOWN, ssh_cidr=UNKNOWN)
    return rec, analyzer.analyze_recording(rec, PACK, policy_config={})


def urn_of(rec, type_):
    return next(r["urn"] for r in rec["resources"] if r["type"] == type_)


def test_resource_violation_is_attributed_to_the_resource_analyzed(insecure):
    rec, analysis = insecure
    found = by_policy(analysis.violations, "default-security-group-closed")
    assert len(found) == 1, analysis.diagnostics
    d = found[0]
    assert d.urn == urn_of(rec, DEFAULT_SG), d
    assert (d.level, d.severity, d.phase) == ("mandatory", "high", "resource")
    assert "egress" in d.message and not d.message.startswith("The VPC default"), d.message


def test_stack_violation_keeps_the_urn_the_policy_named(insecure):
    rec, analysis = insecure
    found = by_policy(analysis.violations, "no-public-ingress")
    assert [d.urn for d in found] == [urn_of(rec, INGRESS)], analysis.diagnostics
    assert found[0].level == "mandatory" and found[0].phase == "stack"
    assert "0.0.0.0/0" in found[0].message


def test_every_policy_is_listed_with_its_metadata(insecure):
    _, analysis = insecure
    names = [p.name for p in analysis.policies]
    assert "default-security-group-closed" in names and names == sorted(names)
    p = next(p for p in analysis.policies if p.name == "default-security-group-closed")
    assert (p.level, p.severity, p.kind) == ("mandatory", "high", "resource")
    assert p.framework["reference"] == "EC2.2" and "fsbp:EC2.2" in p.tags and p.remediation
    assert analysis.pack == "container-platform-guardrails" and analysis.version == "0.1.0"  # PulumiPolicy.yaml wins


def test_the_engine_view_is_analyzed_root_and_default_provider_included(insecure):
    rec, analysis = insecure
    # 4 recorded resources + the root stack + the default aws provider.
    assert analysis.analyzed == len(rec["resources"]) + 2
    assert set(analysis.timings) == {"packStart", "configure", "analyze", "analyzeStack"}


def test_preview_unknowns_are_not_evaluated_never_a_pass_or_a_violation(preview):
    rec, analysis = preview
    resource_level = by_policy(analysis.not_evaluated, "default-security-group-closed")
    assert [d.urn for d in resource_level] == [urn_of(rec, DEFAULT_SG)], analysis.diagnostics
    assert ".egress" in resource_level[0].message
    stack_level = by_policy(analysis.not_evaluated, "no-public-ingress")
    assert [d.urn for d in stack_level] == [""] and ".cidrIpv4" in stack_level[0].message
    assert by_policy(analysis.violations, "default-security-group-closed") == []
    assert by_policy(analysis.violations, "no-public-ingress") == []


def test_stack_config_level_applies_and_other_policies_keep_theirs():
    rec = network("dev", egress=EGRESS_ALL, ssh_cidr="0.0.0.0/0")
    config = analyzer.parse_policy_config('{"default-security-group-closed": "advisory"}', "test.json")
    analysis = analyzer.analyze_recording(rec, PACK, policy_config=config)
    levels = {p.name: p.level for p in analysis.policies}
    assert levels["default-security-group-closed"] == "advisory"
    assert levels["no-public-ingress"] == "mandatory"  # Configure replaces: the others were sent with their level
    assert [d.level for d in by_policy(analysis.violations, "default-security-group-closed")] == ["advisory"]
    assert [d.level for d in by_policy(analysis.violations, "no-public-ingress")] == ["mandatory"]


def test_disabled_policy_does_not_run(tmp_path):
    pack = pack_with_config(tmp_path, "dev", '{"all": "advisory", "default-security-group-closed": "disabled"}')
    analysis = analyzer.analyze_recording(network("dev", egress=EGRESS_ALL, ssh_cidr="0.0.0.0/0"), pack)
    assert analysis.config_source == "pack/config/dev.json"
    levels = {p.name: p.level for p in analysis.policies}
    assert levels["default-security-group-closed"] == "disabled"
    assert set(levels.values()) == {"advisory", "disabled"}
    assert by_policy(analysis.diagnostics, "default-security-group-closed") == []
    assert [d.level for d in by_policy(analysis.violations, "no-public-ingress")] == ["advisory"]


# ---- policy configuration, without a pack --------------------------------------------------------------------


def info(*policies, initial=None):
    out = analyzer_pb2.AnalyzerInfo(name="pack", version="0.0.1", supportsConfig=True)
    for name, level, schema, required in policies:
        p = out.policies.add(name=name, enforcementLevel=analyzer.LEVELS[level])
        if schema:
            p.configSchema.properties.update(schema)
            p.configSchema.required.extend(required)
    for name, (level, props) in (initial or {}).items():
        out.initialConfig[name].enforcementLevel = analyzer.LEVELS[level]
        out.initialConfig[name].properties.update(props)
    return out


def reconcile(text, pack_info):
    result = analyzer.reconcile_policy_config(pack_info, analyzer.parse_policy_config(text, "dev.json"), "dev.json")
    return {k: (v.level, v.properties) for k, v in result.items()}


def test_reconcile_sends_every_policy_with_a_level():
    pack = info(("a", "mandatory", None, []), ("b", "advisory", None, []))
    assert reconcile("", pack) == {"a": ("mandatory", {}), "b": ("advisory", {})}
    # Settings without a level keep the policy's level (the pack would otherwise read the missing level as advisory).
    assert reconcile('{"a": {"limit": 3}}', pack) == {"a": ("mandatory", {"limit": 3}), "b": ("advisory", {})}


def test_reconcile_all_then_named_policies():
    pack = info(("a", "mandatory", None, []), ("b", "advisory", None, []))
    assert reconcile('{"all": "disabled", "b": "mandatory"}', pack) == {"a": ("disabled", {}), "b": ("mandatory", {})}


def test_reconcile_schema_defaults_initial_config_then_stack_config():
    schema = {"limit": {"type": "number", "default": 1}, "mode": {"type": "string"}}
    pack = info(("a", "mandatory", schema, ["mode"]), initial={"a": ("advisory", {"mode": "strict"})})
    assert reconcile("", pack) == {"a": ("advisory", {"limit": 1, "mode": "strict"})}
    assert reconcile('{"a": {"enforcementLevel": "mandatory", "limit": 5}}', pack) == {
        "a": ("mandatory", {"limit": 5, "mode": "strict"})}


def test_reconcile_rejects_unknown_policies_and_missing_required_settings():
    with pytest.raises(analyzer.PolicyConfigError, match=r"dev.json: no policy named no-such-policy in pack pack"):
        reconcile('{"no-such-policy": "advisory"}', info(("a", "mandatory", None, [])))
    with pytest.raises(analyzer.PolicyConfigError, match=r"dev.json: a: missing required setting\(s\) mode"):
        reconcile("", info(("a", "mandatory", {"mode": {"type": "string"}}, ["mode"])))


@pytest.mark.parametrize(("text", "message"), [
    ("{", r"dev.json: not valid JSON"),
    ('["a"]', r"dev.json: expected an object"),
    ('{"a": "strict"}', r"dev.json: a: 'strict' is not an enforcement level"),
    ('{"a": {"enforcementLevel": 1}}', r"dev.json: a: enforcementLevel must be a string"),
    ('{"a": 3}', r"dev.json: a: 3 is not a valid value"),
])
def test_parse_policy_config_errors_name_the_file(text, message):
    with pytest.raises(analyzer.PolicyConfigError, match=message):
        analyzer.parse_policy_config(text, "dev.json")


# ---- the engine view of a recording -----------------------------------------------------------------------


def test_engine_view_fills_in_root_default_provider_and_explicit_provider():
    stack = "dev"
    provider = resource(stack, "pulumi:providers:aws", "aws", {"region": "eu-west-1"}, id_="prov-1",
                        outputs={"region": "eu-west-1", "arn": "not-a-provider-output"})
    explicit = resource(stack, "aws:ec2/vpc:Vpc", "a", {"cidrBlock": "10.0.0.0/16"}, id_="vpc-1",
                        provider=f"{provider['urn']}::prov-1", outputs={"cidrBlock": "10.0.0.0/16", "arn": "arn:x"})
    default = resource(stack, "aws:ec2/vpc:Vpc", "b", {"cidrBlock": UNKNOWN}, outputs={"cidrBlock": None, "id": "v"})
    component = resource(stack, "platform:network:Vpc", "c", {}, custom=False, outputs={"id": "mock-id"})
    rec = {"project": "container-platform", "stack": stack, "preview": False,
           "config": {"aws:region": "eu-west-1", "container-platform:x": "1"},
           "resources": [provider, explicit, default, component], "outputs": {"vpcId": "vpc-1"}}
    view = analyzer.engine_view(rec)
    index = {r.urn: r for r in view}
    assert [r.type for r in view[:2]] == ["pulumi:pulumi:Stack", "pulumi:providers:aws"]
    assert view[0].urn == root(stack) and view[0].outputs == {"vpcId": "vpc-1"}
    assert view[1].name.startswith("default_7_") and view[1].inputs["region"] == "eu-west-1"
    assert "x" not in view[1].inputs and view[1].inputs["version"].startswith("7.")

    req = analyzer.analyze_request(index[explicit["urn"]], index)
    assert req.provider.urn == provider["urn"] and req.options.parent == root(stack)
    assert dict(req.provider.properties) == {"region": "eu-west-1"}
    assert analyzer.analyze_request(index[default["urn"]], index).provider.urn == view[1].urn
    assert not analyzer.analyze_request(index[component["urn"]], index).HasField("provider")

    # The stack view: inputs plus computed outputs for custom resources; inputs win (unknowns stay unknown).
    assert analyzer.stack_properties(index[explicit["urn"]]) == {"cidrBlock": "10.0.0.0/16", "arn": "arn:x"}
    assert analyzer.stack_properties(index[default["urn"]]) == {"cidrBlock": UNKNOWN, "id": "v"}
    assert analyzer.stack_properties(index[component["urn"]]) == {}
    assert analyzer.stack_properties(index[provider["urn"]]) == {"region": "eu-west-1"}
    stack_req = analyzer.analyze_stack_request(view, index)
    assert len(stack_req.resources) == 6
    by_urn = {r.urn: r for r in stack_req.resources}
    assert list(by_urn[default["urn"]].propertyDependencies) == []
    assert by_urn[explicit["urn"]].parent == root(stack)


# ---- tiny packs: what the pack is told, and how failures surface ------------------------------------------


def make_pack(tmp_path: Path, body: str) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\ndescription: test pack\n")
    (pack / "__main__.py").write_text(textwrap.dedent(body))
    return pack


PROBE = """
    import json, os
    import pulumi
    from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

    def probe(args, report):
        if args.resource_type == "pulumi:pulumi:Stack":
            report(json.dumps({
                "project": pulumi.get_project(), "stack": pulumi.get_stack(), "dryRun": pulumi.runtime.is_dry_run(),
                "org": pulumi.get_organization(), "region": pulumi.Config("aws").get("region"),
                "tags": dict(args.stack_tags), "name": args.name, "provider": None,
            }))
        if args.resource_type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            report(json.dumps({"provider": args.provider.name if args.provider else None,
                               "parent": args.opts.parent, "port": args.props["fromPort"]}))

    PolicyPack("probe", enforcement_level=EnforcementLevel.ADVISORY,
               policies=[ResourceValidationPolicy(name="probe", description="probe", validate=probe)])
"""


@pytest.mark.parametrize("preview", [False, True])
def test_pack_is_told_project_stack_config_and_mode(tmp_path, preview):
    rec = network("staging", preview=preview)
    analysis = analyzer.analyze_recording(rec, make_pack(tmp_path, PROBE), policy_config={})
    messages = [json.loads(d.message) for d in analysis.diagnostics]
    stack_info = next(m for m in messages if "stack" in m)
    assert stack_info == {"project": "container-platform", "stack": "staging", "dryRun": preview,
                          "org": "organization", "region": "eu-west-1", "tags": {},
                          "name": "container-platform-staging", "provider": None}
    rule_info = next(m for m in messages if "port" in m)
    assert rule_info["port"] == 22.0 and rule_info["provider"].startswith("default_")
    assert rule_info["parent"] == root("staging")


def test_a_pack_that_dies_at_start_is_reported_with_its_stderr(tmp_path):
    pack = make_pack(tmp_path, "raise SystemExit('cannot build the pack: missing dependency frobnicate')\n")
    with pytest.raises(analyzer.AnalyzerError, match=r"(?s)exited with code 1 before printing its port.*frobnicate"):
        analyzer.analyze_recording(network(), pack, policy_config={}, start_timeout=30)


def test_a_directory_without_a_pack_is_an_error(tmp_path):
    with pytest.raises(analyzer.AnalyzerError, match="no PulumiPolicy.yaml"):
        analyzer.analyze_recording(network(), tmp_path, policy_config={})


def test_a_policy_that_raises_fails_the_run_naming_the_resource(tmp_path):
    pack = make_pack(tmp_path, """
        from pulumi_policy import PolicyPack, ResourceValidationPolicy

        def boom(args, report):
            if args.name == "bastion-ssh":
                raise RuntimeError("policy bug")

        PolicyPack("boom", policies=[ResourceValidationPolicy(name="boom", description="boom", validate=boom)])
    """)
    rec = network()
    with pytest.raises(analyzer.AnalyzerError, match=r"Analyze failed on .*::bastion-ssh: UNKNOWN"):
        analyzer.analyze_recording(rec, pack, policy_config={})


# ---- resource options and secret config, as the engine sends them ----------------------------------------


OPTIONS_PROBE = """
    import json
    from pulumi_policy import (EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy)

    def options(opts):
        timeouts = opts.custom_timeouts
        return {"protect": opts.protect, "ignoreChanges": list(opts.ignore_changes),
                "deleteBeforeReplace": opts.delete_before_replace, "aliases": list(opts.aliases),
                "additionalSecretOutputs": list(opts.additional_secret_outputs), "parent": opts.parent,
                "timeouts": [timeouts.create_seconds, timeouts.update_seconds, timeouts.delete_seconds]}

    def resource(args, report):
        if args.name == "bastion":
            report(json.dumps({"phase": "resource", **options(args.opts)}))

    def stack(args, report):
        for r in args.resources:
            if r.name == "bastion":
                report(json.dumps({"phase": "stack", **options(r.opts)}))

    PolicyPack("probe", enforcement_level=EnforcementLevel.ADVISORY, policies=[
        ResourceValidationPolicy(name="resource-probe", description="probe", validate=resource),
        StackValidationPolicy(name="stack-probe", description="probe", validate=stack)])
"""


def test_resource_options_reach_analyze_and_analyze_stack(tmp_path):
    rec = network()
    group = next(r for r in rec["resources"] if r["name"] == "bastion")
    group["options"] = {"protect": True, "ignoreChanges": ["description", "tags"], "deleteBeforeReplace": False,
                        "additionalSecretOutputs": ["arn"], "customTimeouts": {"create": 300.0, "delete": 60.0},
                        "aliases": ["urn:pulumi:dev::container-platform::aws:ec2/securityGroup:SecurityGroup::old"]}
    analysis = analyzer.analyze_recording(rec, make_pack(tmp_path, OPTIONS_PROBE), policy_config={})
    seen = {m["phase"]: m for m in (json.loads(d.message) for d in analysis.diagnostics)}
    expected = {"protect": True, "ignoreChanges": ["description", "tags"], "deleteBeforeReplace": False,
                "aliases": [],  # only an alias matching the previous deployment; a new stack has none
                "additionalSecretOutputs": ["arn"], "parent": root("dev"), "timeouts": [300.0, 0.0, 60.0]}
    assert seen == {"resource": {"phase": "resource", **expected}, "stack": {"phase": "stack", **expected}}


def test_unset_options_reach_the_pack_as_the_engine_leaves_them():
    request = analyzer.analyze_request(analyzer.engine_view(network())[-1], {})
    assert (request.options.protect, list(request.options.ignoreChanges)) == (False, [])
    assert not request.options.deleteBeforeReplaceDefined and request.options.HasField("customTimeouts")


class _Stub:
    def __init__(self):
        self.requests = []

    def ConfigureStack(self, request, timeout):  # noqa: N802 - gRPC method name
        self.requests.append(request)


def test_configure_stack_names_the_secret_keys_and_the_provider_gets_secrets():
    rec = network()
    rec["config"] = {**rec["config"], "aws:secretKey": UNKNOWN}
    rec["secretKeys"] = ["aws:secretKey"]
    pack = analyzer.PolicyPackProcess(PACK, project=rec["project"], stack="dev", config=rec["config"],
                                      dry_run=False, secret_keys=rec["secretKeys"])
    pack.stub = _Stub()
    pack.configure_stack()
    (request,) = pack.stub.requests
    assert list(request.config_secret_keys) == ["aws:secretKey"] and request.config["aws:secretKey"] == UNKNOWN
    assert pack.matches(rec) and not pack.matches({**rec, "secretKeys": []})
    provider = analyzer.engine_view(rec)[1]
    assert provider.inputs["secretKey"] == {analyzer.SIG_KEY: analyzer.SECRET_SIG, "value": UNKNOWN}
    assert provider.inputs["region"] == "eu-west-1"


@pytest.mark.parametrize(("level", "reported"), [
    (analyzer_pb2.REMEDIATE, "mandatory"), (analyzer_pb2.MANDATORY, "mandatory"), (analyzer_pb2.ADVISORY, "advisory")])
def test_a_remediate_diagnostic_counts_as_mandatory(level, reported):
    d = analyzer_pb2.AnalyzeDiagnostic(policyName="p", description="P.", message="P.\nbroken", enforcementLevel=level)
    assert analyzer._diagnostic(d, "urn:x", "resource") == analyzer.Diagnostic(
        policy="p", level=reported, severity="", urn="urn:x", message="broken", not_evaluated=False, phase="resource")

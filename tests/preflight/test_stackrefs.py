"""Stack references answered from preflight reports: reading ``--stack-reference`` options and writing exports."""

from __future__ import annotations

import json

import pytest

from preflight import stackrefs
from preflight.invented import Invented
from preflight.stackrefs import StackReferenceError


def write_report(tmp_path, *stacks, name="report.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"preview": False, "exitCode": 0, "stacks": list(stacks)}))
    return path


def stack(name="prod", project="platform", **extra):
    return {"stack": name, "project": project, "error": None,
            "outputs": {"vpcId": "vpc-0123", "dbPassword": "[secret]"}, "secretOutputs": ["dbPassword"],
            "inventedValues": {"vpc-0123": "aws:ec2/getVpc:getVpc id"}, **extra}


def test_a_reference_is_answered_from_its_stack_in_the_report(tmp_path):
    path = write_report(tmp_path, stack("dev"), stack("prod"))
    (answer,) = stackrefs.load([f"acme/platform/prod={path}"]).values()
    assert answer["outputs"]["vpcId"] == "vpc-0123" and answer["secretOutputs"] == ["dbPassword"]
    placeholder = answer["outputs"]["dbPassword"]
    assert placeholder == "[secret dbPassword of acme/platform/prod]"
    assert answer["invented"] == {"vpc-0123": "aws:ec2/getVpc:getVpc id",
                                  placeholder: "stack reference acme/platform/prod output dbPassword (secret: the "
                                               "report withholds it)"}


@pytest.mark.parametrize(("option", "report", "message"), [
    ("acme/platform/prod", None, "expected NAME=REPORT.json"),
    ("acme/platform/prod={missing}", None, "cannot read"),
    ("acme/platform/prod={path}", "not json", "is not JSON"),
    ("acme/platform/qa={path}", [stack("prod")], r"has no stack 'qa' of project 'platform' \(it has: platform/prod\)"),
    ("acme/other/prod={path}", [stack("prod")], "has no stack 'prod' of project 'other'"),
    ("acme/platform/prod={path}", [stack(error="Missing required configuration variable 'platform:x'")],
     "stack 'prod' could not be checked, so it has no outputs: Missing required configuration variable"),
    ("acme/platform/prod={path}", [{"stack": "prod", "project": "platform", "error": None}],
     "has no outputs for stack 'prod'; write the report with this preflight's --json"),
])
def test_options_and_reports_that_cannot_answer_are_errors_naming_the_reference(tmp_path, option, report, message):
    path = tmp_path / "report.json"
    if isinstance(report, str):
        path.write_text(report)
    elif report is not None:
        write_report(tmp_path, *report)
    with pytest.raises(StackReferenceError, match=message):
        stackrefs.load([option.format(path=path, missing=tmp_path / "missing.json")])


def test_exports_withhold_secrets_and_list_invented_values_among_the_outputs():
    recording = {"outputs": {"vpcId": "vpc-0aaaaaaaaaaaaaaaa", "cidr": "10.0.0.0/16", "password": "hunter2",
                             "nested": {"ids": ["subnet-0bbbbbbbbbbbbbbbb"]}},
                 "secretOutputs": ["password"],
                 "invented": {"vpc-0aaaaaaaaaaaaaaaa": "getVpc id", "subnet-0bbbbbbbbbbbbbbbb": "getSubnets ids[0]",
                              "subnet-0cccccccccccccccc": "getSubnets ids[1]"}}
    exports = stackrefs.exports(recording)
    assert exports["outputs"] == {"vpcId": "vpc-0aaaaaaaaaaaaaaaa", "cidr": "10.0.0.0/16", "password": "[secret]",
                                  "nested": {"ids": ["subnet-0bbbbbbbbbbbbbbbb"]}}
    assert exports["secretOutputs"] == ["password"]
    assert exports["inventedValues"] == {"vpc-0aaaaaaaaaaaaaaaa": "getVpc id",
                                         "subnet-0bbbbbbbbbbbbbbbb": "getSubnets ids[0]"}


def test_the_child_matches_a_shorter_name_and_seeds_invented_values(tmp_path):
    path = write_report(tmp_path, stack())
    stackrefs._REFERENCES.clear()
    stackrefs._REFERENCES.update(stackrefs.load([f"acme/platform/prod={path}"]))
    try:
        assert stackrefs._answer("platform/prod")["name"] == "acme/platform/prod"
        with pytest.raises(LookupError, match="no report for the stack reference 'acme/platform/dev'"):
            stackrefs._answer("acme/platform/dev")
        seeded = Invented()
        stackrefs.seed(seeded)
        assert "vpc-0123" in seeded.values
        name, state = stackrefs.read("acme/platform/prod")
        assert state["secretOutputNames"] == ["dbPassword"]
        assert state["outputs"]["dbPassword"]["value"] == "[secret dbPassword of acme/platform/prod]"
    finally:
        stackrefs._REFERENCES.clear()


def test_the_program_sees_known_unknown_and_secret_outputs_as_the_report_has_them(tmp_path):
    import pulumi

    from preflight import engine
    from preflight.invented import UNKNOWN

    preview_report = stack(outputs={"vpcId": "vpc-0123", "albArn": UNKNOWN, "dbPassword": "[secret]"})
    path = write_report(tmp_path, preview_report)
    stackrefs.install(stackrefs.load([f"acme/platform/prod={path}"]))

    def program():
        ref = pulumi.StackReference("acme/platform/prod")
        pulumi.export("vpc", ref.get_output(pulumi.Output.from_input("vpcId")))
        pulumi.export("alb", ref.require_output("albArn"))
        pulumi.export("password", ref.get_output("dbPassword"))

    try:
        recording = engine.run(program, project="svc", stack="prod", config={}, preview=True)
    finally:
        stackrefs.install({})
    assert recording.outputs == {"vpc": "vpc-0123", "alb": UNKNOWN, "password": engine.REDACTED_SECRET}
    assert recording.secret_outputs == ["password"]
    # The program saw a placeholder, which the pack will not judge.
    assert "[secret dbPassword of acme/platform/prod]" in recording.invented

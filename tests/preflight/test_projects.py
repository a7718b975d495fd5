"""``python -m preflight`` on small projects written for these tests (``tests/fixtures/projects``), as another team
would run it on its own project: its own virtualenv, data sources, stack references, values only AWS knows.

The virtualenv test lets the preflight create the project's virtualenv from the project's requirements, as
``pulumi install`` does (``python -m venv``, pip upgrade, ``pip install -r requirements.txt``), with the project's
own package installed from its path and the Pulumi SDKs from this interpreter (``tests.virtualenvs``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.preflight.recordings import PACK, REPO
from tests.virtualenvs import host_site_wheel

PROJECTS = REPO / "tests" / "fixtures" / "projects"
PROBE = PROJECTS / "probe-pack"


def preflight(project: Path, *args: str, pack: Path = PROBE, out: Path | None = None, env=None):
    command = [sys.executable, "-m", "preflight", "--project-dir", str(project), "--policy-pack", str(pack), *args]
    if out is not None:
        command += ["--json", str(out)]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600, env=env)
    report = json.loads(out.read_text()) if out is not None and out.exists() else None
    return proc, report


def stack_of(report: dict, name: str) -> dict:
    return next(s for s in report["stacks"] if s["stack"] == name)


def seen(stack: dict) -> dict[str, dict]:
    """What the probe pack was shown, per resource name."""
    out = {}
    for v in stack["violations"]:
        if v["policy"] == "probe":
            probe = json.loads(v["message"])
            out[probe["name"]] = probe["props"]
    return out


# ---- (1) the project's own virtualenv ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_venv(tmp_path_factory):
    project = tmp_path_factory.mktemp("own-venv") / "project"
    shutil.copytree(PROJECTS / "own-venv", project)
    wheel = host_site_wheel(project / "wheels")
    with (project / "requirements.txt").open("a") as f:
        f.write(f"./wheels/{wheel.name}\n")
    out = project.parent / "report.json"
    proc, report = preflight(project, "--all", pack=PACK, out=out)
    return project, proc, report


def test_the_program_runs_in_the_virtualenv_its_project_declares_created_from_its_requirements(own_venv):
    project, proc, report = own_venv
    assert f"creating the project's virtualenv {project / 'venv'}" in proc.stderr
    assert (project / "venv" / "bin" / "python").is_file()
    dev = stack_of(report, "dev")
    assert dev["error"] is None, dev["error"]
    assert dev["outputs"]["tags"] == {"Owner": "payments", "Stack": "dev", "ManagedBy": "pulumi"}
    assert Path(dev["outputs"]["python"]).resolve() == (project / "venv").resolve()
    # The recorder needs only pulumi: none of the preflight's parent side (YAML config, gRPC client, report).
    modules = set(dev["outputs"]["preflightModules"])
    assert not modules & {"preflight.stackconfig", "preflight.analyzer", "preflight.report",
                          "preflight.environment"}, modules
    assert dev["resources"]["byType"] == {"aws:cloudwatch/logGroup:LogGroup": 1}


def test_required_config_the_program_asks_for_fails_clearly_in_the_projects_own_python(own_venv):
    _, proc, report = own_venv
    ownerless = stack_of(report, "ownerless")
    assert proc.returncode == 2 and ownerless["exitCode"] == 2
    assert ownerless["error"].startswith("Missing required configuration variable 'own-venv:owner'")
    assert "Traceback" not in proc.stderr


def test_an_existing_virtualenv_is_used_as_it_is(own_venv, tmp_path):
    project, _, _ = own_venv
    proc, report = preflight(project, "--stack", "dev", pack=PACK, out=tmp_path / "again.json")
    assert proc.returncode == 0, proc.stderr
    assert "creating" not in proc.stderr


def test_the_preflights_own_python_cannot_run_that_program(own_venv, tmp_path):
    """Without the virtualenv (no runtime options) the package is missing, and the message says where it ran."""
    project, _, _ = own_venv
    bare = tmp_path / "bare"
    shutil.copytree(project, bare, ignore=shutil.ignore_patterns("venv"))
    (bare / "Pulumi.yaml").write_text((bare / "Pulumi.yaml").read_text().replace(
        "  options:\n    toolchain: pip\n    virtualenv: venv\n", ""))
    proc, _ = preflight(bare, "--stack", "dev", pack=PACK)
    assert proc.returncode == 2
    assert "ModuleNotFoundError: No module named 'fixture_tags'" in proc.stdout
    assert "the program ran with the preflight's own Python" in proc.stdout


def test_a_failing_pip_install_is_reported_with_pips_last_lines(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "own-venv", project)
    (project / "requirements.txt").write_text("./vendor/no-such-package\n")
    proc, report = preflight(project, "--stack", "dev", pack=PACK, out=tmp_path / "report.json")
    assert proc.returncode == 2 and report["exitCode"] == 2
    assert "pip install --quiet -r requirements.txt" in stack_of(report, "dev")["error"]
    assert "creating the virtualenv venv (pip) for project: `python -m pip install --quiet -r requirements.txt` " \
           "exited with 1; its last lines:" in proc.stdout
    assert "no-such-package" in proc.stdout.split("its last lines:", 1)[1]


# ---- (2) data sources ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lookups(tmp_path_factory):
    out = tmp_path_factory.mktemp("lookups") / "report.json"
    proc, report = preflight(PROJECTS / "datasources", "--stack", "dev", out=out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return stack_of(report, "dev")


def test_common_data_sources_answer_like_aws(lookups):
    outputs = lookups["outputs"]
    assert outputs["account"] == "123456789012" and outputs["partition"] == "aws"
    assert outputs["zones"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    subnets = outputs["subnets"]
    assert [s["zone"] for s in subnets] == outputs["zones"]  # one default subnet per zone
    assert [s["cidr"] for s in subnets] == ["172.31.0.0/20", "172.31.16.0/20", "172.31.32.0/20"]
    assert len({s["id"] for s in subnets}) == 3 and all(s["id"].startswith("subnet-") for s in subnets)
    default_vpc = {v for v, source in lookups["inventedValues"].items() if source == "aws:ec2/getVpc:getVpc id"}
    assert {s["vpc"] for s in subnets} == default_vpc and len(default_vpc) == 1
    assert outputs["vpcCidr"] == "172.31.0.0/16"
    assert outputs["ami"]["id"].startswith("ami-") and outputs["ami"]["architecture"] == "x86_64"
    assert outputs["ecsAmi"].startswith("ami-")
    assert outputs["deployer"]["arn"] == "arn:aws:iam::123456789012:role/deployer"
    assert json.loads(outputs["deployer"]["trust"])["Statement"][0]["Action"] == "sts:AssumeRole"
    assert outputs["cluster"]["endpoint"].startswith("https://") and outputs["cluster"]["token"].startswith(
        "k8s-aws-v1.")
    assert outputs["cluster"]["subnets"] == [s["id"] for s in subnets]
    assert outputs["registry"] == {"endpoint": "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com", "user": "AWS"}
    assert outputs["key"]["alias"] == "arn:aws:kms:eu-west-1:123456789012:alias/platform"
    assert outputs["zone"]["id"].startswith("Z") and len(outputs["zone"]["servers"]) == 4
    assert outputs["certificate"].startswith("arn:aws:acm:eu-west-1:123456789012:certificate/")
    assert outputs["elbAccount"] == "arn:aws:iam::156460612806:root"


def test_uncommon_data_sources_answer_every_field_from_the_sdks_result_type(lookups):
    uncommon = lookups["outputs"]["uncommon"]
    assert all(isinstance(v, str) and v for v in uncommon.values()), uncommon
    assert uncommon["table"] == "arn:aws:dynamodb:eu-west-1:123456789012:table/users"
    assert uncommon["authorizer"].startswith("arn:aws:lambda:eu-west-1:123456789012:function/")
    assert uncommon["queue"].startswith("https://")


def test_resources_reach_the_pack_with_exact_policy_documents(lookups):
    props = seen(lookups)
    trust = json.loads(props["task"]["assumeRolePolicy"])
    assert trust == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]}
    access = json.loads(props["task-access"]["policy"])
    assert access["Statement"] == [
        {"Sid": "ReadAssets", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"],
         "Resource": ["arn:aws:s3:::assets-123456789012-eu-west-1/*", "arn:aws:s3:::assets-123456789012-eu-west-1"]},
        {"Sid": "ReadUsers", "Effect": "Allow", "Action": ["dynamodb:Query", "dynamodb:GetItem"],
         "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/users"},
        {"Sid": "Jobs", "Effect": "Allow", "Action": "sqs:SendMessage",
         "Resource": "arn:aws:sqs:eu-west-1:123456789012:queue/jobs"},
    ]
    delivery = json.loads(props["lb-logs-delivery"]["policy"])["Statement"][0]
    assert delivery["Principal"] == {"AWS": "arn:aws:iam::156460612806:root"}
    assert props["task-execution"]["policyArn"] == "arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy"


def test_invented_values_reach_the_pack_as_unknowns(lookups):
    props = seen(lookups)
    assert props["web"]["vpcId"] == "<unknown>"  # the default VPC's id is the preflight's invention
    assert props["bastion"]["ami"] == "<unknown>" and props["bastion"]["subnetId"] == "<unknown>"
    assert props["bastion"]["instanceType"] == "t3.micro"  # the program's own values are shown as they are
    assert props["bastion"]["vpcSecurityGroupIds"][0].startswith("sg-")  # a resource of the stack: known


# ---- (3) stack references: company → department → team -----------------------------------------------------------


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chain")
    chain = PROJECTS / "chain"
    reports = {}
    for level, reference in (("company", None), ("department", "acme/company/prod"),
                             ("team", "acme/department/prod")):
        args = ["--all"]
        if reference:
            args += ["--stack-reference", f"{reference}={reports[reference.split('/')[1]]}"]
        proc, report = preflight(chain / level, *args, out=tmp / f"{level}.json")
        reports[level] = tmp / f"{level}.json"
        assert report is not None, proc.stderr
        reports[f"{level}-run"] = (proc, report)
    return reports


def test_each_level_reads_the_previous_levels_report(chain):
    company = stack_of(chain["company-run"][1], "prod")
    department = stack_of(chain["department-run"][1], "prod")
    team = stack_of(chain["team-run"][1], "prod")
    assert chain["company-run"][0].returncode == chain["department-run"][0].returncode == 0
    assert department["outputs"]["departmentName"] == "acme-payments"
    assert department["outputs"]["vpcId"] == company["outputs"]["vpcId"]
    assert team["outputs"]["team"] == "acme-payments-checkout"
    assert team["outputs"]["auditBucketArn"] == company["outputs"]["auditBucketArn"] == "arn:aws:s3:::acme-audit-logs"
    rule = seen(team)["team-from-department"]
    assert rule["securityGroupId"] == department["outputs"]["securityGroupId"]


def test_secret_outputs_stay_secret_at_every_level_and_reports_withhold_them(chain):
    for level in ("company", "department", "team"):
        stack = stack_of(chain[f"{level}-run"][1], "prod")
        assert stack["secretOutputs"] == ["registryPassword"], level
        assert stack["outputs"]["registryPassword"] == "[secret]", level
        assert "hunter2" not in json.dumps(chain[f"{level}-run"][1])
    assert stack_of(chain["team-run"][1], "prod")["outputs"]["passwordIsSecret"] is True


def test_an_invented_value_stays_invented_through_the_chain(chain):
    company = stack_of(chain["company-run"][1], "prod")
    department = stack_of(chain["department-run"][1], "prod")
    vpc_id = company["outputs"]["vpcId"]
    assert company["inventedValues"] == {vpc_id: "aws:ec2/getVpc:getVpc id"}
    assert department["inventedValues"] == company["inventedValues"]
    assert seen(department)["department"]["vpcId"] == "<unknown>"
    assert seen(stack_of(chain["team-run"][1], "prod"))["team"]["vpcId"] == "<unknown>"


def test_an_output_the_report_lacks_fails_the_run_naming_reference_and_output(chain):
    proc, report = chain["team-run"]
    stale = stack_of(report, "stale")
    assert proc.returncode == 2 and stale["exitCode"] == 2
    assert "at __main__.py:10: department.get_output(extra)" in stale["error"]
    assert "stack reference 'acme/department/prod' has no output 'databaseUrl'" in stale["error"]
    assert "(outputs: auditBucketArn, departmentName, registryPassword, securityGroupId, vpcId)" in stale["error"]


def test_a_reference_without_a_report_fails_the_run_with_the_option_to_pass(tmp_path):
    proc, report = preflight(PROJECTS / "chain" / "department", "--stack", "prod", out=tmp_path / "r.json")
    assert proc.returncode == 2
    assert ("no report for the stack reference 'acme/company/prod': run the preflight with --stack-reference "
            "acme/company/prod=REPORT.json") in stack_of(report, "prod")["error"]


# ---- (4) a value only AWS knows -------------------------------------------------------------------------------------


def test_an_alb_in_the_default_vpcs_subnets_is_not_judged_on_invented_subnets(tmp_path):
    proc, report = preflight(PROJECTS / "default-vpc", "--stack", "dev", pack=PACK, out=tmp_path / "r.json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    stack = stack_of(report, "dev")
    assert [v for v in stack["violations"] if v["policy"] == "alb-multi-az"] == []
    (group,) = [g for g in stack["notEvaluated"] if g["policy"] == "alb-multi-az"]
    (where,) = group["where"]
    assert where["urn"].endswith("aws:lb/loadBalancer:LoadBalancer::public")
    assert where["reason"].startswith("string value at .subnets is not known offline: it comes from "
                                      "aws:ec2/getSubnets:getSubnets")
    assert "alb-multi-az" in proc.stdout and "not evaluated" in proc.stdout

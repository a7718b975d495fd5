"""The CI workflow cannot silently rot: it is a valid GitHub workflow, and what it runs and needs exists here."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from preflight.__main__ import build_parser

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "preflight.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True) if True in data else data["on"]  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict, job: str | None = None) -> list[dict]:
    jobs = [workflow["jobs"][job]] if job else list(workflow["jobs"].values())
    return [s for j in jobs for s in j.get("steps") or []]


def step_using(workflow: dict, action: str) -> tuple[str, dict]:
    found = [(name, s) for name, j in workflow["jobs"].items() for s in j.get("steps") or []
             if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"expected one step using {action}, found {len(found)}"
    return found[0]


def permissions(workflow: dict, job: str) -> dict:
    return {**(workflow.get("permissions") or {}), **(workflow["jobs"][job].get("permissions") or {})}


def make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w.-]*):", (REPO / "Makefile").read_text(), re.MULTILINE))


def preflight_options(workflow: dict) -> list[str]:
    """Every option passed to the preflight: in ``ARGS="..."`` of make and in the ``args="..."`` the run builds."""
    found = []
    for step in steps(workflow):
        for text in re.findall(r'\b(?:ARGS|args)="([^"]*)"', step.get("run", "")):
            found += [token for token in shlex.split(text) if token.startswith("-")]
    return found


def test_it_is_a_valid_github_workflow():
    proc = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_it_runs_on_every_pull_request_and_on_main(workflow):
    assert "pull_request" in workflow["on"] and workflow["on"]["pull_request"] in (None, {})  # no filter
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}  # jobs ask for more where they need it


def test_every_make_target_it_runs_exists(workflow):
    used = {m for s in steps(workflow) for m in re.findall(r"\bmake\s+([a-z][\w-]*)", s.get("run", ""))}
    assert {"test", "lint", "preflight", "venv"} <= used
    assert used <= make_targets(), used - make_targets()


def test_every_preflight_option_it_passes_exists(workflow):
    known = {o for action in build_parser()._actions for o in action.option_strings}
    used = preflight_options(workflow)
    assert {"--all", "--json", "--sarif", "--baseline", "--baseline-markdown", "--project-dir",
            "--policy-pack"} <= set(used)
    assert set(used) <= known, set(used) - known


def test_the_tests_and_the_preflight_run(workflow):
    assert any(s.get("run", "").strip() == "make test" for s in steps(workflow, "test"))
    runs = "\n".join(s.get("run", "") for s in steps(workflow, "preflight"))
    assert 'args="--all --json preflight-report.json --sarif preflight.sarif"' in runs
    assert 'make preflight ARGS="$args"' in runs
    assert "--baseline preflight-base.json --baseline-markdown preflight-changes.md" in runs


def test_the_sarif_is_uploaded_with_the_permission_it_needs(workflow):
    job, step = step_using(workflow, "github/codeql-action/upload-sarif")
    assert job == "preflight" and step["with"]["sarif_file"] == "preflight.sarif"
    assert permissions(workflow, job)["security-events"] == "write"
    assert "!cancelled()" in step["if"]  # also after a mandatory violation failed the preflight step


def test_the_report_is_kept_and_the_comparison_posted(workflow):
    job, artifact = step_using(workflow, "actions/upload-artifact")
    assert "preflight-report.json" in artifact["with"]["path"].split()
    job, comment = step_using(workflow, "marocchino/sticky-pull-request-comment")
    assert comment["with"]["path"] == "preflight-changes.md" and comment["with"]["header"]
    assert permissions(workflow, job)["pull-requests"] == "write"
    base = next(s for s in steps(workflow, job) if s.get("uses", "").startswith("actions/checkout")
                and (s.get("with") or {}).get("ref"))
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert f"--project-dir {base['with']['path']}" in "\n".join(s.get("run", "") for s in steps(workflow, job))


def test_the_preview_runs_per_stack_only_with_credentials(workflow):
    job, step = step_using(workflow, "pulumi/actions")
    preview = workflow["jobs"][job]
    assert preview["if"] == "needs.credentials.outputs.available == 'true'"
    assert "credentials" in preview["needs"]
    check = workflow["jobs"]["credentials"]
    assert check["outputs"]["available"] == "${{ steps.check.outputs.available }}"
    gate = next(s for s in check["steps"] if s.get("id") == "check")
    assert gate["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    assert "AWS_ROLE_ARN" in gate["env"] and 'echo "available=true"' in gate["run"]
    stacks = sorted(p.name.split(".")[1] for p in REPO.glob("Pulumi.*.yaml"))
    assert sorted(preview["strategy"]["matrix"]["stack"]) == stacks
    assert all((REPO / "policies" / "config" / f"{s}.json").is_file() for s in stacks)
    assert step["with"]["command"] == "preview" and step["with"]["stack-name"] == "${{ matrix.stack }}"
    assert step["with"]["policyPacks"] == "policies" and (REPO / "policies" / "PulumiPolicy.yaml").is_file()
    assert step["with"]["policyPackConfigs"] == "policies/config/${{ matrix.stack }}.json"
    assert step["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    assert permissions(workflow, job)["id-token"] == "write"
    sdk = re.search(r"^pulumi==(\S+)$", (REPO / "requirements.txt").read_text(), re.MULTILINE)[1]
    assert step["with"]["pulumi-version"] == sdk


def test_every_action_is_pinned_to_a_release(workflow):
    used = [s["uses"] for s in steps(workflow) if "uses" in s]
    assert used and all(re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+\.\d+\.\d+", u) for u in used), used

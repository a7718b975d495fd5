"""End to end on the real project: every stack, as an update and as a preview, against the real pack."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from preflight import analyzer
from tests.preflight.recordings import PACK, REPO

STACKS = {"dev", "staging", "prod"}


def run_all(tmp_path_factory, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    work = tmp_path_factory.mktemp("preflight")
    out = work / "report.json"
    proc = subprocess.run([sys.executable, "-m", "preflight", "--all", "--json", str(out),
                           "--keep-recordings", str(work / "recordings"), *extra],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert out.exists(), proc.stdout + proc.stderr
    report = json.loads(out.read_text())
    report["recordings"] = work / "recordings"
    return proc, report


@pytest.fixture(scope="module")
def update(tmp_path_factory):
    return run_all(tmp_path_factory)


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    return run_all(tmp_path_factory, "--preview")


def mandatory(report: dict) -> dict[str, list[str]]:
    return {s["stack"]: [f"{v['policy']} on {v['urn']}: {v['message']}" for v in s.get("violations", [])
                         if v["enforcementLevel"] == "mandatory"] for s in report["stacks"]}


@pytest.mark.parametrize("mode", ["update", "preview"])
def test_every_stack_passes_the_pack(mode, request):
    proc, report = request.getfixturevalue(mode)
    assert {s["stack"] for s in report["stacks"]} == STACKS
    errors = {s["stack"]: s["error"] for s in report["stacks"] if s["error"]}
    assert errors == {}
    assert mandatory(report) == dict.fromkeys(STACKS, [])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert all(s["resources"]["count"] > 0 for s in report["stacks"])


def test_update_evaluates_everything(update):
    _, report = update
    assert {s["stack"]: s["notEvaluated"] for s in report["stacks"]} == dict.fromkeys(STACKS, [])


def test_preview_lists_what_it_could_not_evaluate(preview):
    _, report = preview
    # A preview of a new stack cannot know ids and ARNs: some policies must say so, per stack.
    empty = [s["stack"] for s in report["stacks"] if not s["notEvaluated"]]
    assert empty == [], f"no not-evaluated policy reported for {empty}"


SCALED = "ecs-scaled-service-ignores-desired-count"


def test_a_service_that_stops_ignoring_desired_count_is_caught(update):
    _, report = update
    recording = json.loads((report["recordings"] / "dev.json").read_text())
    services = [r for r in recording["resources"] if r["type"] == "aws:ecs/service:Service"]
    assert services and all(s["options"]["ignoreChanges"] == ["desiredCount"] for s in services)
    dev = next(s for s in report["stacks"] if s["stack"] == "dev")
    row = next(p for p in dev["policies"] if p["name"] == SCALED)
    assert (row["violations"], row["notApplicable"], row["enforcementLevel"]) == (0, 0, "mandatory")

    # The program without ignore_changes=["desiredCount"] on one service: what the engine would then be sent.
    services[0]["options"]["ignoreChanges"] = []
    analysis = analyzer.analyze_recording(recording, PACK)
    found = [d for d in analysis.violations if d.policy == SCALED]
    assert [(d.urn, d.level) for d in found] == [(services[0]["urn"], "mandatory")], analysis.violations


@pytest.mark.parametrize("mode", ["update", "preview"])
def test_a_clean_run_fits_on_one_screen(mode, request):
    proc, _ = request.getfixturevalue(mode)
    lines = proc.stdout.splitlines() + proc.stderr.splitlines()
    assert len(lines) <= 50, "\n".join(lines)
    assert not set(proc.stdout.splitlines()) & set(proc.stderr.splitlines())


def test_violations_name_the_stack_key_that_controls_them(update):
    _, report = update
    dev = next(s for s in report["stacks"] if s["stack"] == "dev")
    fixes = {(v["policy"], v["resourceName"]): (v["stackKey"], v["fix"]) for v in dev["violations"]}
    assert fixes[("alb-access-logs", "alb")] == (
        "container-platform:albAccessLogs", "Pulumi.dev.yaml: set container-platform:albAccessLogs: true")
    assert fixes[("ecs-read-only-root-filesystem", "web")] == (
        "container-platform:services[web].readOnlyRootFilesystem",
        "Pulumi.dev.yaml: set container-platform:services[web].readOnlyRootFilesystem: true")
    assert all(v["remediation"] for v in dev["violations"])


def test_each_stack_reports_its_outputs(update, preview):
    for _, report in (update, preview):
        for stack in report["stacks"]:
            assert {"vpcId", "albDnsName", "services"} <= set(stack["outputs"]), stack["stack"]
    dev = next(s for s in update[1]["stacks"] if s["stack"] == "dev")
    assert dev["outputs"]["region"] == "eu-west-1" and set(dev["outputs"]["services"]) == {"web", "api"}


def test_the_packs_serving_shortcuts_change_no_answer(update, preview):
    """guardrails.serving converts each request once per call and builds the stack once per AnalyzeStack: every
    answer about every stack, update and preview, is byte for byte what pulumi_policy answers without it."""
    _, up = update
    _, pre = preview
    recordings = sorted(str(p) for d in (up["recordings"], pre["recordings"]) for p in d.glob("*.json"))
    assert len(recordings) == 2 * len(STACKS), recordings
    proc = subprocess.run([sys.executable, "-m", "tests.preflight.serving_check", *recordings], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ", 0 differ" in proc.stdout, proc.stdout


def _without_timings(report: dict) -> dict:
    return {**report, "recordings": None,
            "stacks": [{k: v for k, v in s.items() if k not in ("seconds", "timings")} for s in report["stacks"]]}


@pytest.mark.parametrize("mode", ["update", "preview"])
def test_the_fast_path_reports_what_the_subprocess_path_reports(mode, request, tmp_path_factory, monkeypatch):
    """Zygotes and analysis while the program runs (the default) against a new interpreter per recorder and pack and
    analysis after the program (PREFLIGHT_FAST=0): every stack's JSON report is the same but for its timings."""
    _, fast = request.getfixturevalue(mode)
    monkeypatch.setenv("PREFLIGHT_FAST", "0")
    _, slow = run_all(tmp_path_factory, *(["--preview"] if mode == "preview" else []))
    assert _without_timings(fast) == _without_timings(slow)

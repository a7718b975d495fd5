"""The fast path's pieces: what a program will import, the engine's order of resources, the zygote's children,
and ``--watch`` on the fixture program (tests/fixtures/preflight/network)."""

from __future__ import annotations

import os
import random
import selectors
import shutil
import signal
import subprocess
import sys
import time

from preflight import analyzer, preload, report, watch, zygote_client
from preflight.analyzer import Diagnostic
from tests.preflight.recordings import FIXTURE, PACK, REPO


def test_preload_finds_the_pulumi_modules_a_program_reaches_by_attribute(tmp_path):
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\nimport helpers.net\nfrom pulumi_aws import iam\n"
        "aws.ec2.Vpc('v')\niam.Role('r')\n")
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "__init__.py").write_text("")
    (tmp_path / "helpers" / "net.py").write_text("import json\nimport pulumi_aws as cloud\ncloud.s3.Bucket('b')\n")
    outside, local = preload.scan([tmp_path / "__main__.py"], [tmp_path])
    assert {"pulumi_aws", "pulumi_aws.ec2", "pulumi_aws.iam", "pulumi_aws.s3", "json"} <= set(outside), outside
    assert set(local) == {"helpers", "helpers.net"}, local


def _resource(urn: str, parent: str = "", deps: tuple[str, ...] = (), provider: str = "") -> dict:
    return {"urn": urn, "type": "t:m:T", "parent": parent, "dependencies": list(deps), "provider": provider}


def test_the_engine_order_is_the_same_whatever_order_registrations_arrived_in():
    resources = [_resource("u:a"), _resource("u:b", parent="u:a"), _resource("u:c", deps=("u:b",)),
                 _resource("u:d", provider="u:a::id"), _resource("u:0", deps=("u:d",)), _resource("u:e")]
    expected = [r["urn"] for r in analyzer.canonical_order(resources)]
    for seed in range(20):
        shuffled = list(resources)
        random.Random(seed).shuffle(shuffled)
        assert [r["urn"] for r in analyzer.canonical_order(shuffled)] == expected
    position = {urn: i for i, urn in enumerate(expected)}
    assert position["u:a"] < position["u:b"] < position["u:c"]  # parent, then dependency
    assert position["u:a"] < position["u:d"] < position["u:0"]  # provider, then dependency
    assert expected[0] == "u:a"  # among those free to come first, the smallest URN


def test_a_zygote_child_runs_a_module_with_its_own_directory_environment_and_arguments(tmp_path):
    (tmp_path / "probe.py").write_text(
        "import json, os, sys\nprint(json.dumps({'cwd': os.getcwd(), 'argv': sys.argv[1:], "
        "'env': os.environ.get('PROBE'), 'path0': sys.path[0]}))\nsys.exit(3)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PROBE": "yes"}
    zygotes = zygote_client.Zygote.start(sys.executable, env=env, cwd=REPO, pack=PACK)
    try:
        child = zygotes["pack"].fork("probe", argv=["-m", "one", "two"], cwd=tmp_path, env=env,
                                     path=[str(tmp_path)])
        out = child.stdout.read().decode()
        assert child.wait(60) == 3
        assert f'"cwd": "{tmp_path}"' in out and '"argv": ["one", "two"]' in out and '"env": "yes"' in out, out
        assert f'"path0": "{tmp_path}"' in out, out
    finally:
        for z in zygotes.values():
            z.close()


def _finding(policy: str, urn: str, level: str = "mandatory") -> report.Finding:
    return report.Finding(Diagnostic(policy, level, "high", urn, f"{policy} message", False, "stack"), "t:m:T",
                          urn.rsplit("::", 1)[-1], "", None)


def test_a_recheck_prints_only_new_and_gone_findings():
    before = report.StackResult("dev", False, 1.0, findings=[_finding("a", "u::x"), _finding("b", "u::y")])
    after = report.StackResult("dev", False, 1.0, findings=[_finding("b", "u::y"), _finding("c", "u::z")])
    lines = watch.changes(before, after, 0.5)
    assert lines[0].startswith("dev: re-checked in 0.50 s") and "1 new, 1 gone" in lines[0], lines
    assert [line[:4] for line in lines[1:]] == ["  + ", "  - "], lines
    assert "c: z (t:m:T)" in lines[1] and "a: x (t:m:T)" in lines[2], lines
    broken = report.StackResult("dev", False, 1.0, error="Pulumi.dev.yaml: bad")
    assert watch.changes(after, broken, 0.5)[1:] == ["  Pulumi.dev.yaml: bad"]
    assert watch.changes(broken, broken, 0.5) == ["dev: re-checked in 0.50 s: still cannot be checked"]


def test_watch_rechecks_on_save_and_stops_on_ctrl_c(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    proc = subprocess.Popen([sys.executable, "-m", "preflight", "--project-dir", str(project), "--policy-pack",
                             str(PACK), "--stack", "open", "--watch"], cwd=REPO, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    seen = b""

    def until(marker: bytes, timeout: float = 240) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while marker not in seen:
            assert time.monotonic() < deadline, seen.decode()
            if selector.select(1):
                chunk = os.read(proc.stdout.fileno(), 65536)
                assert chunk, seen.decode()
                seen += chunk

    try:
        until(b"watching")
        assert b"no-public-ingress" in seen
        stack_file = project / "Pulumi.open.yaml"
        stack_file.write_text(stack_file.read_text().replace("0.0.0.0/0", "10.0.0.0/8"))
        until(b"re-checked")
        until(b"gone")
        line = next(x for x in seen.decode().splitlines() if "re-checked" in x)
        assert "open: re-checked in" in line and "0 new, 1 gone" in line, seen.decode()
        assert "  - mandatory no-public-ingress: fixture-bastion-ssh" in seen.decode(), seen.decode()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0, seen.decode()
        seen += proc.stdout.read()
        assert b"stopped watching" in seen and b"Traceback" not in seen, seen.decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _edit_between_forks(project, files: dict[str, str], changed: str, new: str) -> tuple[str, str]:
    """What ``probe.py`` prints in a recorder forked from a warm zygote of ``project`` (made of ``files``), before
    and after ``changed`` gets the text ``new`` (with a later modification time)."""
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    zygotes = zygote_client.Zygote.start(sys.executable, env=env, cwd=project, program=project)

    def probe() -> str:
        child = zygotes["program"].fork("probe", argv=["-m"], cwd=project, env=env, path=[str(project)])
        out = child.stdout.read().decode().strip()
        assert child.wait(120) == 0, child.stderr.read().decode()
        return out

    try:
        before = probe()
        (project / changed).write_text(new)
        os.utime(project / changed, ns=(time.time_ns(), time.time_ns() + 10**9))
        return before, probe()
    finally:
        for z in zygotes.values():
            z.close()


def test_a_recorder_forked_after_a_change_imports_the_changed_module_and_its_importers_again(tmp_path):
    before, after = _edit_between_forks(tmp_path, {
        "__main__.py": "import user\n",
        "helper.py": "VALUE = 'old'\n",
        "user.py": "from helper import VALUE\nSEEN = VALUE\n",
        "other.py": "NAME = 'other'\n",
        "probe.py": "import sys\nwarm = 'user' in sys.modules\nimport user\nprint(user.SEEN, warm)\n",
    }, "helper.py", "VALUE = 'new'\n")
    assert before == "old True"  # imported by the zygote
    assert after == "new False"  # user imported the old VALUE: it is imported again too


def test_a_changed_module_of_a_package_is_imported_again_through_from_package_import(tmp_path):
    before, after = _edit_between_forks(tmp_path, {
        "__main__.py": "from pkg import user\n",
        "pkg/__init__.py": "",
        "pkg/helper.py": "VALUE = 'old'\n",
        "pkg/user.py": "from pkg import helper\nSEEN = helper.VALUE\n",
        "probe.py": "from pkg import user\nprint(user.SEEN)\n",
    }, "pkg/helper.py", "VALUE = 'new'\n")
    assert before == "old"
    assert after == "new"  # not the old pkg.user the package still named

"""The preflight's benchmark: each speed goal measured, with its ratio. Not a test (``make bench``).

    .venv/bin/python benchmarks/preflight_bench.py [--repeat N] [--sizes 4,16,64,256] [--no-cdk] [--quick]

1. ``--all`` against the largest stack's program alone: wall time of ``python -m preflight --all`` and of a new
   interpreter that runs that stack's program under the preflight's mock engine and nothing else (imports included,
   no pack, no report). Goal: at most 1.3x.
2. Analysis rate once warm: a pack over gRPC, asked ``Analyze`` for every resource and ``AnalyzeStack`` once, a
   second time (the first warms it); resources per second. Goal: at least 1,000/s, and no worse at 256 services.
3. Growth: one generated environment (``benchmarks/environment.py``) of N services; resources, wall and CPU time,
   resources per second, peak memory. Goal: the cost per resource at 256 services at most 1.1x that at 16.
4. Against AWS CDK: the same environment's ``cdk synth`` with cdk-nag's AwsSolutions checks
   (``benchmarks/cdk``; needs Node.js, installs aws-cdk-lib and cdk-nag on first use). Goal: the preflight faster.
5. ``--watch``: from saving a project file to the changed findings on the screen, for dev. Goal: under 1 s.
6. Memory: peak memory of ``--all`` (all of its processes, shared pages counted once) against the largest stack's
   program alone. Goal: at most 1.5x.

Then where the time goes: the phases of ``--all`` and a profile of the program run by package.
The machine is shared: every figure is the best of ``--repeat`` runs (least wall time; least CPU and memory).
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import benchmark_requests  # noqa: E402 - benchmarks/ is on sys.path when run as a script
import environment  # noqa: E402
import measure  # noqa: E402

from preflight import analyzer, stackconfig  # noqa: E402

PYTHON = sys.executable
PROGRAM_ALONE = """
import json, runpy, sys
from preflight import engine
given = json.load(open(sys.argv[1]))
sys.path.insert(0, given["dir"])
recording = engine.run(lambda: runpy.run_path(given["program"], run_name="__main__"), project=given["project"],
                       stack=given["stack"], config=given["config"], secret_keys=given["secretKeys"])
print(len(recording.resources))
"""


def preflight(args: list[str], work: Path, *, env: dict | None = None, cwd: Path = REPO) -> tuple[measure.Run, dict]:
    out = work / "report.json"
    out.unlink(missing_ok=True)
    run = measure.run([PYTHON, "-m", "preflight", *args, "--json", str(out)], cwd=cwd,
                      env={**os.environ, **(env or {})})
    if run.returncode not in (0, 1) or not out.exists():
        raise SystemExit(f"preflight {' '.join(args)} failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
    return run, json.loads(out.read_text())


def program_alone(project: Path, stack: str, work: Path) -> measure.Run:
    config = stackconfig.load(project, stack)
    given = work / f"{stack}.program.json"
    given.write_text(json.dumps({"program": str(project / "__main__.py"), "dir": str(project), "stack": stack,
                                 "project": config.project, "config": config.values,
                                 "secretKeys": sorted(config.secret_keys)}))
    run = measure.run([PYTHON, "-c", PROGRAM_ALONE, str(given)], cwd=project,
                      env={**os.environ, "PYTHONPATH": str(REPO)})
    if run.returncode != 0:
        raise SystemExit(f"program alone failed:\n{run.stderr}")
    return run


def best_of(repeat: int, make) -> measure.Run:
    return measure.best([make() for _ in range(repeat)])


# ---- 2. analysis rate ----------------------------------------------------------------------------------------------


def analysis_rate(recording: dict, passes: int = 3) -> tuple[int, float]:
    """(resources, resources/s of the best warm pass): Analyze for all, then AnalyzeStack, against one pack."""
    measured, _ = _analysis(recording, passes)
    return measured


def _analysis(recording: dict, passes: int, noop: bool = False) -> tuple[tuple[int, float], float]:
    """((resources, resources/s over gRPC), no-op calls/s over the same channel when ``noop``, else 0)."""
    requests, stack_request = benchmark_requests.of(recording)
    policy_config, source, _ = analyzer.stack_policy_config(REPO / "policies", recording["stack"])
    pack = analyzer.PolicyPackProcess(REPO / "policies", project=recording["project"], stack=recording["stack"],
                                      config=recording.get("config") or {}, dry_run=bool(recording.get("preview")),
                                      secret_keys=recording.get("secretKeys") or ())
    from concurrent.futures import ThreadPoolExecutor

    times = []
    try:
        analyzer.prepare(pack, policy_config, source)
        with ThreadPoolExecutor(4) as pool:
            for _ in range(passes):
                t = time.perf_counter()
                list(pool.map(lambda req: pack.call("Analyze", req, req.urn), requests))
                pack.call("AnalyzeStack", stack_request, "stack")
                times.append(time.perf_counter() - t)
        floor = 0.0
        if noop:  # the channel's own cost: a call the pack answers without work, as many times, as many threads
            from google.protobuf import empty_pb2

            with ThreadPoolExecutor(4) as pool:
                for _ in range(passes):
                    t = time.perf_counter()
                    list(pool.map(lambda _: pack.stub.GetPluginInfo(empty_pb2.Empty(), timeout=60), requests))
                    floor = max(floor, len(requests) / (time.perf_counter() - t))
    finally:
        pack.close()
    return (len(requests), len(requests) / min(times[1:] or times)), floor


IN_PROCESS = """
import json, sys, time
sys.path.insert(0, sys.argv[2])
from guardrails.registry import all_policies
from guardrails.serving import install, warm
from pulumi_policy import EnforcementLevel
from pulumi_policy import policy as sdk
import benchmark_requests
install()
warm()
requests, stack_request = benchmark_requests.load(sys.argv[1])
servicer = sdk._PolicyAnalyzerServicer("bench", "1.0.0", all_policies(), EnforcementLevel.MANDATORY)
best = None
for _ in range(4):
    t = time.perf_counter()
    for request in requests:
        servicer.Analyze(request, None)
    servicer.AnalyzeStack(stack_request, None)
    took = time.perf_counter() - t
    best = took if best is None else min(best, took)
print(len(requests) / best)
"""


def in_process_rate(recording_file: Path) -> float:
    """Resources/s of the pack's own work: its servicer called directly in one process (no gRPC), best warm pass."""
    proc = subprocess.run([PYTHON, "-c", IN_PROCESS, str(recording_file), str(REPO / "policies")], cwd=REPO,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "benchmarks")])})
    if proc.returncode != 0:
        raise SystemExit(f"in-process analysis failed:\n{proc.stderr[-2000:]}")
    return float(proc.stdout.strip())


# ---- 4. CDK ----------------------------------------------------------------------------------------------------------


CDK_DIR = REPO / "benchmarks" / "cdk"


def cdk_ready() -> str | None:
    """Why the CDK comparison cannot run, or None when it can (installing its packages on first use)."""
    if not shutil.which("node") or not shutil.which("npm"):
        return "Node.js is not installed"
    if not (CDK_DIR / "node_modules" / "aws-cdk-lib").is_dir() or not (CDK_DIR / "node_modules" / "cdk-nag").is_dir():
        print("installing aws-cdk-lib and cdk-nag into benchmarks/cdk/node_modules (first use) ...", file=sys.stderr)
        proc = subprocess.run(["npm", "ci" if (CDK_DIR / "package-lock.json").exists() else "install", "--no-audit",
                               "--no-fund", "--loglevel=error"], cwd=CDK_DIR, capture_output=True, text=True)
        if proc.returncode != 0:
            return f"npm install failed: {proc.stderr.strip()[-300:]}"
    return None


def cdk(n: int, work: Path) -> measure.Run:
    out = work / f"cdk.out.{n}"
    shutil.rmtree(out, ignore_errors=True)
    run = measure.run(["node", str(CDK_DIR / "app.js"), str(n), str(out)], cwd=CDK_DIR)
    if run.returncode != 0:
        raise SystemExit(f"cdk app failed for {n} services:\n{run.stderr[-2000:]}")
    return run


# ---- 5. watch --------------------------------------------------------------------------------------------------------


def watch_latency(repeat: int) -> tuple[float, int] | None:
    """(best seconds from a saved file to the re-check's line, resources) with ``--watch --stack dev``."""
    import selectors

    proc = subprocess.Popen([PYTHON, "-m", "preflight", "--watch", "--stack", "dev"], cwd=REPO,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buffer = b""

    def wait_for(marker: bytes, timeout: float) -> str | None:
        nonlocal buffer
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            at = buffer.find(marker)
            end = buffer.find(b"\n", at) if at >= 0 else -1
            if end >= 0:  # the whole line is in
                start = buffer.rfind(b"\n", 0, at) + 1
                line, buffer = buffer[start:end], buffer[end + 1:]
                return line.decode()
            if sel.select(max(0.0, deadline - time.monotonic())):
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    return None
                buffer += chunk
        return None

    try:
        first = wait_for(b"watching", 300)
        if first is None:
            return None
        target = REPO / "components" / "shared" / "context.py"
        times, resources = [], 0
        for _ in range(repeat):
            time.sleep(1.2)
            saved = time.perf_counter()
            os.utime(target)
            line = wait_for(b"re-checked", 60)
            if line is None:
                return None
            found = re.search(r"\((\d+) resources\)", line)
            if found is None:  # the re-check could not check the stack: no figure
                print(f"   the re-check failed: {line}", flush=True)
                return None
            times.append(time.perf_counter() - saved)
            resources = int(found.group(1))
        return min(times), resources
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


# ---- where the time goes ---------------------------------------------------------------------------------------------


def program_profile(project: Path, stack: str) -> list[tuple[str, float]]:
    """Share of the program run's time by package (imports done first, as in a zygote's child)."""
    code = f"""
import cProfile, json, runpy, sys, pstats
sys.path.insert(0, {str(project)!r})
from pathlib import Path
from preflight import engine, stackconfig, zygote
zygote._preload_program(Path({str(project)!r}))
config = stackconfig.load(Path({str(project)!r}), {stack!r})
profile = cProfile.Profile()
profile.enable()
engine.run(lambda: runpy.run_path({str(project / "__main__.py")!r}, run_name="__main__"), project=config.project,
           stack={stack!r}, config=config.values, secret_keys=config.secret_keys)
profile.disable()
profile.dump_stats(sys.argv[1])
"""
    with tempfile.NamedTemporaryFile(suffix=".prof") as f:
        subprocess.run([PYTHON, "-c", code, f.name], cwd=REPO, check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(REPO)})
        stats = pstats.Stats(f.name).stats  # type: ignore[attr-defined]
    groups: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.items():
        path = filename.replace("\\", "/")
        if filename == "~":
            group = "built-in functions (isinstance, getattr, ...), called mostly by the SDK"
        elif "/pulumi_aws/" in path or "/pulumi_eks/" in path:
            group = "pulumi_aws, pulumi_eks (resource classes)"
        elif "/pulumi/" in path:
            group = "pulumi SDK (outputs, serialization, registration)"
        elif "/asyncio/" in path or "/concurrent/" in path or path.endswith("threading.py"):
            group = "asyncio and threads (the SDK's event loop and its RPC threads)"
        elif path.endswith(("/traceback.py", "/linecache.py", "/pathlib.py")):
            group = "stack traces for source positions (the SDK, per resource)"
        elif path.endswith(("/typing.py", "/typing_extensions.py", "/inspect.py")):
            group = "type hints (the SDK reading input types)"
        elif "/preflight/" in path:
            group = "preflight's mock engine (monitor, mocks)"
        elif path.startswith(str(project)) or any(f"/{p}/" in path for p in ("areas", "components", "settings")):
            group = "the program (areas, components, settings)"
        elif "google/protobuf" in path or "grpc" in path:
            group = "protobuf"
        elif path.endswith(("/json/decoder.py", "/json/encoder.py", "/json/__init__.py")):
            group = "json (botocore's data files, the recording)"
        else:
            group = "other standard library"
        groups[group] = groups.get(group, 0.0) + tottime
    total = sum(groups.values()) or 1.0
    return sorted(((g, t / total) for g, t in groups.items()), key=lambda x: -x[1])


# ---- main ------------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts")
    parser.add_argument("--sizes", default="4,16,64,256", help="service counts of the generated environments")
    parser.add_argument("--no-cdk", action="store_true", help="skip the CDK comparison")
    parser.add_argument("--quick", action="store_true", help="one run each, sizes 4,16,64")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.sizes = 1, "4,16,64"
    sizes = [int(s) for s in args.sizes.split(",") if s]
    repeat = max(1, args.repeat)
    stacks = stackconfig.stack_names(REPO)
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"preflight benchmark: best of {repeat}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory(prefix="preflight-bench-") as tmp:
        work = Path(tmp)

        # 1 and 6: --all against the largest stack's program alone
        all_run = best_of(repeat, lambda: preflight(["--all", "--keep-recordings", str(work / "rec")], work)[0])
        _, report = preflight(["--all", "--keep-recordings", str(work / "rec")], work)
        counts = {s["stack"]: s["resources"]["count"] for s in report["stacks"]}
        largest = max(counts, key=counts.get)
        alone = best_of(repeat, lambda: program_alone(REPO, largest, work))
        slow = best_of(repeat, lambda: preflight(["--all"], work, env={"PREFLIGHT_FAST": "0"})[0])
        paired = best_of(repeat, lambda: preflight(["--all", "--jobs", str(os.cpu_count() or 2)], work)[0])
        say()
        say("1. --all against the largest stack's program alone (goal: at most 1.3x)")
        say(f"   stacks {', '.join(f'{s} {counts[s]}' for s in stacks)} resources; largest: {largest}")
        say(f"   program alone ({largest}): {alone.wall:.2f} s wall, {alone.cpu:.2f} s CPU")
        say(f"   --all:                {all_run.wall:.2f} s wall, {all_run.cpu:.2f} s CPU   ratio "
            f"{all_run.wall / alone.wall:.2f}x")
        say(f"   --all, PREFLIGHT_FAST=0 (a new interpreter per process, analysis after the program): "
            f"{slow.wall:.2f} s ({slow.wall / alone.wall:.2f}x)")

        # 2: analysis rate once warm
        say()
        say("2. analysis (Analyze for every resource + AnalyzeStack) once warm (goal: at least 1,000 resources/s)")
        for stack in stacks:
            recording = json.loads((work / "rec" / f"{stack}.json").read_text())
            (n, rate), floor = _analysis(recording, 3, noop=True)
            own = in_process_rate(work / "rec" / f"{stack}.json")
            say(f"   {stack:<8} {n:>6} resources  {rate:>7.0f} resources/s over gRPC; the pack's own work "
                f"(in process) {own:.0f}/s; a no-op gRPC call {floor:.0f}/s")

        # 3 and 4: growth, and CDK
        say()
        say("3. growth: one environment of N services (goal: cost per resource at 256 at most 1.1x that at 16)")
        say(f"   {'N':>4} {'resources':>9} {'wall s':>8} {'CPU s':>7} {'res/s':>7} {'ms/res wall':>11} "
            f"{'ms/res CPU':>10} {'peak MB':>8} {'analysis res/s':>14}")
        growth: dict[int, tuple[int, measure.Run]] = {}
        for n in sizes:
            project = environment.make(n, work / "envs")
            runs = []
            for _ in range(repeat if n <= 64 else 1):
                run, rep = preflight(["--project-dir", str(project), "--stack", environment.STACK,
                                      "--keep-recordings", str(work / f"rec-{n}")], work, cwd=REPO)
                runs.append(run)
            run = measure.best(runs)
            resources = rep["stacks"][0]["resources"]["count"]
            recording = json.loads((work / f"rec-{n}" / f"{environment.STACK}.json").read_text())
            _, rate = analysis_rate(recording, passes=2)
            growth[n] = (resources, run)
            say(f"   {n:>4} {resources:>9} {run.wall:>8.2f} {run.cpu:>7.2f} {resources / run.wall:>7.0f} "
                f"{1000 * run.wall / resources:>11.2f} {1000 * run.cpu / resources:>10.2f} {run.peak_pss:>8.0f} "
                f"{rate:>14.0f}")
        if 16 in growth and max(growth) > 16:
            top = max(growth)
            (r16, g16), (rtop, gtop) = growth[16], growth[top]
            say(f"   cost per resource at {top} / at 16: wall {(gtop.wall / rtop) / (g16.wall / r16):.2f}x, "
                f"CPU {(gtop.cpu / rtop) / (g16.cpu / r16):.2f}x; marginal (between 16 and {top}): "
                f"{1000 * (gtop.wall - g16.wall) / (rtop - r16):.2f} ms wall, "
                f"{1000 * (gtop.cpu - g16.cpu) / (rtop - r16):.2f} ms CPU per resource")

        say()
        say("4. against CDK synth + cdk-nag AwsSolutions on the same environment (goal: the preflight faster)")
        why = "skipped (--no-cdk)" if args.no_cdk else cdk_ready()
        if why:
            say(f"   {why}")
        else:
            for n in [s for s in sizes if s <= 64]:
                synth = best_of(repeat, lambda n=n: cdk(n, work))
                mine = growth[n][1]
                floor = best_of(repeat, lambda n=n: program_alone(work / "envs" / f"env-{n}", environment.STACK,
                                                                  work))
                say(f"   {n:>4} services: preflight {mine.wall:.2f} s, CDK + cdk-nag {synth.wall:.2f} s: "
                    f"ratio {mine.wall / synth.wall:.2f}x; the program alone under the mock engine "
                    f"{floor.wall:.2f} s ({floor.wall / synth.wall:.2f}x CDK)")

        # 5: watch
        say()
        say("5. --watch --stack dev: from a saved file to the re-check's findings (goal: under 1 s)")
        latency = watch_latency(repeat)
        say(f"   {latency[0]:.2f} s for {latency[1]} resources" if latency else "   did not re-check")

        # 6: memory
        say()
        say("6. memory: peak of --all, every process, shared pages counted once (goal: at most 1.5x)")
        say(f"   program alone ({largest}): {alone.peak_pss:.0f} MB; --all: {all_run.peak_pss:.0f} MB "
            f"(largest single process {all_run.peak_rss:.0f} MB): ratio {all_run.peak_pss / alone.peak_pss:.2f}x; "
            f"PREFLIGHT_FAST=0: {slow.peak_pss:.0f} MB")
        say(f"   --all --jobs {os.cpu_count() or 2} (one stack per core at a time): {paired.peak_pss:.0f} MB "
            f"({paired.peak_pss / alone.peak_pss:.2f}x) in {paired.wall:.2f} s ({paired.wall / alone.wall:.2f}x)")

        # where the time goes
        say()
        say("where the time goes")
        for stack_json in report["stacks"]:
            t = stack_json["timings"]
            say(f"   {stack_json['stack']:<8} program forked at {t.get('forked', 0):.2f} s, recording done at "
                f"{t.get('record', 0):.2f} s, then Analyze "
                f"{t.get('analyze', 0):.2f} s, AnalyzeStack {t.get('analyzeStack', 0):.2f} s; "
                f"finished at {stack_json['seconds']:.2f} s")
        say(f"   profile of {largest}'s program run, the SDK's event-loop thread (CPU by package, imports done):")
        for group, share in program_profile(REPO, largest):
            if share >= 0.01:
                say(f"     {share:6.1%}  {group}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

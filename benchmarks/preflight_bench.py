"""Preflight wall time per stack and for ``--all``, against the mock engine's floor. Not a test.

    .venv/bin/python benchmarks/preflight_bench.py [--preview] [--repeat N]

For each stack (and for ``--all``) it prints the resources, the wall time of ``python -m preflight`` and the floor:
the wall time of a subprocess that registers the same number of bare custom resources (one trivial type, no
inputs worth mentioning, no policies) through ``preflight.engine``, the machinery the preflight records with.
The floor of ``--all`` runs one such subprocess per stack side by side, as ``--all`` does. With ``--repeat`` the
fastest run counts (the machine is shared; the minimum is the least disturbed one).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from preflight import stackconfig  # noqa: E402 - needs the repo on sys.path when run as a script

FLOOR_PROGRAM = """
import json, sys, time
started = time.perf_counter()
import pulumi
from preflight import engine

count, preview = int(sys.argv[1]), sys.argv[2] == "preview"

def program():
    for i in range(count):
        pulumi.CustomResource("floor:index:Bare", f"bare-{i}", {"index": i})

imported = time.perf_counter()
recording = engine.run(program, project="floor", stack="floor", config={"aws:region": "eu-west-1"}, preview=preview)
done = time.perf_counter()
assert len(recording.resources) == count, len(recording.resources)
print(json.dumps({"import": imported - started, "register": done - imported}))
"""


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    return time.perf_counter() - started, proc


def preflight(args: list[str], workdir: Path) -> tuple[float, dict]:
    out = workdir / "report.json"
    seconds, proc = timed([sys.executable, "-m", "preflight", *args, "--json", str(out)])
    if proc.returncode not in (0, 1) or not out.exists():
        raise SystemExit(f"preflight {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stderr}")
    return seconds, json.loads(out.read_text())


def floor(count: int, preview: bool) -> tuple[float, dict]:
    seconds, proc = timed([sys.executable, "-c", FLOOR_PROGRAM, str(count), "preview" if preview else "update"])
    if proc.returncode != 0:
        raise SystemExit(f"floor program failed:\n{proc.stderr}")
    return seconds, json.loads(proc.stdout.strip().splitlines()[-1])


def best(runs: list[tuple[float, dict]]) -> tuple[float, dict]:
    return min(runs, key=lambda r: r[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preview", action="store_true", help="benchmark preview mode")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest counts")
    args = parser.parse_args()
    mode = ["--preview"] if args.preview else []
    stacks = stackconfig.stack_names(REPO)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        per_stack = {}
        for stack in stacks:
            seconds, report = best([preflight(["--stack", stack, *mode], work) for _ in range(args.repeat)])
            (s,) = report["stacks"]
            per_stack[stack] = s
            count = s["resources"]["count"]
            floor_s, floor_detail = best([floor(count, args.preview) for _ in range(args.repeat)])
            rows.append((stack, count, seconds, floor_s, s, floor_detail))

        all_s, all_report = best([preflight(["--all", *mode], work) for _ in range(args.repeat)])
        counts = [per_stack[s]["resources"]["count"] for s in stacks]

        def floor_all() -> tuple[float, dict]:
            started = time.perf_counter()
            with ThreadPoolExecutor(len(counts)) as pool:
                list(pool.map(lambda n: floor(n, args.preview), counts))
            return time.perf_counter() - started, {}

        all_floor, _ = best([floor_all() for _ in range(args.repeat)])

    print(f"preflight benchmark ({'preview' if args.preview else 'update'}, best of {args.repeat}) "
          f"on {REPO}\n")
    header = (f"{'stack':<10}{'resources':>10}{'preflight s':>13}{'floor s':>9}{'ratio':>7}   "
              f"{'record s':>9}{'pack start s':>13}{'Analyze/s':>10}{'AnalyzeStack s':>15}{'floor reg/s':>12}")
    print(header)
    print("-" * len(header))
    for stack, count, seconds, floor_s, s, fd in rows:
        t = s["timings"]
        rate = s["pack"]["analyzed"] / t["analyze"] if t.get("analyze") else float("nan")
        reg_rate = count / fd["register"] if fd["register"] else float("nan")
        print(f"{stack:<10}{count:>10}{seconds:>13.2f}{floor_s:>9.2f}{seconds / floor_s:>6.1f}x   "
              f"{t.get('record', 0):>9.2f}{t.get('packStart', 0):>13.2f}{rate:>10.0f}{t.get('analyzeStack', 0):>15.3f}"
              f"{reg_rate:>12.0f}")
    total = sum(counts)
    print(f"{'--all':<10}{total:>10}{all_s:>13.2f}{all_floor:>9.2f}{all_s / all_floor:>6.1f}x")
    slowest = max(r[2] for r in rows)
    print(f"\n--all took {all_s:.2f} s; the slowest single stack {slowest:.2f} s; the sum of stacks "
          f"{sum(r[2] for r in rows):.2f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

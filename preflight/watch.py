"""``--watch``: check the stacks again on every save of a project file, printing only what changed.

The zygotes and each stack's pack stay up between checks (``fast.Warm``), so a re-check costs about what running
the program costs. Project files are polled (their modification times, every ``POLL`` seconds; no new dependency):
the project's Python files, its ``Pulumi*.yaml`` and ``preflight-hints.yaml``, and the policy pack's files. A change
to the pack restarts the warm processes first (they hold the pack's modules). After the first full report, each
re-check prints one line per stack, then each finding that is new (``+``) or gone (``-``); a stack that cannot be
checked prints its error once, and says so when it can be checked again. Ctrl-C ends it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from preflight import report

POLL = 0.1
_SKIP_DIRS = {".venv", "venv", "__pycache__", ".git", "node_modules", ".pytest_cache", ".ruff_cache", "tests",
              "benchmarks", "build"}


def watched_files(project_dir: Path, pack_dir: Path) -> Iterable[Path]:
    for root in {project_dir, pack_dir}:
        for directory, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
            for name in files:
                if name.endswith(".py") or name.endswith(".json") and Path(directory).name == "config" or (
                        name.startswith("Pulumi") and name.endswith((".yaml", ".yml"))) or \
                        name == "preflight-hints.yaml":
                    yield Path(directory) / name


def snapshot(project_dir: Path, pack_dir: Path) -> dict[Path, float]:
    out = {}
    for path in watched_files(project_dir, pack_dir):
        try:
            out[path] = path.stat().st_mtime_ns
        except OSError:
            continue
    return out


def _key(f: report.Finding) -> tuple[str, str, str, str]:
    d = f.diagnostic
    return (d.level, d.policy, d.urn, d.message)


def _line(f: report.Finding) -> str:
    d = f.diagnostic
    where = f"{f.resource_name} ({f.resource_type})" if f.resource_name else "stack-wide"
    return f"{d.level:<9} {d.policy}: {where}: {d.message}"


def changes(before: report.StackResult | None, after: report.StackResult, seconds: float) -> list[str]:
    """What a re-check prints for one stack."""
    head = f"{after.stack}: re-checked in {seconds:.2f} s"
    if after.error is not None:
        if before is not None and before.error == after.error:
            return [f"{head}: still cannot be checked"]
        return [f"{head}: cannot be checked", *(f"  {line}" for line in after.error.splitlines())]
    old = {_key(f): f for f in (before.findings if before is not None and before.error is None else [])}
    new = {_key(f): f for f in after.findings}
    added = [f for k, f in new.items() if k not in old]
    gone = [f for k, f in old.items() if k not in new]
    recovered = " (it can be checked again)" if before is not None and before.error is not None else ""
    lines = [f"{head} ({after.resource_count} resources): {report.verdict(after)}, {len(added)} new, "
             f"{len(gone)} gone{recovered}"]
    lines += [f"  + {_line(f)}" for f in added]
    lines += [f"  - {_line(f)}" for f in gone]
    return lines


def run(stacks: list[str], project_dir: Path, pack_dir: Path, check: Callable[[list[str]], list[report.StackResult]],
        restart: Callable[[], None], verbose: bool = False) -> int:
    """Check ``stacks`` (``check``), print the report, then re-check on every change until interrupted."""
    try:
        seen = snapshot(project_dir, pack_dir)
        results = check(stacks)
        print(report.render_text(results, verbose=verbose), end="", flush=True)
        print(f"watching {project_dir} for changes (Ctrl-C to stop)", flush=True)
        while True:
            time.sleep(POLL)
            now = snapshot(project_dir, pack_dir)
            if now == seen:
                continue
            changed = {p for p in set(now) | set(seen) if now.get(p) != seen.get(p)}
            seen = now
            if any(p.is_relative_to(pack_dir) for p in changed):
                restart()  # the warm pack processes hold the pack's old modules
            started = time.perf_counter()
            new_results = check(stacks)
            seconds = time.perf_counter() - started
            by_stack = {r.stack: r for r in results}
            for result in new_results:
                print("\n".join(changes(by_stack.get(result.stack), result, seconds)), flush=True)
            results = new_results
    except KeyboardInterrupt:
        print("stopped watching", file=sys.stderr, flush=True)
        return 0

"""Offline preflight: run a stack's program under the mock engine and ask the real policy pack about it.

    python -m preflight --stack dev             # one stack, as `pulumi up --policy-pack policies` would judge it
    python -m preflight --all --preview         # every Pulumi.<stack>.yaml, as a preview of a new stack sees it
    python -m preflight --all --json report.json
    python -m preflight --stack team --stack-reference acme/department/prod=department.json
    python -m preflight --all --json report.json --sarif report.sarif   # violations for code scanning
    python -m preflight --all --baseline main-report.json               # what a change does, against a report
    python -m preflight --stack prod --graph graphs/                    # prod.dot and prod.mmd

Each stack runs in its own ``preflight.record`` process (the SDK keeps global state) with its own policy pack
process, and stacks run side by side; both are forked from warm processes and the pack is asked about each
resource while the program runs (``preflight.fast``; ``PREFLIGHT_FAST=0`` starts new interpreters instead and asks
after the program). ``--watch`` checks again on every save (``preflight.watch``). The program runs in the Python
environment its ``Pulumi.yaml`` declares (``preflight.environment``), made first when missing; the pack runs in the
preflight's own. The report goes to stdout (stack errors included); stderr carries one line of progress (a line per
stack with ``--verbose``) and usage errors.
Exit 0: clean or advisory only; 1: a mandatory violation; 2: a stack could not be checked (config, program or policy
pack error), or the preflight itself cannot run. With several stacks the worst wins.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

try:
    from preflight import (
        analyzer,
        baseline,
        drawing,
        environment,
        fast,
        graph,
        hints,
        invented,
        report,
        sarif,
        stackconfig,
        stackrefs,
        watch,
        zygote_client,
    )
except ModuleNotFoundError as missing:  # started by a Python without the project's requirements
    print(f"preflight: {sys.executable} lacks the module {missing.name!r}; run `make preflight` (it sets up .venv) "
          "or use .venv/bin/python -m preflight", file=sys.stderr)
    sys.exit(2)

REPO_ROOT = Path(__file__).resolve().parent.parent
_print_lock = threading.Lock()


def _progress(message: str) -> None:
    with _print_lock:
        print(message, file=sys.stderr, flush=True)


_TRACEBACK = "Traceback (most recent call last):"
_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')


def clean_error(stderr: str, project_dir: Path) -> str:
    """The recorder's message without a Python traceback: its own words, where in the program, and the error."""
    text = stderr.strip()
    if _TRACEBACK not in text:
        return text or "the recording failed without a message"
    head, _, tail = text.partition(_TRACEBACK)
    tail_lines = [line for line in tail.splitlines() if line.strip()]
    error = tail_lines[-1].strip() if tail_lines else "unknown error"
    where = ""
    for i, line in enumerate(tail_lines):  # the innermost frame of the program's own code
        m = _FRAME.match(line)
        path = Path(m["file"]).resolve() if m else None
        if path and path.is_relative_to(project_dir) and "site-packages" not in path.parts \
                and not path.is_relative_to(REPO_ROOT / "preflight"):
            where = f"{path.relative_to(project_dir)}:{m['line']}"
            if i + 1 < len(tail_lines) and not _FRAME.match(tail_lines[i + 1]):
                where += f": {tail_lines[i + 1].strip()}"
    parts = [head.strip().rstrip(":")] if head.strip() else []
    if where:
        parts.append(f"at {where}")
    parts.append(error)
    return "\n".join(parts)


def _recorder_files(config: stackconfig.StackConfig, args: argparse.Namespace, workdir: Path) -> tuple[Path, Path]:
    """The recorder's input (written here) and output files for one stack."""
    stack = config.stack
    given, out = workdir / f"{stack}.input.json", workdir / f"{stack}.json"
    given.write_text(json.dumps({
        "program": str(args.runtime.program), "project": config.project, "stack": stack, "preview": args.preview,
        "config": config.values, "stackReferences": args.references, "secretKeys": sorted(config.secret_keys),
        "stackFile": config.stack_file, "uncheckedKeys": sorted(config.unchecked_keys),
        "configWarnings": list(config.warnings),
    }))
    return given, out


def _recorder_env(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    env = args.python.environ(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(environment.child_pythonpath(workdir)),
                                         *filter(None, [env.get("PYTHONPATH")])])
    return env


def _recording(returncode: int, stderr: str, out: Path, stack: str,
               args: argparse.Namespace) -> tuple[dict | None, str | None]:
    """What a finished recorder left: (recording, None) or (None, a message for the user)."""
    if returncode == 0 and out.is_file():
        if args.verbose and stderr.strip():  # a failed recording's stderr is the error the report shows
            _progress(f"{stack}: recorder stderr:\n{stderr.rstrip()}")
        return json.loads(out.read_text()), None
    if returncode == 2:
        message = clean_error(stderr, args.project_dir)
        if "ModuleNotFoundError" in message:
            message += (f"\n(the program ran with {args.python.description}; is the package in the project's "
                        "requirements?)")
        return None, message
    tail = "\n".join(stderr.strip().splitlines()[-30:])
    return None, f"the recorder crashed (exit {returncode}):\n{tail}"


def record(config: stackconfig.StackConfig, args: argparse.Namespace, workdir: Path) -> tuple[dict | None, str | None]:
    """Run ``preflight.record`` for one stack: (recording, None) or (None, a message for the user)."""
    given, out = _recorder_files(config, args, workdir)
    command = [args.python.python, "-m", "preflight.record", "--input", str(given), "--out", str(out)]
    proc = subprocess.run(command, cwd=args.runtime.program_dir, env=_recorder_env(args, workdir),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    return _recording(proc.returncode, proc.stderr, out, config.stack, args)


def record_streaming(config: stackconfig.StackConfig, args: argparse.Namespace, workdir: Path,
                     streaming: fast.StreamingAnalysis) -> tuple[dict | None, str | None]:
    """``record``, forked from the warm recorder (a new interpreter when there is none), each registration handed
    to ``streaming`` as it is recorded."""
    given, out = _recorder_files(config, args, workdir)
    env = _recorder_env(args, workdir)
    events_r, events_w = os.pipe()
    try:
        try:
            child = args.warm.fork_recorder(["--input", str(given), "--out", str(out), "--events", "3"], env,
                                            events_w)
        except zygote_client.ZygoteError:
            child = subprocess.Popen(
                [args.python.python, "-m", "preflight.record", "--input", str(given), "--out", str(out),
                 "--events", str(events_w)], cwd=args.runtime.program_dir, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=[events_w])
    finally:
        os.close(events_w)
    if isinstance(child, zygote_client.ForkedProcess):
        child.started(60)
    streaming.forked_at = time.perf_counter()
    errors: list[bytes] = []
    with os.fdopen(events_r, "rb") as events:
        threads = [fast.reader(streaming.read, events), fast.reader(lambda s: s.read(), child.stdout),
                   fast.reader(lambda s: errors.append(s.read()), child.stderr)]
        returncode = child.wait()
        for thread in threads:
            thread.join()
    for stream in (child.stdout, child.stderr):
        stream.close()
    stderr = b"".join(errors).decode(errors="replace")
    return _recording(returncode, stderr, out, config.stack, args)


def _early_pack(config: stackconfig.StackConfig, args: argparse.Namespace) -> analyzer.PolicyPackProcess:
    """Spawn the stack's pack before recording, so its start-up overlaps the program run (or take the one kept
    from the last check with ``--watch``)."""
    warm = getattr(args, "warm", None)

    def make() -> analyzer.PolicyPackProcess:
        return analyzer.PolicyPackProcess(args.policy_pack, project=config.project, stack=config.stack,
                                          config=config.values, dry_run=args.preview, secret_keys=config.secret_keys,
                                          launcher=warm.pack_launcher() if warm is not None else None).spawn()

    if warm is None:
        return make()
    key = (config.project, config.stack, args.preview, json.dumps(config.values, sort_keys=True),
           tuple(sorted(config.secret_keys)))
    return warm.pack(make, key)


def check_stack(stack: str, args: argparse.Namespace, workdir: Path,
                project_hints: hints.Hints | None = None) -> report.StackResult:
    started = time.perf_counter()
    mode = "preview" if args.preview else "update"
    if args.verbose:
        _progress(f"{stack}: started ({mode})")

    def elapsed() -> float:
        return time.perf_counter() - started

    pack = None
    try:
        try:
            config = stackconfig.load(args.project_dir, stack)
        except stackconfig.StackConfigError as exc:
            return _finish(report.error_result(stack, args.preview, str(exc), elapsed()), args)
        pack = _early_pack(config, args)
        prepared = answered = streaming = None
        if getattr(args, "warm", None) is not None:
            head = {"project": config.project, "stack": stack, "config": config.values,
                    "secretKeys": sorted(config.secret_keys)}
            streaming = fast.StreamingAnalysis(pack, head, args.workers)
            try:
                recording, error = record_streaming(config, args, workdir, streaming)
                prepared, answered = streaming.finish()
            finally:
                streaming.close()
        else:
            recording, error = record(config, args, workdir)
        recorded = elapsed()
        timings = {"record": recorded}
        if streaming is not None and streaming.forked_at:
            timings["forked"] = streaming.forked_at - started
        if recording is None:
            result = report.error_result(stack, args.preview, error or "unknown error", elapsed())
        else:
            if args.keep_recordings:
                args.keep_recordings.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(workdir / f"{stack}.json",
                                args.keep_recordings / f"{stack}{'.preview' if args.preview else ''}.json")
            if pack is not None and not pack.matches(recording):
                pack.close()  # the recorder saw other config than we did: start one for what it saw
                pack = prepared = answered = None
            shown = invented.conceal_recording(recording)  # values the preflight invented reach the pack unknown
            if args.graph:
                args.graphs[stack] = graph.build(shown)
            analysis = analyzer.analyze_recording(shown, args.policy_pack, workers=args.workers, pack=pack,
                                                  prepared=prepared, answered=answered)
            analysis.diagnostics = invented.explain(shown, analysis.diagnostics)
            result = report.stack_result(recording, analysis, elapsed(), timings, project_hints)
    except analyzer.AnalyzerError as exc:
        result = report.error_result(stack, args.preview, str(exc), elapsed())
    finally:
        warm = getattr(args, "warm", None)
        if pack is not None and not (warm is not None and warm.kept(pack)):
            pack.close()
    return _finish(result, args)


def check_stacks(stacks: list[str], args: argparse.Namespace, workdir: Path, project_hints: hints.Hints | None,
                 warm: fast.Warm | None = None) -> list[report.StackResult]:
    """Check ``stacks`` side by side (``--jobs`` at once), from warm processes (``warm``, or started here) unless
    the fast path is off."""
    own = warm is None and fast.enabled()
    args.warm = fast.Warm(args.runtime, args.python, args.policy_pack, workdir) if own else warm
    try:
        with ThreadPoolExecutor(args.jobs or len(stacks)) as pool:
            return list(pool.map(lambda s: check_stack(s, args, workdir, project_hints), stacks))
    finally:
        if own and args.warm is not None:
            args.warm.close()


def _hints(args: argparse.Namespace, loaded: hints.Hints | None) -> hints.Hints | None:
    """The project's hints as the file says now (it may have changed while watching); the last good ones if not."""
    try:
        return hints.load(args.project_dir)
    except hints.HintsError:
        return loaded


def watch_stacks(stacks: list[str], args: argparse.Namespace, project_hints: hints.Hints | None) -> int:
    """``--watch``: warm processes and packs kept between checks, a check on every save (``preflight.watch``)."""
    with tempfile.TemporaryDirectory(prefix="preflight-") as tmp:
        workdir = Path(tmp)
        state: dict[str, fast.Warm | None] = {"warm": None}

        def start() -> None:
            if state["warm"] is not None:
                state["warm"].close()
            state["warm"] = fast.Warm(args.runtime, args.python, args.policy_pack, workdir, keep_packs=True) \
                if fast.enabled() else None

        start()
        try:
            return watch.run(stacks, args.project_dir, args.policy_pack,
                             lambda names: check_stacks(names, args, workdir, _hints(args, project_hints),
                                                        state["warm"]),
                             start, verbose=args.verbose)
        finally:
            if state["warm"] is not None:
                state["warm"].close()


def _finish(result: report.StackResult, args: argparse.Namespace) -> report.StackResult:
    if args.verbose:
        _progress(f"{result.stack}: {'error' if result.error is not None else 'finished'} after {result.seconds:.1f} s")
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m preflight",
        description="Run the Pulumi program under the mock engine and check it with the policy pack, offline.")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="the stack to check (needs Pulumi.<stack>.yaml)")
    which.add_argument("--all", action="store_true", help="every stack with a Pulumi.<stack>.yaml, side by side")
    parser.add_argument("--preview", action="store_true",
                        help="judge it as a preview of a new stack sees it (computed values unknown)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the report as JSON to PATH")
    parser.add_argument("--project-dir", type=Path, default=REPO_ROOT, help="the Pulumi project (default: %(default)s)")
    parser.add_argument("--policy-pack", type=Path, help="the policy pack directory (default: <project-dir>/policies)")
    parser.add_argument("--stack-reference", action="append", default=[], metavar="NAME=REPORT",
                        help="answer pulumi.StackReference(NAME) from a preflight --json report (repeatable)")
    parser.add_argument("--keep-recordings", type=Path, metavar="DIR", help="keep each stack's recording in DIR")
    parser.add_argument("--jobs", type=int, default=0,
                        help="stacks checked at once with --all (default: all of them, side by side)")
    parser.add_argument("--workers", type=int, default=4, help="concurrent Analyze calls per pack (default: 4)")
    parser.add_argument("--watch", action="store_true",
                        help="check again on every save of a project file, printing what changed (Ctrl-C stops)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also report resources by type, every policy's status and where each finding is; "
                             "show each stack's progress and what a successful recorder wrote to stderr")
    parser.add_argument("--sarif", type=Path, metavar="PATH",
                        help="also write the violations as SARIF 2.1.0 to PATH (code scanning)")
    parser.add_argument("--baseline", type=Path, metavar="REPORT",
                        help="compare with an earlier --json report: resources added, removed and changed, "
                             "violations new and gone, per stack")
    parser.add_argument("--baseline-markdown", type=Path, metavar="PATH",
                        help="also write the comparison with --baseline as Markdown to PATH (a pull-request comment)")
    parser.add_argument("--graph", type=Path, metavar="PATH",
                        help="write each stack's resource graph: a directory gets <stack>.dot and <stack>.mmd; "
                             "a .dot or .mmd file (with --stack) gets that one")
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.baseline_markdown and not args.baseline:
        parser.error("--baseline-markdown needs --baseline")
    if args.graph and args.graph.suffix in (".dot", ".mmd") and not args.stack:
        parser.error(f"--graph {args.graph} is one file: name one stack with --stack, or give a directory")
    args.graphs = {}
    args.project_dir = args.project_dir.resolve()
    args.policy_pack = (args.policy_pack or args.project_dir / "policies").resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.project_dir / "Pulumi.yaml").is_file():
        print(f"preflight: no Pulumi.yaml in {args.project_dir}", file=sys.stderr)
        return report.ERROR
    if not (args.policy_pack / "PulumiPolicy.yaml").is_file():
        print(f"preflight: no PulumiPolicy.yaml in {args.policy_pack} (--policy-pack names the pack's directory)",
              file=sys.stderr)
        return report.ERROR
    known = stackconfig.stack_names(args.project_dir)
    if args.all:
        stacks = known
        if not stacks:
            print(f"preflight: no Pulumi.<stack>.yaml in {args.project_dir}", file=sys.stderr)
            return report.ERROR
    else:
        if args.stack not in known:
            print(f"preflight: no Pulumi.{args.stack}.yaml in {args.project_dir} "
                  f"(stacks: {', '.join(known) or 'none'})", file=sys.stderr)
            return report.ERROR
        stacks = [args.stack]
    try:
        project_hints = hints.load(args.project_dir)
        base = baseline.load(args.baseline, args.preview) if args.baseline else None
    except (hints.HintsError, baseline.BaselineError) as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return report.ERROR

    started = time.perf_counter()
    mode = "as a preview of a new stack" if args.preview else "as an update"
    _progress(f"preflight: checking {', '.join(stacks)} {mode}{', side by side' if len(stacks) > 1 else ''}")
    try:
        args.references = stackrefs.load(args.stack_reference)
        args.runtime, args.python = environment.resolve(args.project_dir, log=lambda m: _progress(f"preflight: {m}"))
    except (stackrefs.StackReferenceError, environment.ProjectEnvError) as exc:
        # No stack can be checked; each says why, so the report (--json) still tells CI what happened.
        results = [report.error_result(s, args.preview, str(exc), time.perf_counter() - started) for s in stacks]
    else:
        if args.watch:
            return watch_stacks(stacks, args, project_hints)
        with tempfile.TemporaryDirectory(prefix="preflight-") as tmp:
            results = check_stacks(stacks, args, Path(tmp), project_hints)
    if args.verbose and len(stacks) > 1:
        _progress(f"all {len(stacks)} stacks in {time.perf_counter() - started:.1f} s")

    data = report.to_json(results, args.preview)
    comparison = baseline.compare(base, data["stacks"], all_stacks=args.all) if base is not None else None
    extra = baseline.render_text(comparison) if comparison is not None else []
    print(report.render_text(results, verbose=args.verbose, extra=extra), end="")
    try:
        _write_outputs(args, data, comparison)
    except OSError as exc:
        print(f"preflight: cannot write {exc.filename}: {exc.strerror}", file=sys.stderr)
        return report.ERROR
    return report.exit_code(results)


def _write_outputs(args: argparse.Namespace, data: dict, comparison: dict | None) -> None:
    """The files asked for: the JSON report (with the comparison), Markdown, SARIF, graphs."""
    if comparison is not None:
        data = {**data, "baseline": comparison}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n")
    if args.baseline_markdown and comparison is not None:
        args.baseline_markdown.parent.mkdir(parents=True, exist_ok=True)
        args.baseline_markdown.write_text(baseline.render_markdown(comparison))
    if args.sarif:
        program = getattr(args, "runtime", None)
        main_file = (program.program / "__main__.py" if program.program.is_dir() else program.program) if program \
            else args.project_dir / "__main__.py"
        sarif.write(args.sarif, sarif.from_report(data, project_dir=args.project_dir, program=main_file,
                                                  pack_dir=args.policy_pack))
    for stack in sorted(args.graphs) if args.graph else []:
        written = drawing.write(args.graphs[stack], args.graph)
        if args.verbose:
            _progress(f"{stack}: graph in {', '.join(str(p) for p in written)}")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the recorders and packs got the same signal and stop on their own
        print("preflight: interrupted", file=sys.stderr)
        sys.exit(130)

"""Child process of the preflight: run one stack's program under the mock engine and write its recording.

    python -m preflight.record --input FILE --out FILE [--events FD]

``--input`` is JSON written by the preflight: the program to run, project, stack, preview flag, the stack's config
(already merged and validated by the parent) and the stack references' answers. The recorder runs in the project's
own Python environment, so it imports only what a Pulumi project has: the standard library and ``pulumi`` (no
PyYAML, nothing of the policy side). Exit 0 with the recording written; exit 2 with one message on stderr (no
traceback) when the program is wrong. One process per stack keeps stacks from sharing the SDK's global state.

``--events FD`` also writes each registration to that file descriptor as it is recorded, one JSON line each
(``{"registration": ..., "invented": {...}}``, ``invented`` holding the values invented since the line before), so
the preflight can ask the pack about a resource while the program is still running.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path


def _program(path: Path):
    def program() -> None:
        runpy.run_path(str(path), run_name="__main__")

    return program


def _event_writer(fd: int) -> Callable[[object, Mapping[str, str]], None]:
    """A listener for ``engine.run`` writing each registration (and the invented values new since the last) as a
    JSON line to ``fd``; a reader that went away is not the program's error, so writing then stops."""
    stream = os.fdopen(fd, "w", buffering=1 << 16, encoding="utf-8")
    lock = threading.Lock()
    sent = [0]
    broken = [False]

    def listener(registration: object, invented: Mapping[str, str]) -> None:
        with lock:
            if broken[0]:
                return
            new = dict(list(invented.items())[sent[0]:]) if len(invented) > sent[0] else {}
            sent[0] = len(invented)
            try:
                stream.write(json.dumps({"registration": registration.to_json(), "invented": new}) + "\n")  # type: ignore[attr-defined]
                stream.flush()
            except (OSError, ValueError):
                broken[0] = True

    listener.close = stream.close  # type: ignore[attr-defined]
    return listener


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preflight.record")
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--events", type=int, help="a file descriptor to write each registration to")
    args = parser.parse_args(argv)
    given = json.loads(args.input.read_text())
    stack = given["stack"]

    try:
        import pulumi
    except ImportError:
        print(f"the project's Python environment ({sys.prefix}) has no pulumi package: add pulumi to the project's "
              "requirements", file=sys.stderr)
        return 2
    from preflight import engine, stackrefs

    program = Path(given["program"])
    sys.path.insert(0, str(program if program.is_dir() else program.parent))
    stackrefs.install(given.get("stackReferences") or {})
    listener = _event_writer(args.events) if args.events is not None else None
    try:
        recording = engine.run(_program(program), project=given["project"], stack=stack,
                               config=given["config"], preview=bool(given.get("preview")),
                               secret_keys=given.get("secretKeys") or (), listener=listener)
    except Exception as exc:  # noqa: BLE001 - every program error becomes exit 2 with its message
        if isinstance(exc, (pulumi.RunError, pulumi.ConfigMissingError, pulumi.ConfigTypeError)):
            print(str(exc), file=sys.stderr)
        else:
            print(f"the program for stack {stack} failed:\n{traceback.format_exc()}", file=sys.stderr)
        return 2

    if listener is not None:
        listener.close()  # type: ignore[attr-defined]
    data = recording.to_json()
    # What the parent learnt reading the stack file travels with the recording, for the report.
    data.update({key: given[key] for key in ("stackFile", "uncheckedKeys", "configWarnings") if key in given})
    args.out.write_text(json.dumps(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())

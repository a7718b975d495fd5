"""Child process of the preflight: run one stack's program under the mock engine and write its recording.

    python -m preflight.record --input FILE --out FILE

``--input`` is JSON written by the preflight: the program to run, project, stack, preview flag, the stack's config
(already merged and validated by the parent) and the stack references' answers. The recorder runs in the project's
own Python environment, so it imports only what a Pulumi project has: the standard library and ``pulumi`` (no
PyYAML, nothing of the policy side). Exit 0 with the recording written; exit 2 with one message on stderr (no
traceback) when the program is wrong. One process per stack keeps stacks from sharing the SDK's global state.
"""

from __future__ import annotations

import argparse
import json
import runpy
import sys
import traceback
from pathlib import Path


def _program(path: Path):
    def program() -> None:
        runpy.run_path(str(path), run_name="__main__")

    return program


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preflight.record")
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
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
    try:
        recording = engine.run(_program(program), project=given["project"], stack=stack,
                               config=given["config"], preview=bool(given.get("preview")),
                               secret_keys=given.get("secretKeys") or ())
    except Exception as exc:  # noqa: BLE001 - every program error becomes exit 2 with its message
        if isinstance(exc, (pulumi.RunError, pulumi.ConfigMissingError, pulumi.ConfigTypeError)):
            print(str(exc), file=sys.stderr)
        else:
            print(f"the program for stack {stack} failed:\n{traceback.format_exc()}", file=sys.stderr)
        return 2

    data = recording.to_json()
    # What the parent learnt reading the stack file travels with the recording, for the report.
    data.update({key: given[key] for key in ("stackFile", "uncheckedKeys", "configWarnings") if key in given})
    args.out.write_text(json.dumps(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Child process of the preflight: run one stack's program under the mock engine and write its recording.

    python -m preflight.record --project-dir DIR --stack NAME [--preview] --out FILE

Exit 0 with the recording written; exit 2 with one message on stderr (no traceback) when the stack's config or
the program is wrong. One process per stack keeps stacks from sharing the SDK's global state.
"""

from __future__ import annotations

import argparse
import json
import runpy
import sys
import traceback
from pathlib import Path

from preflight import engine, stackconfig


def _program(project_dir: Path):
    def program() -> None:
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")

    return program


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preflight.record")
    parser.add_argument("--project-dir", type=Path, required=True)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--preview", action="store_true")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    project_dir = args.project_dir.resolve()

    try:
        config = stackconfig.load(project_dir, args.stack)
    except stackconfig.StackConfigError as exc:
        print(exc, file=sys.stderr)
        return 2

    sys.path.insert(0, str(project_dir))
    try:
        recording = engine.run(_program(project_dir), project=config.project, stack=args.stack,
                               config=config.values, preview=args.preview, secret_keys=config.secret_keys)
    except Exception as exc:  # noqa: BLE001 - every program error becomes exit 2 with its message
        import pulumi

        if isinstance(exc, (pulumi.RunError, pulumi.ConfigMissingError, pulumi.ConfigTypeError)):
            print(str(exc), file=sys.stderr)
        else:
            print(f"the program for stack {args.stack} failed:\n{traceback.format_exc()}", file=sys.stderr)
        return 2

    data = recording.to_json()
    data.update(stackFile=config.stack_file, uncheckedKeys=list(config.unchecked_keys),
                configWarnings=list(config.warnings))
    args.out.write_text(json.dumps(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())

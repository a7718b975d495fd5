"""Ask the pack's server every question about some recordings, without and then with ``guardrails.serving``, and
print every answer that differs (nothing when they are the same). Run in a fresh process: ``install()`` changes the
server for the rest of the process.

    python -m tests.preflight.serving_check RECORDING.json...
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from preflight import analyzer, invented
from tests.preflight.recordings import PACK


def questions(recording: dict) -> tuple[dict, list, object, object]:
    shown = invented.conceal_recording(recording)
    resources = analyzer.engine_view(shown)
    index = {r.urn: r for r in resources}
    requests = [analyzer.analyze_request(r, index) for r in resources]
    return shown, requests, analyzer.analyze_stack_request(resources, index), index


def answers(servicer_class, recording: dict) -> list[bytes]:
    from guardrails.registry import all_policies
    from pulumi.runtime.proto import analyzer_pb2
    from pulumi_policy import EnforcementLevel

    shown, requests, stack_request, _ = questions(recording)
    os.environ.update(PULUMI_PROJECT=shown["project"], PULUMI_STACK=shown["stack"], PULUMI_ORGANIZATION="organization",
                      PULUMI_DRY_RUN="true" if shown.get("preview") else "false",
                      PULUMI_CONFIG=json.dumps(analyzer._config_env(shown.get("config") or {})))
    servicer = servicer_class("container-platform-guardrails", "0.0.1", all_policies(), EnforcementLevel.MANDATORY)
    servicer.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(stack=shown["stack"], project=shown["project"]),
                            None)
    config = analyzer.reconcile_policy_config(servicer.GetAnalyzerInfo(None, None),
                                              analyzer.load_policy_config(PACK, shown["stack"]))
    configure = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, cfg in config.items():
        configure.policyConfig[name].enforcementLevel = analyzer.LEVELS[cfg.level or "advisory"]
        if cfg.properties:
            configure.policyConfig[name].properties.update(cfg.properties)
    servicer.Configure(configure, None)
    out = [servicer.Analyze(r, None).SerializeToString(deterministic=True) for r in requests]
    out.append(servicer.AnalyzeStack(stack_request, None).SerializeToString(deterministic=True))
    return out


def main(paths: list[str]) -> int:
    sys.path.insert(0, str(PACK))
    from guardrails import serving
    from pulumi_policy import policy as sdk

    recordings = [json.loads(Path(p).read_text()) for p in paths]
    before = [answers(sdk._PolicyAnalyzerServicer, r) for r in recordings]
    assert serving.install(), "guardrails.serving did not install"
    after = [answers(sdk._PolicyAnalyzerServicer, r) for r in recordings]
    differ = 0
    for path, old, new in zip(paths, before, after, strict=True):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                differ += 1
                print(f"{path}: answer {i} differs")
    print(f"{sum(len(b) for b in before)} answers compared, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The engine's requests for a recording: ``Analyze`` for every resource and one ``AnalyzeStack``."""

from __future__ import annotations

import json
from pathlib import Path

from preflight import analyzer, invented


def of(recording: dict) -> tuple[list, object]:
    shown = invented.conceal_recording(recording)
    resources = analyzer.engine_view(shown)
    index = {r.urn: r for r in resources}
    return [analyzer.analyze_request(r, index) for r in resources], analyzer.analyze_stack_request(resources, index)


def load(recording_file: str | Path) -> tuple[list, object]:
    return of(json.loads(Path(recording_file).read_text()))

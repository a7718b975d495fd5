"""Collects every policy of the pack: each policy module under guardrails/<service>/ exposes POLICY."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from pulumi_policy import Policy

_ROOT = Path(__file__).parent


def policy_modules() -> list[str]:
    """Dotted names of every policy module, in a stable order."""
    names = []
    for service in sorted(p for p in _ROOT.iterdir() if (p / "__init__.py").is_file()):
        package = f"{__package__}.{service.name}"
        for info in pkgutil.iter_modules([str(service)]):
            if not info.name.startswith("_"):
                names.append(f"{package}.{info.name}")
    return sorted(names)


def all_policies() -> list[Policy]:
    """Every policy, one per module, in a stable order."""
    return [importlib.import_module(name).POLICY for name in policy_modules()]

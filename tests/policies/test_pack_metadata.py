"""Checks over the whole pack: every policy module found by the registry carries complete, consistent metadata."""

import importlib
import re
from collections import Counter
from pathlib import Path

import pytest
from guardrails.base import FSBP
from guardrails.registry import all_policies, policy_modules

TESTS = Path(__file__).parent
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FSBP_REFERENCE = re.compile(r"^[A-Za-z0-9]+\.\d+(, [A-Za-z0-9]+\.\d+)*$")
CONTROL_ID = re.compile(r"\b[A-Z][A-Za-z0-9]*\.\d+\b")  # a Security Hub control id: EC2.2, ECS.5, S3.1

MODULES = policy_modules()


def policy(module: str):
    return importlib.import_module(module).POLICY


def test_registry_finds_every_policy_once():
    assert MODULES, "the registry found no policy module"
    assert len(all_policies()) == len(MODULES)
    duplicates = [n for n, count in Counter(p.name for p in all_policies()).items() if count > 1]
    assert duplicates == [], f"policy names used twice: {duplicates}"


@pytest.mark.parametrize("module", MODULES)
def test_name_is_kebab_case_and_matches_module_stem(module):
    name = policy(module).name
    assert KEBAB.match(name), f"{module}: policy name {name!r} is not kebab-case"
    assert module.rsplit(".", 1)[1] == name.replace("-", "_"), f"{module}: file stem must be {name!r} in snake_case"


@pytest.mark.parametrize("module", MODULES)
def test_description_severity_remediation_and_service_tag(module):
    p = policy(module)
    assert isinstance(p.description, str) and p.description.strip(), f"{module}: no description"
    assert p.severity is not None, f"{module}: no severity"
    assert isinstance(p.remediation_steps, str) and p.remediation_steps.strip(), f"{module}: no remediation steps"
    assert any(t.startswith("service:") and t != "service:" for t in p.tags or []), f"{module}: no service:... tag"


@pytest.mark.parametrize("module", MODULES)
def test_fsbp_controls_are_declared_as_framework(module):
    p = policy(module)
    tagged = [t.removeprefix("fsbp:") for t in p.tags or [] if t.startswith("fsbp:")]
    if not tagged and not CONTROL_ID.search(importlib.import_module(module).__doc__ or ""):
        return  # no FSBP control mentioned: nothing to check
    assert p.framework is not None, f"{module}: mentions an FSBP control but declares no compliance framework"
    assert p.framework.name == FSBP, f"{module}: framework name {p.framework.name!r}, expected {FSBP!r}"
    reference = p.framework.reference or ""
    assert FSBP_REFERENCE.match(reference), f"{module}: framework reference {reference!r} is not 'EC2.2, EC2.6'-like"
    assert set(tagged) <= set(reference.split(", ")), f"{module}: fsbp tags {tagged} not all in {reference!r}"


@pytest.mark.parametrize("module", MODULES)
def test_every_policy_has_its_test_file(module):
    *_, service, stem = module.split(".")
    path = TESTS / service / f"test_{stem}.py"
    assert path.is_file(), f"{module}: missing test file {path.relative_to(TESTS.parents[1])}"

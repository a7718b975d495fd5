"""S3 buckets and the separate resources that configure them, related once per stack.

pulumi-aws splits a bucket's settings over resources of their own (``BucketPublicAccessBlock``, ``BucketPolicy``,
``BucketOwnershipControls``, ``BucketAcl``, ``BucketLogging``, ``BucketLifecycleConfiguration``, ...; several with a
``V2`` alias) whose ``bucket`` argument names the bucket. They are related to the bucket through that property's
dependency, or, for known values, the bucket's id, ARN or name. ``aws.s3.Bucket`` still accepts some of the same
settings inline (``acl``, ``grants``, ``policy``, ``logging``, ``lifecycleRules``); an inline setting counts only
when no separate resource configures the same thing, since the two overwrite each other.

AWS's defaults for a bucket created since April 2023, which is what an absent setting means here:
all four Block Public Access settings on, Object Ownership ``BucketOwnerEnforced`` (ACLs disabled), SSE-S3
encryption, no bucket policy, no server access logging, no lifecycle configuration. A bucket imported into the
stack keeps whatever it had; nothing here can tell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyResource

from guardrails._document import DocumentError as PolicyError  # noqa: F401 - the name the S3 policies catch
from guardrails._document import raw_statements as statements  # noqa: F401 - a bucket policy is any policy document
from guardrails._graph import by_type, declared, depends_on, known, related_index
from guardrails.base import as_list

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
PUBLIC_ACCESS_BLOCK = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
OWNERSHIP = ("aws:s3/bucketOwnershipControls:BucketOwnershipControls",)
ACL = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")
LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
LIFECYCLE = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
BLOCK_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
OWNER_ENFORCED = "BucketOwnerEnforced"

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
PUBLIC_GROUPS = {ALL_USERS: "everyone (AllUsers)", AUTHENTICATED_USERS: "any AWS account (AuthenticatedUsers)"}
#: What a canned ACL grants beyond the owner: (grantee group, permissions).
CANNED = {
    "private": (), "bucket-owner-read": (), "bucket-owner-full-control": (),
    "public-read": ((ALL_USERS, ("READ",)),),
    "public-read-write": ((ALL_USERS, ("READ", "WRITE")),),
    "authenticated-read": ((AUTHENTICATED_USERS, ("READ",)),),
    "log-delivery-write": ((LOG_DELIVERY, ("WRITE", "READ_ACP")),),
    "aws-exec-read": (("EC2 (aws-exec-read)", ("READ",)),),
}


def refers(resource: PolicyResource, prop: str, bucket: PolicyResource) -> bool:
    """Whether ``resource.prop`` names ``bucket``: dependency, known id or ARN, or the bucket's known name."""
    if depends_on(resource, prop, bucket):
        return True
    name = known(bucket.props, "bucket")
    return isinstance(name, str) and bool(name) and known(resource.props, prop) == name


def bucket_arn(bucket: PolicyResource) -> str | None:
    """The bucket's ARN, known or built from its known name; None in a preview of a new, auto-named bucket."""
    arn = known(bucket.props, "arn")
    if isinstance(arn, str) and arn:
        return arn
    name = known(bucket.props, "bucket") or known(bucket.props, "id")
    return f"arn:aws:s3:::{name}" if isinstance(name, str) and name else None


@dataclass(frozen=True)
class Grant:
    """One ACL grant beyond the bucket owner's."""

    grantee: str
    """A group URI, "canonical user <id>", "email <address>"."""
    permission: str
    where: str


@dataclass(frozen=True)
class Document:
    """A bucket policy document and where it comes from."""

    where: str
    urn: str
    document: Any


class Buckets:
    """The buckets of one stack and their configuration resources."""

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        self.resources = list(resources)
        self.buckets = by_type(self.resources, *BUCKETS)
        types = PUBLIC_ACCESS_BLOCK + POLICY + OWNERSHIP + ACL + LOGGING + LIFECYCLE
        self._companions: dict[str, list[PolicyResource]] = {}
        # refers(companion, "bucket", bucket) for every pair, answered from indexes of the buckets
        named = related_index(self.buckets)
        by_name: dict[str, list[int]] = {}
        position = {id(b): i for i, b in enumerate(self.buckets)}
        for i, bucket in enumerate(self.buckets):
            name = known(bucket.props, "bucket")
            if isinstance(name, str) and name:
                by_name.setdefault(name, []).append(i)
        for companion in by_type(self.resources, *types):
            hits = {position[id(b)] for b in named(companion, "bucket")}
            value = known(companion.props, "bucket")
            if isinstance(value, str):
                hits.update(by_name.get(value, ()))
            for i in sorted(hits):
                self._companions.setdefault(self.buckets[i].urn, []).append(companion)

    def of(self, bucket: PolicyResource, types: tuple[str, ...]) -> list[PolicyResource]:
        """The configuration resources of ``types`` that apply to ``bucket``."""
        return [c for c in self._companions.get(bucket.urn, []) if c.resource_type in types]

    def block(self, bucket: PolicyResource) -> dict[str, bool]:
        """The effective Block Public Access flags: AWS's default (all on) without a BucketPublicAccessBlock; with
        one or more, a flag is on only if every one of them sets it true (the provider's default is false)."""
        blocks = self.of(bucket, PUBLIC_ACCESS_BLOCK)
        if not blocks:
            return dict.fromkeys(BLOCK_FLAGS, True)
        return {flag: all(b.props.get(flag) is True for b in blocks) for flag in BLOCK_FLAGS}

    def ownership(self, bucket: PolicyResource) -> str:
        """The Object Ownership setting: BucketOwnerEnforced unless a BucketOwnershipControls says otherwise."""
        settings = []
        for control in self.of(bucket, OWNERSHIP):
            rule = control.props.get("rule")
            value = rule.get("objectOwnership") if isinstance(rule, Mapping) else None
            settings.append(str(value or OWNER_ENFORCED))
        weaker = [s for s in settings if s != OWNER_ENFORCED]
        return weaker[0] if weaker else OWNER_ENFORCED

    def policies(self, bucket: PolicyResource) -> list[Document]:
        """The bucket policy documents: BucketPolicy resources, else the bucket's inline ``policy``."""
        found = [Document(f"bucket policy '{p.name}'", p.urn, p.props.get("policy"))
                 for p in self.of(bucket, POLICY)]
        if found:
            return found
        inline = declared(bucket, "policy")
        return [Document(f"the inline policy of bucket '{bucket.name}'", bucket.urn, inline)] if inline else []

    def grants(self, bucket: PolicyResource) -> list[Grant]:
        """ACL grants beyond the owner's: BucketAcl resources (canned ``acl`` or ``accessControlPolicy``), else the
        bucket's inline ``acl`` and ``grants``. An inline CanonicalUser FULL_CONTROL grant is taken to be the
        owner's (the provider reports it for every bucket)."""
        acls = self.of(bucket, ACL)
        if acls:
            found = []
            for acl in acls:
                where = f"bucket ACL '{acl.name}'"
                found += _canned(acl.props.get("acl"), where)
                policy = acl.props.get("accessControlPolicy")
                if isinstance(policy, Mapping):
                    owner = _owner_id(policy)
                    for grant in as_list(policy.get("grants")):
                        if isinstance(grant, Mapping):
                            found += _explicit(grant.get("grantee"), [grant.get("permission")], where, owner)
            return found
        where = f"bucket '{bucket.name}'"
        found = _canned(declared(bucket, "acl"), where)
        for grant in as_list(declared(bucket, "grants")):
            if isinstance(grant, Mapping):
                found += _explicit(grant, as_list(grant.get("permissions")), where, None)
        return found


def _owner_id(policy: Mapping[str, Any]) -> str | None:
    owner = policy.get("owner")
    value = owner.get("id") if isinstance(owner, Mapping) else None
    return value if isinstance(value, str) else None


def _canned(value: Any, where: str) -> list[Grant]:
    if value is None:
        return []
    name = str(value).strip().lower()
    if name not in CANNED:
        return [Grant(f"canned ACL {value!r}", "unknown", where)]
    return [Grant(group, permission, f"{where} (acl {name})") for group, permissions in CANNED[name]
            for permission in permissions]


def _explicit(grantee: Any, permissions: list[Any], where: str, owner: str | None) -> list[Grant]:
    if not isinstance(grantee, Mapping):
        return []
    kind = str(grantee.get("type") or "")
    if kind == "Group":
        who = str(grantee.get("uri") or "group")
    elif kind == "AmazonCustomerByEmail":
        who = f"email {grantee.get('emailAddress')}"
    else:
        identifier = grantee.get("id")
        if owner is not None and identifier == owner:
            return []
        if owner is None and [str(p) for p in permissions] == ["FULL_CONTROL"]:
            return []
        who = f"canonical user {identifier}"
    return [Grant(who, str(p), where) for p in permissions if p is not None]


# ---- bucket policy documents ------------------------------------------------------------------------------


def strings(statement: Mapping[str, Any], key: str) -> list[str]:
    return [v for v in as_list(statement.get(key)) if isinstance(v, str)]


def wildcard(pattern: str) -> re.Pattern[str]:
    """IAM wildcard matching (``*`` any run, ``?`` one character), case-insensitive."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.I)


def covers(statement: Mapping[str, Any], action: str) -> bool:
    """Whether the statement's Action (or NotAction: what it does not exclude) covers ``action``."""
    if "NotAction" in statement:
        return not any(wildcard(p).fullmatch(action) for p in strings(statement, "NotAction"))
    return any(wildcard(p).fullmatch(action) for p in strings(statement, "Action"))


def principals(statement: Mapping[str, Any]) -> list[str]:
    """The AWS principals of a statement: "*" for everyone, else ARNs or account ids (services are left out)."""
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, Mapping):
        return [v for v in as_list(principal.get("AWS")) if isinstance(v, str)]
    return []


def is_public_principal(statement: Mapping[str, Any]) -> bool:
    """Everyone: Principal "*" or {"AWS": "*"}, or any NotPrincipal on an Allow."""
    return "*" in principals(statement) or (statement.get("Effect") == "Allow" and "NotPrincipal" in statement)


#: Condition keys that, with fixed values, make a statement non-public (S3's definition of "public").
_RESTRICTING_KEYS = frozenset({
    "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceaccount", "aws:sourceowner",
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:userid",
    "aws:sourceip", "s3:dataaccesspointarn", "s3:dataaccesspointaccount",
})


def restricted(statement: Mapping[str, Any]) -> bool:
    """Whether a Condition pins a restricting key to fixed values (no wildcard, no /0, no ...IfExists)."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator, keys in condition.items():
        if not isinstance(keys, Mapping) or str(operator).endswith("IfExists") or operator == "Null":
            continue
        for key, values in keys.items():
            values = [str(v) for v in as_list(values)]
            if str(key).lower() not in _RESTRICTING_KEYS or not values or any("*" in v for v in values):
                continue
            if str(key).lower() == "aws:sourceip" and any(v.endswith("/0") for v in values):
                continue
            return True
    return False

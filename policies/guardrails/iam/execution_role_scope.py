"""ECS execution roles grant only what the ECS agent needs for the task definitions that use them: ECR pull of their
images, CloudWatch Logs writes to their awslogs groups, and reading the secrets their containers declare."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from pulumi_policy import PolicyResource, ReportViolation, Severity, StackValidationArgs

from guardrails.base import as_list, plain, stack_policy
from guardrails.iam import _actions
from guardrails.iam._roles import Document, DocumentError, Roles, Statement, aws_managed_name, statements

KIND = "execution role"
ECS_MANAGED = "AmazonECSTaskExecutionRolePolicy"
SCOPE = ("an execution role may grant only ECR pull of the containers' images, CloudWatch Logs writes to their "
         "awslogs groups and reading the secrets they declare")

ECR_TOKEN = "ecr:getauthorizationtoken"
ECR_PULL = frozenset({"ecr:batchchecklayeravailability", "ecr:getdownloadurlforlayer", "ecr:batchgetimage"})
LOG_WRITE = frozenset({"logs:createlogstream", "logs:putlogevents"})
LOG_CREATE = "logs:createloggroup"
SSM_READ = "ssm:getparameters"
SECRET_READ = "secretsmanager:getsecretvalue"
KMS_DECRYPT = "kms:decrypt"
S3_OBJECT = "s3:getobject"
S3_BUCKET = "s3:getbucketlocation"
ALLOWED = frozenset({ECR_TOKEN, *ECR_PULL, *LOG_WRITE, LOG_CREATE, SSM_READ, SECRET_READ, KMS_DECRYPT, S3_OBJECT,
                     S3_BUCKET})

_ECR_HOST = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?P<cn>\.cn)?$"
)
_ACCOUNT = re.compile(r"^\d{12}$")
_KMS_KEY = re.compile(r"^arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
_SECRET_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")


def _partition(region: str, china: bool = False) -> str:
    if china or region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, value: str) -> Arn | None:
        parts = value.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or not parts[1].startswith("aws"):
            return None
        return cls(*parts[1:])


# ---- what the task definitions need -----------------------------------------------------------------------


@dataclass
class Needs:
    """The resources the ECS agent touches for the task definitions of one execution role."""

    repositories: set[str] = field(default_factory=set)
    log_groups: set[tuple[str, str | None]] = field(default_factory=set)
    """(name, awslogs-region or None)."""
    created_log_groups: set[tuple[str, str | None]] = field(default_factory=set)
    parameters: set[str] = field(default_factory=set)
    """SSM parameter ARNs declared in full."""
    parameter_paths: set[str] = field(default_factory=set)
    """``parameter/NAME`` for parameters declared by name (same account and Region as the task)."""
    secrets: set[str] = field(default_factory=set)
    """Secrets Manager resource values that name exactly a declared secret."""
    s3_objects: set[str] = field(default_factory=set)
    s3_buckets: set[str] = field(default_factory=set)

    @property
    def declares_secrets(self) -> bool:
        return bool(self.parameters or self.parameter_paths or self.secrets)

    def add_image(self, image: str) -> None:
        """``ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:tag|@digest]`` → the repository ARN; other registries need
        no ECR permission."""
        host, _, path = image.partition("/")
        found = _ECR_HOST.match(host)
        if not found or not path:
            return
        path = path.split("@", 1)[0]
        head, _, last = path.rpartition("/")
        last = last.split(":", 1)[0]
        repository = f"{head}/{last}" if head else last
        region = found.group("region")
        self.repositories.add(f"arn:{_partition(region, bool(found.group('cn')))}:ecr:{region}:"
                              f"{found.group('account')}:repository/{repository}")

    def add_secret(self, value_from: str) -> None:
        arn = Arn.parse(value_from)
        if arn is None:  # an SSM parameter named without ARN: same account and Region as the task
            self.parameter_paths.add("parameter/" + value_from.lstrip("/"))
        elif arn.service == "ssm":
            self.parameters.add(value_from)
        elif arn.service == "secretsmanager":
            # arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf[:json-key:version-stage:version-id]
            secret = ":".join(value_from.split(":")[:7])
            self.secrets.update({secret, f"{secret}-??????"})
            if _SECRET_SUFFIX.search(secret):
                self.secrets.add(secret[:-6] + "??????")

    def add_environment_file(self, value: str) -> None:
        self.s3_objects.add(value)
        self.s3_buckets.add(value.split("/", 1)[0])

    def add_container(self, container: Mapping) -> None:
        if isinstance(container.get("image"), str):
            self.add_image(container["image"])
        log = container.get("logConfiguration")
        log = log if isinstance(log, Mapping) else {}
        options = log.get("options")
        options = options if isinstance(options, Mapping) else {}
        if log.get("logDriver") == "awslogs" and options.get("awslogs-group"):
            group = (str(options["awslogs-group"]), options.get("awslogs-region"))
            self.log_groups.add(group)
            if str(options.get("awslogs-create-group", "")).lower() == "true":
                self.created_log_groups.add(group)
        for secret in as_list(container.get("secrets")):
            if isinstance(secret, Mapping) and isinstance(secret.get("valueFrom"), str):
                self.add_secret(secret["valueFrom"])
        credentials = container.get("repositoryCredentials") or {}
        if isinstance(credentials, Mapping) and isinstance(credentials.get("credentialsParameter"), str):
            self.add_secret(credentials["credentialsParameter"])
        for env_file in as_list(container.get("environmentFiles")):
            if isinstance(env_file, Mapping) and isinstance(env_file.get("value"), str):
                self.add_environment_file(env_file["value"])


def _containers(task_definition: PolicyResource) -> list[Mapping]:
    """The container definitions (a JSON string; unknown in a preview when built from other outputs: that raises)."""
    value = task_definition.props.get("containerDefinitions")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise DocumentError(f"it is not valid JSON ({exc})") from None
    elif isinstance(value, Sequence):
        value = plain(value)
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        raise DocumentError("it is not a JSON list of container definitions")
    return value


# ---- judging a grant --------------------------------------------------------------------------------------


def _listing(values: set[str]) -> str:
    return ", ".join(sorted(values)) or "none"


def _log_group_arn(resource: str, groups: set[tuple[str, str | None]], stream: bool) -> bool:
    """arn:aws:logs:REGION:ACCOUNT:log-group:NAME, with ``:*`` or (``stream``) ``:log-stream:...`` after it."""
    arn = Arn.parse(resource)
    if arn is None or arn.service != "logs" or not _ACCOUNT.match(arn.account):
        return False
    if not arn.resource.startswith("log-group:"):
        return False
    name, _, rest = arn.resource[len("log-group:"):].partition(":")
    if not any(name == group and region in (None, arn.region) for group, region in groups):
        return False
    return rest in ("", "*") or (stream and rest.startswith("log-stream:"))


def _ssm_parameter(resource: str, needs: Needs) -> bool:
    if resource in needs.parameters:
        return True
    arn = Arn.parse(resource)
    return bool(arn and arn.service == "ssm" and _ACCOUNT.match(arn.account) and arn.region
                and arn.resource in needs.parameter_paths)


def _reason(action: str, resource: str, needs: Needs) -> str | None:
    """Why ``action`` (lower case, in ALLOWED) on ``resource`` exceeds what the task definitions need, or None."""
    if action == ECR_TOKEN:
        return None if needs.repositories else "no container image is in Amazon ECR, so no ECR permission is needed"
    if action in ECR_PULL:
        if resource in needs.repositories:
            return None
        repositories = _listing(needs.repositories)
        return f"ECR pull is allowed only on the repositories of the containers' images ({repositories})"
    if action in LOG_WRITE or action == LOG_CREATE:
        create = action == LOG_CREATE
        groups = needs.created_log_groups if create else needs.log_groups
        if _log_group_arn(resource, groups, stream=not create):
            return None
        names = _listing({name for name, _ in groups})
        if create:
            return ("logs:CreateLogGroup is allowed only on the log groups the containers create "
                    f"(awslogs-create-group): {names}")
        return ("CloudWatch Logs writes are allowed only on the containers' awslogs groups "
                f"(arn:aws:logs:REGION:ACCOUNT:log-group:NAME, optionally with ':*'): {names}")
    if action == SSM_READ:
        if _ssm_parameter(resource, needs):
            return None
        return ("ssm:GetParameters is allowed only on the parameters the containers declare in secrets "
                f"({_listing(needs.parameters | needs.parameter_paths)})")
    if action == SECRET_READ:
        if resource in needs.secrets:
            return None
        exact = {s for s in needs.secrets if "?" not in s}
        return ("secretsmanager:GetSecretValue is allowed only on the secrets the containers declare "
                f"({_listing(exact)})")
    if action == KMS_DECRYPT:
        if not needs.declares_secrets:
            return "kms:Decrypt is needed only to read declared secrets, and the containers declare none"
        if _KMS_KEY.match(resource):
            return None
        return "kms:Decrypt is allowed only on specific key ARNs (arn:aws:kms:REGION:ACCOUNT:key/KEY_ID)"
    if action == S3_OBJECT:
        if resource in needs.s3_objects:
            return None
        return f"s3:GetObject is allowed only on the containers' environment files ({_listing(needs.s3_objects)})"
    if action == S3_BUCKET:
        if resource in needs.s3_buckets:
            return None
        return f"s3:GetBucketLocation is allowed only on the environment files' buckets ({_listing(needs.s3_buckets)})"
    return SCOPE


@lru_cache(maxsize=4096)
def _outside(value: str) -> tuple[str, ...]:
    """The actions an Action value grants that no execution role needs (cached: ``*`` expands to 20,000)."""
    return tuple(a.name for a in _actions.expand(value) if a.name.lower() not in ALLOWED)


def _check_statement(statement: Statement, where: str, needs: Needs, report: Callable[[str], None]) -> None:
    if statement.not_actions is not None:
        report(f"{where} has an Allow statement with NotAction {list(statement.not_actions)}, which grants every other "
               f"action; {SCOPE}.")
    if statement.not_resources is not None:
        report(f"{where} has an Allow statement with NotResource {list(statement.not_resources)}, which grants on "
               f"every other resource; {SCOPE}, on the named resources.")
    for value in statement.actions:
        expanded = _actions.expand(value)
        if not expanded:
            report(f"{where} allows '{value}', which is not an action of the IAM service authorization reference; "
                   f"{SCOPE}.")
            continue
        outside = _outside(value)
        if outside:
            if _actions.is_pattern(value):
                examples = ", ".join(outside[:3]) + (f", and {len(outside) - 3} more" if len(outside) > 3 else "")
                report(f"{where} allows '{value}', which includes actions an execution role does not need "
                       f"({examples}); {SCOPE}.")
            else:
                report(f"{where} allows '{value}', which an execution role does not need; {SCOPE}.")
            continue
        for resource in statement.resources:
            for action in expanded:
                reason = _reason(action.name.lower(), resource, needs)
                if reason:
                    named = f"'{value}' ({action.name})" if _actions.is_pattern(value) else f"'{value}'"
                    report(f"{where} allows {named} on '{resource}'; {reason}.")


def _check_document(document: Document, needs: Needs, report: ReportViolation) -> None:
    try:
        parsed = statements(document.document)
    except DocumentError as exc:
        report(f"{document.where} is not a valid IAM policy document: {exc}.", document.urn)
        return
    for statement in parsed:
        if statement.allows:
            _check_statement(statement, document.where, needs, lambda message: report(message, document.urn))


def check(args: StackValidationArgs, report: ReportViolation) -> None:
    roles = Roles(args.resources)
    for use in roles.used_as("executionRoleArn"):
        needs = Needs()
        for task_definition in use.task_definitions:
            try:
                for container in _containers(task_definition):
                    needs.add_container(container)
            except DocumentError as exc:
                report(f"task definition '{task_definition.name}' has containerDefinitions that cannot be read: {exc}; "
                       "its execution role's scope is judged as if it had no containers.", task_definition.urn)
        documents, managed = roles.permissions(use.role, KIND)
        for document in documents:
            _check_document(document, needs, report)
        for attached in managed:
            name = aws_managed_name(attached.arn)
            if name == ECS_MANAGED:
                report(f"{attached.where} has AWS managed policy '{attached.arn}' attached, which grants ECR pull and "
                       "CloudWatch Logs writes on every resource ('*'); replace it with a scoped inline policy on the "
                       "task's repositories and log groups.", attached.urn)
            elif name:
                report(f"{attached.where} has AWS managed policy '{attached.arn}' attached; {SCOPE}, in a scoped "
                       "inline policy.", attached.urn)
            else:
                report(f"{attached.where} has policy '{attached.arn}' attached whose document is not in this stack, so "
                       f"its scope cannot be checked; {SCOPE}, in a scoped inline policy.", attached.urn)


POLICY = stack_policy(
    name="execution-role-scope",
    description=(
        "ECS execution roles grant only what the agent needs for the task definitions that use them: "
        "ecr:GetAuthorizationToken, and ECR pull on the repositories of the containers' ECR images; "
        "logs:CreateLogStream and logs:PutLogEvents on their awslogs groups (logs:CreateLogGroup too when a "
        "container sets awslogs-create-group); ssm:GetParameters / secretsmanager:GetSecretValue on exactly the "
        "secrets the containers declare (secrets, repositoryCredentials), with kms:Decrypt only on specific key ARNs; "
        "s3:GetObject / s3:GetBucketLocation on their environment files. The AWS managed "
        "AmazonECSTaskExecutionRolePolicy is a violation: it grants ECR pull and log writes on '*' (every repository "
        "and log group of the account), which is not scoped."
    ),
    service="iam",
    severity=Severity.HIGH,
    remediation=(
        "1. Detach AmazonECSTaskExecutionRolePolicy and any other managed policy from the execution role. "
        "2. Give it one inline policy: ecr:GetAuthorizationToken on '*'; ecr:BatchCheckLayerAvailability, "
        "ecr:GetDownloadUrlForLayer and ecr:BatchGetImage on arn:aws:ecr:REGION:ACCOUNT:repository/REPO of each "
        "ECR image; logs:CreateLogStream and logs:PutLogEvents on arn:aws:logs:REGION:ACCOUNT:log-group:GROUP:* of "
        "each awslogs-group. "
        "3. For secrets, ssm:GetParameters on each parameter ARN and secretsmanager:GetSecretValue on each secret ARN "
        "the containers name in valueFrom (without the JSON-key suffix), plus kms:Decrypt on the customer managed "
        "key ARNs that encrypt them. "
        "4. Put every permission the application itself needs on the task role, not on the execution role."
    ),
    validate=check,
)

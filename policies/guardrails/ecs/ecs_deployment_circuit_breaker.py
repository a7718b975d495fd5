"""ECS services deploying by rolling update must enable the deployment circuit breaker with rollback.

Judges ``aws:ecs/service:Service``: ``deploymentCircuitBreaker`` must have ``enable`` true and ``rollback`` true, so a
deployment whose tasks keep failing stops and returns to the last good deployment instead of retrying forever.
ECS supports the circuit breaker only for its rolling update, so services with a CODE_DEPLOY or EXTERNAL deployment
controller, or with a BLUE_GREEN, LINEAR or CANARY ``deploymentConfiguration.strategy``, are not applicable. No FSBP
control covers this.
"""

from collections.abc import Mapping

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.ecs._task import SERVICE, uses_rolling_update


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SERVICE:
        return
    if not uses_rolling_update(args.props.get):
        args.not_applicable("the service does not deploy by ECS rolling update")
    breaker = args.props.get("deploymentCircuitBreaker")
    if not isinstance(breaker, Mapping):
        state = "is not set"
    else:
        enable, rollback = breaker.get("enable"), breaker.get("rollback")
        if enable is True and rollback is True:
            return
        state = f"has enable {_text(enable)} and rollback {_text(rollback)}"
    report(
        f"the service's deploymentCircuitBreaker {state}; set enable and rollback to true so a failing deployment "
        "stops and rolls back."
    )


def _text(value: object) -> str:
    if value is None:
        return "unset"
    return str(value).lower() if isinstance(value, bool) else repr(value)


POLICY = resource_policy(
    name="ecs-deployment-circuit-breaker",
    description="ECS services enable the deployment circuit breaker with automatic rollback.",
    service="ecs",
    severity=Severity.MEDIUM,
    remediation=(
        "Set deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True) "
        "on aws.ecs.Service."
    ),
    validate=check,
)

"""ELB.5: application load balancers write access logs to an S3 bucket.

Judges ``aws:lb/loadBalancer:LoadBalancer`` of type application: ``accessLogs.enabled`` must be true (the provider's
default is false, even when a bucket is given) and ``accessLogs.bucket`` must name a bucket. The bucket is read only
once logging is on; in a preview it is often the unknown name of a bucket created in the same stack, and the SDK then
reports that the policy cannot run yet. Network and gateway load balancers are outside ELB.5: not applicable.

Access logs are a per-environment choice: the policy is mandatory, and an environment that does not ask for them
sets this policy's enforcement level to advisory in its policy configuration (the engine's per-policy
``enforcementLevel``); nothing in the policy depends on the environment.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import resource_policy
from guardrails.elb._lb import LOAD_BALANCERS, flag, lb_type, shown


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in LOAD_BALANCERS:
        return
    kind = lb_type(args.props)
    if kind != "application":
        args.not_applicable(f"access logs of a {kind} load balancer are outside ELB.5")
    logs = args.props.get("accessLogs")
    enabled = logs.get("enabled") if logs is not None else None
    if not flag(enabled):
        report(
            f"the application load balancer does not write access logs (accessLogs.enabled is {shown(enabled)}); "
            "set accessLogs.enabled to true with accessLogs.bucket naming the S3 bucket for the logs."
        )
        return
    bucket = logs.get("bucket")
    if not isinstance(bucket, str) or not bucket.strip():
        report(
            f"accessLogs.enabled is true but accessLogs.bucket is {shown(bucket)}; name the S3 bucket that "
            "receives the load balancer's access logs."
        )


POLICY = resource_policy(
    name="alb-access-logs",
    description=(
        "Application load balancers write access logs to an S3 bucket (accessLogs.enabled with a bucket). "
        "Environments that do not require access logs set this policy to advisory in their policy configuration."
    ),
    service="elb",
    severity=Severity.MEDIUM,
    controls=["ELB.5"],
    remediation=(
        "Pass access_logs={'bucket': <bucket name>, 'enabled': True, 'prefix': <optional>} to aws.lb.LoadBalancer, "
        "with a bucket policy that lets the Elastic Load Balancing log delivery write to it."
    ),
    validate=check,
)

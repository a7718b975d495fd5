"""EC2.170, EC2.8: launch templates require IMDSv2 and a metadata PUT response hop limit of 1.

Judges ``aws:ec2/launchTemplate:LaunchTemplate``'s ``metadataOptions``:

- ``httpTokens`` must be ``required`` (IMDSv2 only). Left out it is ``optional`` (the provider's documented
  default), unless the AMI is registered with ImdsSupport v2.0 and the account default allows it: the template has
  to say it.
- ``httpPutResponseHopLimit`` must be 1. The IMDSv2 token travels in the response to a PUT; with one hop it cannot
  cross the extra hop of a container's network (bridge-mode ECS tasks behind docker0), so containers cannot get a
  token and cannot read the instance role's credentials, while the ECS agent on the host network still can. Left
  out, the documented default is 1, but instances of an AMI registered with ImdsSupport v2.0 (Amazon Linux 2023,
  the ECS-optimized AMIs among them) get 2 ("HttpPutResponseHopLimit is set to 2", EC2 API reference, ImdsSupport):
  the template has to say it.
- ``httpEndpoint`` defaults to ``enabled``; ``disabled`` turns the metadata service off altogether, which leaves
  nothing to protect: passes.

EC2.8 judges the instances themselves; AutoScaling.3 is the same rule for launch configurations, which the platform
does not use.
"""

from pulumi_policy import ReportViolation, ResourceValidationArgs, Severity

from guardrails.base import as_int, resource_policy
from guardrails.ec2._launch_template import LAUNCH_TEMPLATE

HOP_LIMIT = 1


def check(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != LAUNCH_TEMPLATE:
        return
    options = args.props.get("metadataOptions") or {}
    if str(options.get("httpEndpoint") or "").strip().lower() == "disabled":
        return
    tokens = options.get("httpTokens")
    if str(tokens or "").strip().lower() != "required":
        shown = repr(tokens) if tokens is not None else "not set, so 'optional'"
        report(
            f"instances launched from this template accept IMDSv1 (metadataOptions.httpTokens is {shown}); "
            "set metadataOptions.httpTokens to 'required'."
        )
    raw_limit = options.get("httpPutResponseHopLimit")
    limit = as_int(raw_limit)
    if limit != HOP_LIMIT:
        if raw_limit is None:
            shown = "not set, so 2 on AMIs registered with ImdsSupport v2.0 such as Amazon Linux 2023"
        else:
            shown = str(limit) if limit is not None else repr(raw_limit)
        report(
            f"the metadata PUT response hop limit is {shown}, so containers on the instance can obtain instance "
            f"credentials; set metadataOptions.httpPutResponseHopLimit to {HOP_LIMIT}."
        )


POLICY = resource_policy(
    name="launch-template-imdsv2",
    description=(
        "Launch templates require IMDSv2 (httpTokens 'required') with a PUT response hop limit of 1, so containers "
        "cannot reach the instance role's credentials."
    ),
    service="ec2",
    severity=Severity.HIGH,
    controls=["EC2.170", "EC2.8"],
    remediation=(
        "Pass metadata_options={'http_endpoint': 'enabled', 'http_tokens': 'required', "
        "'http_put_response_hop_limit': 1} to aws.ec2.LaunchTemplate."
    ),
    validate=check,
)
